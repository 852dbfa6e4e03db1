// SPDX-License-Identifier: GPL-2.0
/*
 * The hide= list in xen-pciback's syntax: parsing with messages that point
 * at the offending character, matching and formatting. Shared by the module,
 * the CLI (pciguard cmdline --check), the host tests and the fuzzer. No
 * kernel-only calls here: see compat.h.
 *
 * Grammar (blank is a space or a tab, hex digits in either case):
 *
 *	list	:= blank* { group blank* }
 *	group	:= '(' [ seg ':' ] bus ':' slot '.' func ')'
 *		 | '(' [ seg ':' ] bus ':' slot '.' '*' ')'
 *		 | '(' [ seg ':' ] bus ':' '*' '.' '*' ')'
 *	seg	:= 1 to 8 hex digits
 *	bus	:= 1 or 2 hex digits
 *	slot	:= 1 or 2 hex digits, at most 1f
 *	func	:= 1 hex digit, at most 7
 *
 * A string of blanks only is an empty list, like "". Groups that repeat an
 * earlier one are kept as given: they are harmless, pg_hide_match() reports
 * the first.
 */
#include "hide.h"

/* The longest number any field may have: a segment's 8 hex digits. */
#define HIDE_SEG_DIGITS		8

/* Characters quoted after the offending one when the string is shortened. */
#define HIDE_QUOTE_AFTER	8

/* Least room worth quoting in: the offending character and some context. */
#define HIDE_QUOTE_MIN		16

/* Longest "<what>" part of a message, e.g. "slot 0x20 out of range (0-1f)". */
#define HIDE_WHAT_MAX		48

/* Where the parser is, and where its message goes. */
struct hide_parser {
	const char *s;
	const char *p;
	char *err;
	size_t errlen;
};

/* One field: hex digits or a '*'. */
struct hide_field {
	const char *start;
	unsigned int ndigits;
	u32 val;
	bool any;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append @c to the message, keeping room for the NUL. */
static void err_putc(char *err, size_t len, size_t *used, char c)
{
	if (*used + 1 < len)
		err[(*used)++] = c;
	err[*used] = '\0';
}

static void err_puts(char *err, size_t len, size_t *used, const char *s)
{
	while (*s)
		err_putc(err, len, used, *s++);
}

/*
 * Quote @s into the message in at most @room characters: whole when it
 * fits, else shortened with "..." so that character @at (0-based; the
 * length of @s for its end) stays in view. Control characters are written
 * as '?' so that the message stays one printable line.
 */
static void err_quote(char *err, size_t len, size_t *used, const char *s,
		      size_t at, size_t room)
{
	size_t slen = strlen(s), start = 0, end = slen, i;

	if (slen > room) {
		end = at + 1 + HIDE_QUOTE_AFTER;
		if (end <= room - 3) {
			end = room - 3;
		} else if (end >= slen) {
			end = slen;
			start = slen - (room - 3);
		} else {
			start = end - (room - 6);
		}
	}
	if (start)
		err_puts(err, len, used, "...");
	for (i = start; i < end; i++) {
		unsigned char c = s[i];

		err_putc(err, len, used, c < 0x20 || c == 0x7f ? '?' : c);
	}
	if (end < slen)
		err_puts(err, len, used, "...");
}

/*
 * Write "<what> at offset N in '<string>'" for the character at @at into
 * the caller's buffer, at most PG_HIDE_ERR_MAX bytes of it.
 *
 * Return: -EINVAL, for the caller to pass on.
 */
static int fail(struct hide_parser *hp, const char *at, const char *what)
{
	size_t len = hp->errlen < PG_HIDE_ERR_MAX ? hp->errlen : PG_HIDE_ERR_MAX;
	size_t pos = at - hp->s, used, room;
	int n;

	if (!hp->err || !len)
		return -EINVAL;
	n = snprintf(hp->err, len, "%s at offset %zu in '", what, pos + 1);
	if (n < 0 || (size_t)n + 2 > len)
		return -EINVAL;	/* truncated already */
	used = n;
	/* What the quote may take: all but the closing quote and the NUL. */
	room = len - used - 2;
	if (room < strlen(hp->s) && room < HIDE_QUOTE_MIN)
		return -EINVAL;	/* too small to quote: leave it truncated */
	err_quote(hp->err, len, &used, hp->s, pos, room);
	err_putc(hp->err, len, &used, '\'');
	return -EINVAL;
}

/* "expected X" at the current character, or the end of the string. */
static int fail_expected(struct hide_parser *hp, const char *what)
{
	char msg[HIDE_WHAT_MAX];

	if (!*hp->p)
		return fail(hp, hp->p, "unexpected end of string");
	snprintf(msg, sizeof(msg), "expected %s", what);
	return fail(hp, hp->p, msg);
}

static int take_char(struct hide_parser *hp, char c)
{
	char what[4] = { '\'', c, '\'', '\0' };

	if (*hp->p != c)
		return fail_expected(hp, what);
	hp->p++;
	return 0;
}

/*
 * Read a field: a '*' when @any_ok, else hex digits, as many as there are
 * (the caller checks how many it allows).
 */
static int take_field(struct hide_parser *hp, bool any_ok,
		      struct hide_field *f)
{
	int d;

