// SPDX-License-Identifier: GPL-2.0
/*
 * The persistent store's text form. One entry per device:
 *
 *	device 0000:01:00.0
 *		# Red Hat, Inc. Virtio 1.0 network device
 *		path 00_10.0-00_00.0
 *		id 1af4:1041
 *		subsystem 1af4:1100
 *		serial 52-54-00-ff-ff-00-02-01
 *		assign sys-net backend=pciback permissive=true
 *
 * A "device" line starts an entry; the lines up to the next one belong to
 * it, in any order and with any indentation. Blank lines and lines whose
 * first non-blank character is '#' are comments. Every entry needs path,
 * id, subsystem and one action (hide, or assign GUEST [OPT=VAL...] with
 * assign's -o options); serial and force are optional. Anything else is an
 * error reported with its line: a hand edit must not be half understood.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hide.h"
#include "policy.h"
#include "store.h"

#define MAX_TOKENS	(4 + 2 * PCIGUARD_MAX_GRANTS)

/* Keywords seen in the entry being parsed. */
#define SEEN_PATH	0x01
#define SEEN_ID		0x02
#define SEEN_SUBSYS	0x04
#define SEEN_SERIAL	0x08
#define SEEN_ACTION	0x10
#define SEEN_FORCE	0x20

struct parser {
	struct pg_store *s;
	struct pg_store_entry *cur;	/* the entry being parsed */
	unsigned int seen;		/* SEEN_* of @cur */
	unsigned int seen_line[6];	/* where each was seen */
	unsigned int line;
	char *err;
	size_t errlen;
};

static __attribute__((format(printf, 2, 3)))
int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/**
 * pg_dsn_format() - a Device Serial Number as lspci prints it
 * @dsn: the number
 * @buf: gets "01-23-45-67-89-ab-cd-ef", most significant byte first
 * @len: its size, at least 24
 */
void pg_dsn_format(uint64_t dsn, char *buf, size_t len)
{
	snprintf(buf, len, "%02x-%02x-%02x-%02x-%02x-%02x-%02x-%02x",
		 (unsigned int)(dsn >> 56) & 0xff,
		 (unsigned int)(dsn >> 48) & 0xff,
		 (unsigned int)(dsn >> 40) & 0xff,
		 (unsigned int)(dsn >> 32) & 0xff,
		 (unsigned int)(dsn >> 24) & 0xff,
		 (unsigned int)(dsn >> 16) & 0xff,
		 (unsigned int)(dsn >> 8) & 0xff, (unsigned int)dsn & 0xff);
}

/* One hex digit's value, or -1. */
static int hexval(char c)
{
	static const char digits[] = "0123456789abcdef";
	const char *p = c ? strchr(digits, tolower((unsigned char)c)) : NULL;

	return p ? p - digits : -1;
}

/* pg_dsn_format()'s form back. Return: 0 or -1. */
int pg_dsn_parse(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int i, hi, lo;

	for (i = 0; i < 8; i++, s += 3) {
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0 || s[2] != (i == 7 ? '\0' : '-'))
			return -1;
		v = v << 8 | (unsigned int)(hi << 4 | lo);
	}
	*out = v;
	return 0;
}

/* "vvvv:dddd" (four hex digits each). Return: 0 or -1. */
static int parse_ids(const char *s, uint16_t *a, uint16_t *b)
{
	unsigned int v[2] = { 0, 0 };
	int i, k, x;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < 4; i++, s++) {
			x = hexval(*s);
			if (x < 0)
				return -1;
			v[k] = v[k] << 4 | x;
		}
		if (*s++ != (k ? '\0' : ':'))
			return -1;
	}
	*a = v[0];
	*b = v[1];
	return 0;
}

/* A stable path as the module prints it: [SSSS:]BB_DD.F-00_DD.F... */
static bool path_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= PCIGUARD_PATH_MAX)
		return false;
	return strspn(s, "0123456789abcdef_.:-") == n;
}

static const char *const keywords[] = {
	"path", "id", "subsystem", "serial", "hide|assign", "force",
};

/* The entry that ended: does it have what restore needs? */
static int entry_end(struct parser *p)
{
	static const unsigned int need[] = {
		SEEN_PATH, SEEN_ID, SEEN_SUBSYS, SEEN_ACTION,
	};
	static const char *const what[] = {
		"a 'path' line (its stable PCI path)",
		"an 'id' line (vendor:device)",
		"a 'subsystem' line (subsystem vendor:device)",
		"a 'hide' or 'assign GUEST' line",
	};
	char name[PG_BDF_STRLEN];
	unsigned int i;

	if (!p->cur)
		return 0;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (p->seen & need[i])
			continue;
		pg_bdf_format(name, sizeof(name), &p->cur->bdf);
		p->line = p->cur->line;
		return fail(p, "the entry for %s lacks %s; add it, or delete "
			    "the entry and save the device again with "
			    "--persistent", name, what[i]);
	}
	p->cur = NULL;
	return 0;
}

static int new_entry(struct parser *p, char **tok, int n)
{
	struct pg_store_entry *e;
	char name[PG_BDF_STRLEN];
	struct pg_bdf bdf;

	if (n != 2 || pg_bdf_parse(tok[1], &bdf))
		return fail(p, "'device' takes one PCI address "
			    "(DDDD:BB:DD.F), e.g. device 0000:01:00.0");
	e = pg_store_find(p->s, &bdf);
	if (e) {
		pg_bdf_format(name, sizeof(name), &bdf);
		return fail(p, "%s has a second entry (the first is at line "
			    "%u); delete one of them", name, e->line);
	}
	e = pg_store_put(p->s, &bdf);
	if (!e)
		return fail(p, "out of memory");
	e->line = p->line;
	p->cur = e;
	p->seen = 0;
	return 0;
}

static int parse_action(struct parser *p, char **tok, int n)
{
	struct pg_store_entry *e = p->cur;
	char err[PG_OPT_ERR_MAX];
	int i;

	if (!strcmp(tok[0], "hide")) {
		if (n != 1)
			return fail(p, "'hide' takes nothing after it; "
				    "options belong to 'assign GUEST'");
		e->action = PG_STORE_HIDE;
		return 0;
	}
	if (n < 2)
		return fail(p, "'assign' needs the guest's name: "
			    "assign GUEST [OPT=VAL...]");
	if (!pg_guest_name_valid(tok[1]))
		return fail(p, "invalid guest name '%.64s': use 1 to 63 of "
			    "A-Z a-z 0-9 _ . -, starting with a letter or digit",
			    tok[1]);
	e->action = PG_STORE_ASSIGN;
	strcpy(e->guest, tok[1]);
	for (i = 2; i < n; i++) {
		if (pg_option_parse(tok[i], &e->opts, err, sizeof(err)))
			return fail(p, "%s", err);
	}
	return 0;
}

static int parse_line(struct parser *p, char *line)
{
	static const char *const names[] = {
		"path", "id", "subsystem", "serial", "hide", "assign", "force",
	};
	static const unsigned int bits[] = {
		SEEN_PATH, SEEN_ID, SEEN_SUBSYS, SEEN_SERIAL, SEEN_ACTION,
		SEEN_ACTION, SEEN_FORCE,
	};
	char *tok[MAX_TOKENS], *save = NULL, *t;
	struct pg_store_entry *e = p->cur;
	unsigned int k, b;
	int n = 0;

	for (t = strtok_r(line, " \t\r", &save); t;
	     t = strtok_r(NULL, " \t\r", &save)) {
		if (n == MAX_TOKENS)
			return fail(p, "too many words on one line");
		tok[n++] = t;
	}
	if (!n || tok[0][0] == '#')
		return 0;
	if (!strcmp(tok[0], "device")) {
		if (entry_end(p))
			return -1;
		return new_entry(p, tok, n);
	}
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!strcmp(tok[0], names[k]))
			break;
	if (k == sizeof(names) / sizeof(names[0]))
		return fail(p, "unknown keyword '%.32s'; an entry has device, "
			    "path, id, subsystem, serial, hide, assign and "
			    "force lines", tok[0]);
	if (!e)
		return fail(p, "'%s' before any 'device' line; an entry starts "
			    "with device BDF", tok[0]);
	b = bits[k];
	k = __builtin_ctz(b);	/* index into keywords[] and seen_line[] */
	if (p->seen & b)
		return fail(p, "a second %s line in this entry (the first "
			    "is at line %u); delete one", keywords[k],
			    p->seen_line[k]);
	p->seen |= b;
	p->seen_line[k] = p->line;

	switch (b) {
	case SEEN_PATH:
		if (n != 2 || !path_valid(tok[1]))
			return fail(p, "'path' takes the stable PCI path as "
				    "'pciguard show' prints it, e.g. "
				    "path 00_10.0-00_00.0");
		strcpy(e->id.path, tok[1]);
		return 0;
	case SEEN_ID:
		if (n != 2 || parse_ids(tok[1], &e->id.vendor, &e->id.device))
			return fail(p, "'id' takes vendor:device in hex, as "
				    "lspci -n prints it, e.g. id 8086:10d3");
		return 0;
	case SEEN_SUBSYS:
		if (n != 2 || parse_ids(tok[1], &e->id.subsys_vendor,
					&e->id.subsys_device))
			return fail(p, "'subsystem' takes vendor:device in "
				    "hex, e.g. subsystem 8086:0000");
		return 0;
	case SEEN_SERIAL:
		if (n != 2 || pg_dsn_parse(tok[1], &e->id.dsn))
			return fail(p, "'serial' takes the Device Serial "
				    "Number as lspci -vv prints it, e.g. "
				    "serial 52-54-00-ff-ff-00-02-01");
		e->id.has_dsn = true;
		return 0;
	case SEEN_FORCE:
		if (n != 1)
			return fail(p, "'force' takes nothing after it");
		e->force = true;
		return 0;
	default:
		return parse_action(p, tok, n);
	}
}