	f->start = hp->p;
	f->ndigits = 0;
	f->val = 0;
	f->any = false;
	if (any_ok && *hp->p == '*') {
		f->any = true;
		hp->p++;
		return 0;
	}
	while ((d = hex_val(*hp->p)) >= 0) {
		if (f->ndigits < HIDE_SEG_DIGITS)
			f->val = f->val << 4 | d;
		f->ndigits++;
		hp->p++;
	}
	if (f->ndigits)
		return 0;
	return fail_expected(hp, any_ok ? "a hex digit or '*'" : "a hex digit");
}

static int check_digits(struct hide_parser *hp, const struct hide_field *f,
			const char *name, unsigned int max)
{
	char msg[HIDE_WHAT_MAX];

	if (f->any || f->ndigits <= max)
		return 0;
	snprintf(msg, sizeof(msg), "%s has more than %u hex digit%s", name,
		 max, max == 1 ? "" : "s");
	return fail(hp, f->start + max, msg);
}

/* One "(...)" group, hp->p at the '('. */
static int parse_group(struct hide_parser *hp, struct pg_hide_rule *r)
{
	struct hide_field f1, f2, slot, fn;
	char msg[HIDE_WHAT_MAX];
	int ret;

	ret = take_char(hp, '(');
	if (ret)
		return ret;
	ret = take_field(hp, false, &f1);
	if (ret)
		return ret;
	ret = check_digits(hp, &f1, "segment", HIDE_SEG_DIGITS);
	if (ret)
		return ret;
	ret = take_char(hp, ':');
	if (ret)
		return ret;
	/* A first field longer than a bus can only be a segment. */
	ret = take_field(hp, f1.ndigits <= 2, &f2);
	if (ret)
		return ret;
	if (!f2.any && *hp->p == ':') {
		/* (DDDD:BB:...) */
		ret = check_digits(hp, &f2, "bus", 2);
		if (ret)
			return ret;
		hp->p++;
		r->domain = f1.val;
		r->bus = f2.val;
		ret = take_field(hp, true, &slot);
		if (ret)
			return ret;
	} else {
		/* (BB:...) */
		ret = check_digits(hp, &f1, "bus", 2);
		if (ret)
			return ret;
		r->domain = 0;
		r->bus = f1.val;
		slot = f2;
	}
	ret = check_digits(hp, &slot, "slot", 2);
	if (ret)
		return ret;
	if (!slot.any && slot.val > 0x1f) {
		snprintf(msg, sizeof(msg), "slot 0x%x out of range (0-1f)",
			 slot.val);
		return fail(hp, slot.start, msg);
	}
	ret = take_char(hp, '.');
	if (ret)
		return ret;
	if (slot.any && *hp->p != '*') {
		if (hex_val(*hp->p) >= 0)
			return fail(hp, hp->p,
				    "'*' for the slot needs '*' for the function");
		return fail_expected(hp, "'*'");
	}
	ret = take_field(hp, true, &fn);
	if (ret)
		return ret;
	ret = check_digits(hp, &fn, "function", 1);
	if (ret)
		return ret;
	if (!fn.any && fn.val > 7) {
		snprintf(msg, sizeof(msg), "function %s%x out of range (0-7)",
			 fn.val > 9 ? "0x" : "", fn.val);
		return fail(hp, fn.start, msg);
	}
	r->slot = slot.any ? PG_HIDE_ANY : slot.val;
	r->function = fn.any ? PG_HIDE_ANY : fn.val;
	return take_char(hp, ')');
}

/**
 * pg_hide_parse() - parse a hide= string
 * @s: the string, e.g. "(0000:03:00.*) (04:00.0)"; NULL or "" (or blanks
 *	only) gives an empty list
 * @out: the rules in the order given, repeats included; n is 0 on error
 * @err: on error, a one-line message naming the first offending character
 *	by its offset counted from 1, then the string quoted (shortened with
 *	"..." around that character when long); may be NULL
 * @errlen: size of @err; at most PG_HIDE_ERR_MAX bytes are written
 *
 * Return: 0, or -EINVAL when @s is malformed, names a slot above 1f or a
 * function above 7, or holds more than PG_HIDE_MAX_RULES groups.
 */
int pg_hide_parse(const char *s, struct pg_hide_list *out, char *err,
		  size_t errlen)
{
	struct hide_parser hp = { s, s, err, errlen };
	char msg[HIDE_WHAT_MAX];
	int ret;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (!s)
		return 0;
	for (;;) {
		while (is_blank(*hp.p))
			hp.p++;
		if (!*hp.p)
			return 0;
		if (*hp.p != '(') {
			ret = fail_expected(&hp, "'('");
			break;
		}
		if (out->n == PG_HIDE_MAX_RULES) {
			snprintf(msg, sizeof(msg), "more than %d groups",
				 PG_HIDE_MAX_RULES);
			ret = fail(&hp, hp.p, msg);
			break;
		}
		ret = parse_group(&hp, &out->rules[out->n]);
		if (ret)
			break;
		out->n++;
	}
	memset(out, 0, sizeof(*out));
	return ret;
}

/**
 * pg_hide_match() - does any rule of @list name @bdf?
 * @list: parsed rules; NULL matches nothing
 * @bdf: the device
 *
 * Return: the index of the first rule that names @bdf, or -1.
 */
int pg_hide_match(const struct pg_hide_list *list, const struct pg_bdf *bdf)
{
	unsigned int i;

	if (!list)
		return -1;
	for (i = 0; i < list->n && i < PG_HIDE_MAX_RULES; i++) {
		const struct pg_hide_rule *r = &list->rules[i];

		if (r->domain != bdf->domain || r->bus != bdf->bus)
			continue;
		if (r->slot != PG_HIDE_ANY && r->slot != bdf->slot)
			continue;
		if (r->function != PG_HIDE_ANY && r->function != bdf->function)
			continue;
		return i;
	}
	return -1;
}

/**
 * pg_hide_rule_format() - a rule in xen-pciback's syntax
 * @buf: output buffer
 * @len: size of @buf; 19 bytes always suffice
 * @r: the rule
 *
 * The segment is always written: "(0000:03:00.1)", "(0000:03:00.*)",
 * "(0000:03:*.*)". The result parses back to @r.
 *
 * Return: the length written (without NUL), or -ENOSPC when @buf is too
 * small (then @buf holds a truncated string).
 */
int pg_hide_rule_format(char *buf, size_t len, const struct pg_hide_rule *r)
{
	char slot[4] = "*", fn[4] = "*";
	int n;

	if (r->slot != PG_HIDE_ANY)
		snprintf(slot, sizeof(slot), "%02x", r->slot);
	if (r->function != PG_HIDE_ANY)
		snprintf(fn, sizeof(fn), "%x", r->function);
	n = snprintf(buf, len, "(%04x:%02x:%s.%s)", r->domain, r->bus, slot,
		     fn);
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}