/**
 * pg_store_parse() - read the store's text
 * @buf: the file's contents
 * @len: its length
 * @s: gets the entries, in file order; empty (and freed) on error
 * @errline: on error, the line at fault (1-based)
 * @err: on error, what is wrong and how to fix it
 * @errlen: size of @err (PG_STORE_ERR_MAX suffices)
 *
 * Return: 0, or -1 with @errline and @err set.
 */
int pg_store_parse(const char *buf, size_t len, struct pg_store *s,
		   unsigned int *errline, char *err, size_t errlen)
{
	struct parser p = { .s = s, .err = err, .errlen = errlen };
	char line[PG_STORE_LINE_MAX + 1];
	size_t pos = 0, end;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	while (pos < len && !ret) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		end = nl ? (size_t)(nl - buf) : len;
		p.line++;
		if (memchr(buf + pos, '\0', end - pos)) {
			ret = fail(&p, "a NUL byte: this is not a text file; "
				   "restore it from a backup or delete it");
			break;
		}
		if (end - pos > PG_STORE_LINE_MAX) {
			ret = fail(&p, "line longer than %d characters",
				   PG_STORE_LINE_MAX);
			break;
		}
		memcpy(line, buf + pos, end - pos);
		line[end - pos] = '\0';
		ret = parse_line(&p, line);
		pos = end + 1;
	}
	if (!ret)
		ret = entry_end(&p);
	if (ret) {
		*errline = p.line;
		pg_store_free(s);
	}
	return ret;
}

/**
 * pg_store_action_format() - an entry's action line, without the keyword
 *	"force"
 * @e: the entry
 * @buf: gets "hide" or "assign GUEST OPT=VAL..."
 * @len: its size
 *
 * Return: the length, or -ENOSPC.
 */
int pg_store_action_format(const struct pg_store_entry *e, char *buf,
			   size_t len)
{
	char opts[PG_STORE_LINE_MAX];
	int n;

	if (e->action == PG_STORE_HIDE)
		n = snprintf(buf, len, "hide");
	else if (pg_options_format(&e->opts, opts, sizeof(opts)) < 0)
		return -ENOSPC;
	else
		n = snprintf(buf, len, "assign %s%s%s", e->guest,
			     opts[0] ? " " : "", opts);
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

static const char header[] =
	"# pciguard's persistent devices: 'pciguard restore' takes them at boot\n"
	"# (pciguard-restore.service), and 'pciguard cmdline' prints them for an\n"
	"# early pciguard.hide=. Written by 'pciguard hide|assign --persistent' and\n"
	"# 'pciguard forget'. Hand edits are checked line by line; see pciguard(8),\n"
	"# FILES. Restore takes a device only when path, id, subsystem and serial\n"
	"# (if any) still match what is at its address.\n";

/**
 * pg_store_format() - the store's text, as pg_store_parse() reads it
 * @s: the store
 *
 * Return: a string to free(), or NULL when memory is short.
 */
char *pg_store_format(const struct pg_store *s)
{
	char bdf[PG_BDF_STRLEN], act[PG_STORE_LINE_MAX], dsn[32];
	char *out = NULL;
	size_t size = 0;
	FILE *f;
	size_t i;

	f = open_memstream(&out, &size);
	if (!f)
		return NULL;
	fputs(header, f);
	for (i = 0; i < s->n; i++) {
		const struct pg_store_entry *e = &s->e[i];

		pg_bdf_format(bdf, sizeof(bdf), &e->bdf);
		fprintf(f, "\ndevice %s\n", bdf);
		if (e->desc[0] && !strpbrk(e->desc, "\n\r"))
			fprintf(f, "\t# %s\n", e->desc);
		fprintf(f, "\tpath %s\n\tid %04x:%04x\n\tsubsystem %04x:%04x\n",
			e->id.path, e->id.vendor, e->id.device,
			e->id.subsys_vendor, e->id.subsys_device);
		if (e->id.has_dsn) {
			pg_dsn_format(e->id.dsn, dsn, sizeof(dsn));
			fprintf(f, "\tserial %s\n", dsn);
		}
		if (pg_store_action_format(e, act, sizeof(act)) < 0)
			act[0] = '\0';
		fprintf(f, "\t%s\n", act);
		if (e->force)
			fputs("\tforce\n", f);
	}
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

static bool bdf_eq(const struct pg_bdf *a, const struct pg_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus &&
	       a->slot == b->slot && a->function == b->function;
}

/* The entry for @bdf, or NULL. */
struct pg_store_entry *pg_store_find(const struct pg_store *s,
				     const struct pg_bdf *bdf)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (bdf_eq(&s->e[i].bdf, bdf))
			return &s->e[i];
	return NULL;
}

/*
 * The entry for @bdf: the existing one, or a new one at the end with
 * only the address set. Return: NULL when memory is short.
 */
struct pg_store_entry *pg_store_put(struct pg_store *s,
				    const struct pg_bdf *bdf)
{
	struct pg_store_entry *e = pg_store_find(s, bdf);

	if (e)
		return e;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;

		e = realloc(s->e, cap * sizeof(*e));
		if (!e)
			return NULL;
		s->e = e;
		s->cap = cap;
	}
	e = &s->e[s->n++];
	memset(e, 0, sizeof(*e));
	e->bdf = *bdf;
	return e;
}

/* Drop @e (an entry of @s); the order of the others stays. */
void pg_store_del(struct pg_store *s, struct pg_store_entry *e)
{
	size_t i = e - s->e;

	memmove(e, e + 1, (s->n - i - 1) * sizeof(*e));
	s->n--;
}

void pg_store_free(struct pg_store *s)
{
	free(s->e);
	memset(s, 0, sizeof(*s));
}

/**
 * pg_store_hide_string() - every entry's address in hide= syntax
 * @s: the store
 * @buf: gets "(0000:01:00.0)(0000:02:00.0)", "" for no entries
 * @len: its size; PG_HIDE_MAX_RULES * 18 + 1 always suffices
 *
 * Return: the length, or -ENOSPC when @buf is too small or @s has more
 * entries than the module's hide= takes (PG_HIDE_MAX_RULES): a longer list
 * would make the module refuse to load at boot.
 */
int pg_store_hide_string(const struct pg_store *s, char *buf, size_t len)
{
	char bdf[PG_BDF_STRLEN];
	size_t i, used = 0;
	int n;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	if (s->n > PG_HIDE_MAX_RULES)
		return -ENOSPC;
	for (i = 0; i < s->n; i++) {
		pg_bdf_format(bdf, sizeof(bdf), &s->e[i].bdf);
		n = snprintf(buf + used, len - used, "(%s)", bdf);
		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		used += n;
	}
	return used;
}

/**
 * pg_ident_diff() - is the device found the one an entry wants?
 * @want: what the entry recorded
 * @found: what is at the entry's address now
 *
 * A serial number counts when either side has one: a device that has one
 * now and had none then is another device.
 *
 * Return: 0 when they are the same, else PG_IDENT_* bits.
 */
unsigned int pg_ident_diff(const struct pg_ident *want,
			   const struct pg_ident *found)
{
	unsigned int d = 0;

	if (want->vendor != found->vendor || want->device != found->device)
		d |= PG_IDENT_ID;
	if (want->subsys_vendor != found->subsys_vendor ||
	    want->subsys_device != found->subsys_device)
		d |= PG_IDENT_SUBSYS;
	if (want->has_dsn != found->has_dsn ||
	    (want->has_dsn && want->dsn != found->dsn))
		d |= PG_IDENT_DSN;
	if (strcmp(want->path, found->path))
		d |= PG_IDENT_PATH;
	return d;
}
