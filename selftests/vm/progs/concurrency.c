// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrent pciguard CLIs, and the check that what they did adds up.
 * Runs in the test VM (tests/concurrency.sh drives it).
 *
 *   concurrency run DIR SEED WORKERS OPS BDF...
 *	WORKERS processes, each with its own PRNG (seed SEED*1000003+W,
 *	printed), run OPS operations in all (the first OPS % WORKERS
 *	workers one more) on the devices BDF...: pciguard hide, assign
 *	(guest vm1 or vm2, -o backend=vfio-pci), detach, release --to-host
 *	or list, each on one to three of the devices (an assign adds the
 *	rest of a device's IOMMU group three times in four). Each operation
 *	is logged to DIR/wW.log: worker, sequence number, start and end
 *	(CLOCK_REALTIME ns, the clock of the module's event timestamps),
 *	exit status, command and its output. An operation that runs longer
 *	than 120 s is killed, logged with status 124, and its worker stops.
 *
 *   concurrency check DIR INITIAL EVENTS FINAL
 *	INITIAL: "BDF<TAB>DRIVER" per device before the run; EVENTS: the
 *	output of `pciguard monitor --json` during the run (events of other
 *	devices are ignored);
 *	FINAL: "BDF<TAB>STATE<TAB>GUEST<TAB>BACKEND<TAB>ORIGINAL<TAB>DRIVER"
 *	after the run. Prints "PASS<TAB>what", "FAIL<TAB>what" and
 *	"DIAG<TAB>text" lines for the test script to turn into TAP.
 *
 * Why the replay is sound. Operations on the same device overlap in time,
 * so neither their start nor their end order is the order they took
 * effect in. The module's order is: every operation that moves devices
 * (hide, assign, detach, release) holds pg_custody_mutex while it decides
 * and acts, and posts its events (quarantined, assigned, detached,
 * released) before it drops the mutex, into one FIFO queue that the
 * monitor reads in order. So the event stream is the serial order of the
 * operations that changed something, and one operation's events are
 * contiguous in it. The check walks the stream with a model of every
 * device (host, quarantined, or assigned to a guest) and attributes each
 * run of events to one operation that reported success, whose events it
 * must be exactly (the multiset its command yields in the model state
 * there: hide quarantines the devices dom0 has; assign quarantines those,
 * then assigns the ones not assigned; detach and release act on each),
 * whose time interval contains their timestamps, and whose preconditions
 * hold there (assign: the whole IOMMU group named, no device assigned to
 * another guest; detach: all assigned; release: all quarantined). Several
 * operations may fit one run of events (two overlapping hides of one
 * device; a hide and an assign that each could have taken it): the
 * attribution must also agree with what each operation printed per
 * device ("quarantined (was ...)" or "assigned to ..." only where it has
 * events, "already ..." only where it has none; detach and release always
 * act). A depth-first search finds such an attribution, pruned when an
 * operation that says it moved a device ended before the next event. If
 * there is none, the nearest one (the agreeing operation, else the one
 * that ended first) is shown, and the disagreements are failures. The
 * model state after the last event must be the devices' final state.
 *
 * Operations that changed nothing (an "already ..." success, a refusal, a
 * list) left no event. Each must be right in some state the devices were
 * in while it ran: the state after event K could be seen from when K's
 * operation started until event K+1's operation ended, and an operation
 * running from S to E could see it if K's operation started before E and
 * K+1's ended after S. A refusal must name one of its devices and give a
 * reason that held for that device in such a state; a list must show each
 * device in such a state; a success that changed nothing must have been
 * legal, and a no-op, in such a state.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEV		8
#define MAX_OPS		4096
#define MAX_EVENTS	16384
#define OUT_MAX		4096
#define OP_TIMEOUT_S	120

enum kind { K_HIDE, K_ASSIGN, K_DETACH, K_RELEASE, K_LIST, K_NR };
static const char *const kind_name[K_NR] = {
	"hide", "assign", "detach", "release", "list"
};

enum st { S_HOST, S_QUAR, S_ASSIGNED };
static const char *const st_name[] = { "host", "quarantined", "assigned" };

struct dstate {
	enum st st;
	char guest[16];
};

static char dev[MAX_DEV][16];
static int group_of[MAX_DEV];
static int ndev;

/* ---- run --------------------------------------------------------------- */

static uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd(uint64_t *s, unsigned int n)
{
	return rnd_next(s) % n;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int dev_index(const char *bdf)
{
	int i;

	for (i = 0; i < ndev; i++)
		if (!strcmp(dev[i], bdf))
			return i;
	return -1;
}

static void read_groups(void)
{
	char path[128], link[256];
	ssize_t n;
	int i;

	for (i = 0; i < ndev; i++) {
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/iommu_group", dev[i]);
		n = readlink(path, link, sizeof(link) - 1);
		group_of[i] = -1 - i;	/* no group: alone */
		if (n > 0) {
			link[n] = '\0';
			group_of[i] = atoi(strrchr(link, '/') + 1);
		}
	}
}

/* Append @s to @buf escaped: \ as \\, newline as \n, tab as \t. */
static void escape_into(char *buf, size_t len, const char *s, size_t n)
{
	size_t used = strlen(buf), i;

	for (i = 0; i < n && used + 3 < len; i++) {
		if (s[i] == '\\' || s[i] == '\n' || s[i] == '\t') {
			buf[used++] = '\\';
			buf[used++] = s[i] == '\n' ? 'n' :
				      s[i] == '\t' ? 't' : '\\';
		} else {
			buf[used++] = s[i];
		}
	}
	buf[used] = '\0';
}

/* Run @argv with stdout and stderr in @out; return its exit status. */
static int run_cli(char *const argv[], char *out, size_t len)
{
	int64_t deadline = now_ns() + (int64_t)OP_TIMEOUT_S * 1000000000;
	size_t used = 0;
	int fd[2], status, i;
	pid_t pid;

	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(fd[0]);
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	for (;;) {
		struct pollfd p = { .fd = fd[0], .events = POLLIN };
		int64_t left = (deadline - now_ns()) / 1000000;
		char tmp[512];
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			kill(pid, SIGKILL);
			for (i = 0; i < 100; i++) {
				if (waitpid(pid, &status, WNOHANG) == pid)
					break;
				usleep(100000);
			}
			close(fd[0]);
			out[used] = '\0';
			return 124;
		}
		n = read(fd[0], tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (used + n >= len)
			n = len - 1 - used;
		memcpy(out + used, tmp, n);
		used += n;
	}
	close(fd[0]);
	out[used] = '\0';
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void worker(const char *dir, int w, uint64_t seed, int nops)
{
	static const int weight[K_NR] = { 22, 22, 18, 18, 20 };
	static char out[OUT_MAX], line[3 * OUT_MAX];
	char path[256], bdfs[MAX_DEV * 16];
	char *argv[16];
	FILE *log;
	int op;

	snprintf(path, sizeof(path), "%s/w%d.log", dir, w);
	log = fopen(path, "w");
	if (!log) {
		perror(path);
		exit(1);
	}
	for (op = 0; op < nops; op++) {
		bool pick[MAX_DEV] = { false };
		int k, r, i, n, want, argc = 0, rc;
		const char *guest = "-";
		int64_t t0, t1;

		r = rnd(&seed, 100);
		for (k = 0; k < K_NR - 1 && r >= weight[k]; k++)
			r -= weight[k];
		r = rnd(&seed, 100);
		want = r < 55 ? 1 : r < 90 ? 2 : 3;
		if (want > ndev)
			want = ndev;
		for (n = 0; n < want;) {
			i = rnd(&seed, ndev);
			if (!pick[i]) {
				pick[i] = true;
				n++;
			}
		}
		if (k == K_ASSIGN && rnd(&seed, 4)) {
			for (i = 0; i < ndev; i++)
				for (n = 0; n < ndev; n++)
					if (pick[n] && group_of[n] == group_of[i])
						pick[i] = true;
		}
		argv[argc++] = "pciguard";
		argv[argc++] = (char *)kind_name[k];
		if (k == K_RELEASE)
			argv[argc++] = "--to-host";
		if (k == K_ASSIGN) {
			guest = rnd(&seed, 2) ? "vm2" : "vm1";
			argv[argc++] = (char *)guest;
		}
		bdfs[0] = '\0';
		for (i = 0; k != K_LIST && i < ndev; i++) {
			if (!pick[i])
				continue;
			argv[argc++] = dev[i];
			strcat(bdfs, bdfs[0] ? "," : "");
			strcat(bdfs, dev[i]);
		}
		if (k == K_ASSIGN) {
			argv[argc++] = "-o";
			argv[argc++] = "backend=vfio-pci";
		}
		argv[argc] = NULL;

		t0 = now_ns();
		rc = run_cli(argv, out, sizeof(out));
		t1 = now_ns();
		line[0] = '\0';
		escape_into(line, sizeof(line), out, strlen(out));
		fprintf(log, "%d\t%d\t%lld\t%lld\t%d\t%s\t%s\t%s\t%s\n", w, op,
			(long long)t0, (long long)t1, rc, kind_name[k], guest,
			bdfs[0] ? bdfs : "-", line);
		fflush(log);
		if (rc == 124)
			break;
	}
	fclose(log);
}

static int cmd_run(int argc, char **argv)
{
	int workers, nops, w, i, status, failed = 0;
	unsigned long long seed;
	const char *dir;
	int64_t t0;

	if (argc < 6)
		return 2;
	dir = argv[2];
	seed = strtoull(argv[3], NULL, 0);
	workers = atoi(argv[4]);
	nops = atoi(argv[5]);
	for (i = 6; i < argc && ndev < MAX_DEV; i++)
		snprintf(dev[ndev++], sizeof(dev[0]), "%.15s", argv[i]);
	if (workers < 1 || nops < 1 || !ndev)
		return 2;
	read_groups();
	for (i = 0; i < ndev; i++)
		printf("device %s iommu_group %d\n", dev[i], group_of[i]);
	t0 = now_ns();
	for (w = 0; w < workers; w++) {
		uint64_t s = seed * 1000003ULL + w;
		int mine = nops / workers + (w < nops % workers);

		printf("worker %d seed %llu ops %d\n", w,
		       (unsigned long long)s, mine);
		fflush(stdout);
		if (!fork()) {
			worker(dir, w, s, mine);
			_exit(0);
		}
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	printf("wall %.1f s\n", (now_ns() - t0) / 1e9);
	return failed ? 1 : 0;
}

/* ---- check ------------------------------------------------------------- */

struct op {
	int worker, seq, rc;
	int64_t t0, t1;
	enum kind kind;
	char guest[16];
	bool named[MAX_DEV];
	char *out;	/* unescaped */
	bool says_changed;	/* succeeded, says it moved a device */
	bool matched;
};

struct event {
	int64_t ts;
	char type[24];
	int d;		/* device index, -1: not one of ours */
	char guest[16];
	int op;		/* attributed to, -1: none */
};

static struct op ops[MAX_OPS];
static int nops;
static struct event ev[MAX_EVENTS];
static int nev;
/* state[k]: the devices after the first k events. */
static struct dstate (*state)[MAX_DEV];
static char orig[MAX_DEV][32];

static void result(bool pass, const char *fmt, ...)
{
	va_list ap;

	printf("%s\t", pass ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A "DIAG" line; a command's output in it goes on the same line. */
static void diag(const char *fmt, ...)
{
	static char buf[2 * OUT_MAX];
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (p = buf + strlen(buf); p > buf && p[-1] == '\n';)
		*--p = '\0';
	for (p = buf; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = '|';
	printf("DIAG\t%s\n", buf);
}

/* Split @s at tabs into at most @max fields; return how many. */
static int split(char *s, char **f, int max)
{
	int n = 0;

	s[strcspn(s, "\n")] = '\0';
	while (n < max) {
		f[n++] = s;
		s = strchr(s, '\t');
		if (!s)
			break;
		*s++ = '\0';
	}
	return n;
}

static char *unescape(const char *s)
{
	char *o = malloc(strlen(s) + 1), *p = o;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*p++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	return o;
}

static int op_cmp(const void *a, const void *b)
{
	const struct op *x = a, *y = b;

	return x->t0 < y->t0 ? -1 : x->t0 > y->t0;
}

static int load_ops(const char *dir)
{
	static char line[4 * OUT_MAX];
	char path[256], *f[9], *b;
	FILE *fp;
	int w;

	for (w = 0;; w++) {
		snprintf(path, sizeof(path), "%s/w%d.log", dir, w);
		fp = fopen(path, "r");
		if (!fp)
			break;
		while (fgets(line, sizeof(line), fp) && nops < MAX_OPS) {
			struct op *o = &ops[nops];
			int k;

			if (split(line, f, 9) != 9)
				continue;
			o->worker = atoi(f[0]);
			o->seq = atoi(f[1]);
			o->t0 = strtoll(f[2], NULL, 10);
			o->t1 = strtoll(f[3], NULL, 10);
			o->rc = atoi(f[4]);
			for (k = 0; k < K_NR; k++)
				if (!strcmp(f[5], kind_name[k]))
					o->kind = k;
			snprintf(o->guest, sizeof(o->guest), "%.15s", f[6]);
			for (b = strtok(f[7], ","); b; b = strtok(NULL, ","))
				if (dev_index(b) >= 0)
					o->named[dev_index(b)] = true;
			o->out = unescape(f[8]);
			nops++;
		}
		fclose(fp);
	}
	qsort(ops, nops, sizeof(ops[0]), op_cmp);
	return w;
}

/*
 * Member @key of the one-line JSON object @line, as text, into @buf: a
 * string's characters (the monitor's values here need no escapes), a
 * number's digits, "-" for null or absent. Not jq: jq 1.6 turns the
 * timestamp_ns into a double.
 */
static void json_member(const char *line, const char *key, char *buf,
			size_t len)
{
	char pat[40];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p || !strncmp(p + strlen(pat), "null", 4)) {
		snprintf(buf, len, "-");
		return;
	}
	p += strlen(pat);
	if (*p == '"')
		n = strcspn(++p, "\"");
	else
		n = strspn(p, "0123456789");
	snprintf(buf, len, "%.*s", (int)n, p);
}

static bool load_events(const char *path, int *lost, int *other)
{
	char line[2048], bdf[32], ts[32];
	FILE *fp = fopen(path, "r");

	if (!fp)
		return false;
	while (fgets(line, sizeof(line), fp) && nev < MAX_EVENTS) {
		struct event *e = &ev[nev];

		line[strcspn(line, "\n")] = '\0';
		json_member(line, "event", e->type, sizeof(e->type));
		if (!strcmp(e->type, "lost")) {
			diag("event: %s", line);
			(*lost)++;
			continue;
		}
		json_member(line, "timestamp_ns", ts, sizeof(ts));
		json_member(line, "bdf", bdf, sizeof(bdf));
		json_member(line, "guest", e->guest, sizeof(e->guest));
		e->ts = strtoll(ts, NULL, 10);
		e->d = dev_index(bdf);
		e->op = -1;
		if (e->d < 0)
			continue;	/* the script's own end marker */
		if (strcmp(e->type, "quarantined") &&
		    strcmp(e->type, "assigned") &&
		    strcmp(e->type, "detached") && strcmp(e->type, "released")) {
			(*other)++;
			diag("event: %s", line);
			continue;
		}
		nev++;
	}
	fclose(fp);
	return true;
}

static bool group_complete(const struct op *o)
{
	int i, j;

	for (i = 0; i < ndev; i++)
		for (j = 0; j < ndev; j++)
			if (o->named[i] && group_of[j] == group_of[i] &&
			    !o->named[j])
				return false;
	return true;
}

/* Whether @o may succeed in @s (it may change nothing). */
static bool legal(const struct op *o, const struct dstate *s)
{
	int i;

	for (i = 0; i < ndev; i++) {
		if (!o->named[i])
			continue;
		switch (o->kind) {
		case K_ASSIGN:
			if (s[i].st == S_ASSIGNED && strcmp(s[i].guest, o->guest))
				return false;
			break;
		case K_DETACH:
			if (s[i].st != S_ASSIGNED)
				return false;
			break;
		case K_RELEASE:
			if (s[i].st != S_QUAR)
				return false;
			break;
		default:
			break;
		}
	}
	return o->kind != K_ASSIGN || group_complete(o);
}

struct want {
	const char *type;
	int d;
	const char *guest;	/* NULL: any */
};

/* The events @o yields in @s, in @w; return how many. */
static int effect(const struct op *o, const struct dstate *s, struct want *w)
{
	int i, n = 0;

	for (i = 0; i < ndev; i++) {
		if (!o->named[i])
			continue;
		switch (o->kind) {
		case K_HIDE:
			if (s[i].st == S_HOST)
				w[n++] = (struct want){ "quarantined", i, NULL };
			break;
		case K_ASSIGN:
			if (s[i].st == S_HOST)
				w[n++] = (struct want){ "quarantined", i, NULL };
			if (s[i].st != S_ASSIGNED)
				w[n++] = (struct want){ "assigned", i, o->guest };
			break;
		case K_DETACH:
			w[n++] = (struct want){ "detached", i, s[i].guest };
			break;
		case K_RELEASE:
			w[n++] = (struct want){ "released", i, NULL };
			break;
		default:
			break;
		}
	}
	return n;
}

/* Do events @pos.. match @w (as a multiset) within @o's interval? */
static bool block_matches(const struct op *o, int pos, const struct want *w,
			  int n)
{
	bool used[3 * MAX_DEV] = { false };
	int k, j;

	if (pos + n > nev)
		return false;
	for (k = pos; k < pos + n; k++) {
		if (ev[k].ts < o->t0 || ev[k].ts > o->t1)
			return false;
		for (j = 0; j < n; j++) {
			if (used[j] || ev[k].d != w[j].d ||
			    strcmp(ev[k].type, w[j].type) ||
			    (w[j].guest && strcmp(ev[k].guest, w[j].guest)))
				continue;
			used[j] = true;
			break;
		}
		if (j == n)
			return false;
	}
	return true;
}

static void apply(struct dstate *s, const struct event *e)
{
	struct dstate *d = &s[e->d];

	if (!strcmp(e->type, "assigned")) {
		d->st = S_ASSIGNED;
		snprintf(d->guest, sizeof(d->guest), "%s", e->guest);
		return;
	}
	d->st = strcmp(e->type, "released") ? S_QUAR : S_HOST;
	d->guest[0] = '\0';
}

static void describe(const struct op *o, char *buf, size_t len)
{
	size_t used;
	int i;

	used = snprintf(buf, len, "w%d#%d %s%s%s", o->worker, o->seq,
			kind_name[o->kind], o->kind == K_ASSIGN ? " " : "",
			o->kind == K_ASSIGN ? o->guest : "");
	for (i = 0; i < ndev && used < len; i++)
		if (o->named[i])
			used += snprintf(buf + used, len - used, " %s", dev[i]);
}

static void state_str(const struct dstate *s, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < ndev && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s=%s%s%s",
				 i ? " " : "", dev[i] + 5, st_name[s[i].st],
				 s[i].guest[0] ? ":" : "", s[i].guest);
}

/* Does the line @o printed for device @d say what the replay says? */
static bool claim_ok(const struct op *o, int d, bool changed, char *got,
		     size_t len)
{
	static const char *const say[K_NR][2] = {
		[K_HIDE] = { "already ", "quarantined (was " },
		[K_ASSIGN] = { "already assigned to ", "assigned to " },
		[K_DETACH] = { NULL, "detached from " },
		[K_RELEASE] = { NULL, "released to dom0" },
	};
	const char *want = say[o->kind][changed];
	char prefix[32];
	const char *p;
	size_t n;

	snprintf(prefix, sizeof(prefix), "%s: ", dev[d]);
	p = strstr(o->out, prefix);
	if (!p) {
		snprintf(got, len, "(no line for %s)", dev[d]);
		return false;
	}
	p += strlen(prefix);
	n = strcspn(p, "\n");
	snprintf(got, len, "%.*s", (int)(n < 200 ? n : 200), p);
	return want && !strncmp(p, want, strlen(want));
}

/*
 * Did @o report, for each of its devices, the change @w (its events)
 * makes or does not make there?
 */
static bool claims_agree(const struct op *o, const struct want *w, int n)
{
	const char *mark = o->kind == K_HIDE ? "quarantined" :
			   o->kind == K_ASSIGN ? "assigned" : NULL;
	char got[256];
	bool changed;
	int d, j;

	for (d = 0; d < ndev; d++) {
		if (!o->named[d])
			continue;
		changed = false;
		for (j = 0; j < n; j++)
			if (w[j].d == d && (!mark || !strcmp(w[j].type, mark)))
				changed = true;
		if (!claim_ok(o, d, changed, got, sizeof(got)))
			return false;
	}
	return true;
}

/* Did @o say it moved a device? (A detach or release always does.) */
static bool claims_change(const struct op *o)
{
	return o->says_changed;
}

/* Give events @pos.. to @o (its @n events): fill state[pos + 1..]. */
static void attribute(int i, int pos, int n)
{
	int k;

	ops[i].matched = true;
	for (k = pos; k < pos + n; k++) {
		ev[k].op = i;
		memcpy(state[k + 1], state[k], sizeof(state[0]));
		apply(state[k + 1], &ev[k]);
	}
}

static long search_steps;

/*
 * Attribute events @pos.. so that every operation whose report says it
 * moved a device gets its events, and no other does: depth first over the
 * operations that fit at each point, pruned when an operation that says
 * it moved something ended before the next event. Gives up (false) after
 * a million steps.
 */
static bool search(int pos)
{
	struct want w[3 * MAX_DEV];
	int i, n;

	if (++search_steps > 1000000)
		return false;
	for (i = 0; i < nops; i++)
		if (!ops[i].matched && claims_change(&ops[i]) &&
		    (pos == nev || ops[i].t1 < ev[pos].ts))
			return false;
	if (pos == nev)
		return true;
	for (i = 0; i < nops; i++) {
		struct op *o = &ops[i];

		if (o->matched || !claims_change(o) || o->t0 > ev[pos].ts ||
		    !legal(o, state[pos]))
			continue;
		n = effect(o, state[pos], w);
		if (!n || !block_matches(o, pos, w, n) ||
		    !claims_agree(o, w, n))
			continue;
		attribute(i, pos, n);
		if (search(pos + n))
			return true;
		if (search_steps > 1000000)
			return false;
		o->matched = false;
	}
	return false;
}

/*
 * Without an attribution that agrees with every report: one at a time,
 * taking the operation whose report agrees, else the one that ended
 * first; events none fits are reported and applied as they are.
 */
static int replay_greedy(void)
{
	struct want w[3 * MAX_DEV];
	bool agree, best_agrees = false;
	int pos = 0, i, n, best, bad = 0;
	char a[256];

	for (i = 0; i < nops; i++)
		ops[i].matched = false;
	while (pos < nev) {
		best = -1;
		for (i = 0; i < nops; i++) {
			struct op *o = &ops[i];

			if (o->matched || o->rc || o->kind == K_LIST ||
			    !legal(o, state[pos]))
				continue;
			n = effect(o, state[pos], w);
			if (!n || !block_matches(o, pos, w, n))
				continue;
			agree = claims_agree(o, w, n);
			if (best < 0 || agree > best_agrees ||
			    (agree == best_agrees && o->t1 < ops[best].t1)) {
				best = i;
				best_agrees = agree;
			}
		}
		if (best < 0) {
			state_str(state[pos], a, sizeof(a));
			diag("event %d (%s %s %s at %lld) is no successful "
			     "operation's, in state %s", pos, ev[pos].type,
			     dev[ev[pos].d], ev[pos].guest,
			     (long long)ev[pos].ts, a);
			bad++;
			ev[pos].op = -1;
			memcpy(state[pos + 1], state[pos], sizeof(state[0]));
			apply(state[pos + 1], &ev[pos]);
			pos++;
			continue;
		}
		n = effect(&ops[best], state[pos], w);
		attribute(best, pos, n);
		pos += n;
	}
	return bad;
}

/* Attribute the events to operations; fill state[]. */
static int replay(void)
{
	char a[256], b[256];
	int pos, end, bad = 0;

	int i;

	for (i = 0; i < nops; i++)
		ops[i].says_changed = ops[i].kind != K_LIST && !ops[i].rc &&
				      !claims_agree(&ops[i], NULL, 0);
	memset(state[0], 0, sizeof(state[0]));
	if (!search(0)) {
		diag("no attribution agrees with every report (%ld steps); "
		     "the nearest one:", search_steps);
		bad = replay_greedy();
	}
	for (pos = 0; pos < nev; pos = end) {
		for (end = pos + 1; end < nev && ev[end].op == ev[pos].op &&
		     ev[pos].op >= 0; end++)
			;
		if (ev[pos].op < 0)
			continue;
		describe(&ops[ev[pos].op], a, sizeof(a));
		state_str(state[end], b, sizeof(b));
		diag("serial %d-%d: %s -> %s", pos, end - 1, a, b);
	}
	return bad;
}

/*
 * Could @o have seen state[k]? (See the top comment.) An event no
 * operation explains was reported already; it does not narrow anything.
 */
static bool visible(const struct op *o, int k)
{
	bool after_start = k == 0 || ev[k - 1].op < 0 ||
			   ops[ev[k - 1].op].t0 <= o->t1;
	bool before_end = k == nev || ev[k].op < 0 ||
			  ops[ev[k].op].t1 >= o->t0;

	return after_start && before_end;
}

/* The device a refusal names: "pciguard: cannot VERB BDF: ...". */
static int refused_dev(const struct op *o, const char **why)
{
	const char *p = strstr(o->out, "pciguard: cannot ");
	char bdf[16];
	int d;

	if (!p)
		return -1;
	p = strchr(p + strlen("pciguard: cannot "), ' ');
	if (!p || strlen(p + 1) < 13 || p[13] != ':')
		return -1;
	memcpy(bdf, p + 1, 12);
	bdf[12] = '\0';
	d = dev_index(bdf);
	*why = p + 14;
	return d >= 0 && o->named[d] ? d : -1;
}

/* Is refusal @why of @o for device @d true in @s? -1: reason unknown. */
static int refusal_true(const struct op *o, int d, const char *why,
			const struct dstate *s)
{
	if (strstr(why, "not in pciguard's custody"))
		return s[d].st == S_HOST;
	if (strstr(why, "assigned to a guest: detach it first"))
		return s[d].st == S_ASSIGNED;
	if (strstr(why, "not assigned to a guest"))
		return s[d].st != S_ASSIGNED;
	if (strstr(why, "assigned to another guest") ||
	    (o->kind == K_ASSIGN && strstr(why, "it is assigned to ")))
		return s[d].st == S_ASSIGNED && strcmp(s[d].guest, o->guest);
	if (strstr(why, "IOMMU group has devices"))
		return !group_complete(o);
	return -1;
}

static bool load_initial(const char *path)
{
	char line[256], *f[2];
	FILE *fp = fopen(path, "r");

	if (!fp)
		return false;
	while (fgets(line, sizeof(line), fp) && ndev < MAX_DEV) {
		if (split(line, f, 2) != 2)
			continue;
		snprintf(dev[ndev], sizeof(dev[0]), "%.15s", f[0]);
		snprintf(orig[ndev], sizeof(orig[0]), "%.31s", f[1]);
		ndev++;
	}
	fclose(fp);
	return ndev > 0;
}

static int check_final(const char *path)
{
	char line[512], *f[6], want[160], got[160];
	const struct dstate *s = state[nev];
	bool seen[MAX_DEV] = { false };
	FILE *fp = fopen(path, "r");
	int d, bad = 0;

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		if (split(line, f, 6) != 6 || (d = dev_index(f[0])) < 0)
			continue;
		seen[d] = true;
		snprintf(got, sizeof(got), "%s %s %s %s %s", f[1], f[2], f[3],
			 f[4], f[5]);
		switch (s[d].st) {
		case S_HOST:
			snprintf(want, sizeof(want), "host - - - %s", orig[d]);
			break;
		case S_QUAR:
			snprintf(want, sizeof(want), "quarantined - - %s pciguard",
				 orig[d]);
			break;
		case S_ASSIGNED:
			snprintf(want, sizeof(want),
				 "assigned %s vfio-pci %s vfio-pci", s[d].guest,
				 orig[d]);
			break;
		}
		diag("final %s: replay: %s; device: %s", dev[d], want, got);
		if (strcmp(want, got))
			bad++;
	}
	fclose(fp);
	for (d = 0; d < ndev; d++)
		bad += !seen[d];
	return bad;
}

static int cmd_check(int argc, char **argv)
{
	int lost = 0, other = 0, per[K_NR][2] = { { 0 } };
	int i, k, d, bad, workers;
	char a[256], b[256];
	int64_t tmin, tmax;

	if (argc != 6)
		return 2;
	if (!load_initial(argv[3])) {
		result(false, "read the initial state %s", argv[3]);
		return 1;
	}
	read_groups();
	workers = load_ops(argv[2]);
	if (!load_events(argv[4], &lost, &other)) {
		result(false, "read the events %s", argv[4]);
		return 1;
	}
	state = calloc(nev + 1, sizeof(*state));
	if (!state || !nops)
		return 1;

	tmin = ops[0].t0;
	tmax = ops[0].t1;
	for (i = 0; i < nops; i++) {
		struct op *o = &ops[i];

		per[o->kind][o->rc != 0]++;
		if (o->t1 > tmax)
			tmax = o->t1;
		describe(o, a, sizeof(a));
		diag("op %d %+9.3f %8.3f rc=%d %s%s%.*s", i,
		     (o->t0 - tmin) / 1e9, (o->t1 - o->t0) / 1e9, o->rc, a,
		     o->rc ? ": " : "", o->rc ? (int)strcspn(o->out, "\n") : 0,
		     o->out);
	}
	for (k = 0; k < K_NR; k++)
		diag("%-7s %4d ops: %4d succeeded, %4d failed", kind_name[k],
		     per[k][0] + per[k][1], per[k][0], per[k][1]);
	diag("%d ops by %d workers in %.1f s; %d events", nops, workers,
	     (tmax - tmin) / 1e9, nev);

	/* Exit statuses: 0 or 1, no usage errors, no hang, list never fails. */
	bad = 0;
	for (i = 0; i < nops; i++) {
		if (ops[i].rc == 0 || (ops[i].rc == 1 && ops[i].kind != K_LIST))
			continue;
		describe(&ops[i], a, sizeof(a));
		diag("%s: exit status %d%s: %s", a, ops[i].rc,
		     ops[i].rc == 124 ? " (killed after 120 s: a hang)" : "",
		     ops[i].out);
		bad++;
	}
	result(!bad, "every command exited 0 or 1 within %d s, list always 0",
	       OP_TIMEOUT_S);

	/* Every refusal names one of its devices with a known reason. */
	bad = 0;
	for (i = 0; i < nops; i++) {
		const char *why;

		if (ops[i].rc != 1)
			continue;
		d = refused_dev(&ops[i], &why);
		if (d >= 0 && refusal_true(&ops[i], d, why, state[0]) >= 0)
			continue;
		describe(&ops[i], a, sizeof(a));
		diag("%s: refusal without a device or a known reason: %s", a,
		     ops[i].out);
		bad++;
	}
	result(!bad, "every refusal names one of its devices and a reason");

	result(!lost, "the monitor lost no event (%d lost; %d events of "
	       "other kinds)", lost, other);

	bad = replay();
	result(!bad, "every event belongs to one successful operation, legal "
	       "in the replayed state (%d events)", nev);

	/* Successes that changed nothing, refusals, lists: a visible state. */
	bad = 0;
	for (i = 0; i < nops; i++) {
		struct op *o = &ops[i];
		struct want w[3 * MAX_DEV];
		bool any = false;
		const char *why = "";
		int first = -1;

		if (o->matched || (o->rc && o->rc != 1))
			continue;
		d = o->rc ? refused_dev(o, &why) : -1;
		for (k = 0; k <= nev && !any; k++) {
			if (!visible(o, k))
				continue;
			if (first < 0)
				first = k;
			if (o->kind == K_LIST) {
				any = true;
			} else if (o->rc) {
				any = d >= 0 &&
				      refusal_true(o, d, why, state[k]) == 1;
			} else {
				any = legal(o, state[k]) &&
				      !effect(o, state[k], w);
			}
		}
		if (o->kind == K_LIST) {
			/* Each device as listed, in a state it had. */
			for (d = 0; d < ndev; d++) {
				const char *p = strstr(o->out, dev[d]);
				char col[3][40] = { "", "", "" };
				enum st st = S_HOST;
				bool seen = false;

				if (p)
					sscanf(p, "%39s %39s %39s", col[0],
					       col[1], col[2]);
				if (!strcmp(col[2], "quarantined"))
					st = S_QUAR;
				else if (!strncmp(col[2], "assigned:", 9))
					st = S_ASSIGNED;
				for (k = 0; k <= nev && !seen; k++)
					seen = visible(o, k) &&
					       state[k][d].st == st &&
					       (st != S_ASSIGNED ||
						!strcmp(state[k][d].guest,
							col[2] + 9));
				if (!seen) {
					any = false;
					diag("list w%d#%d shows %s as %s",
					     o->worker, o->seq, dev[d],
					     p ? col[2] : "host (absent)");
				}
			}
		}
		if (any)
			continue;
		describe(o, a, sizeof(a));
		state_str(state[first < 0 ? 0 : first], b, sizeof(b));
		diag("%s (rc %d) fits no state it could see (e.g. %s): %s", a,
		     o->rc, b, o->out);
		bad++;
	}
	result(!bad, "every refusal, no-op success and list fits a state the "
	       "devices had while it ran");

	/* What each success printed per device agrees with the replay. */
	bad = 0;
	for (i = 0; i < nops; i++) {
		struct op *o = &ops[i];
		char got[256];

		if (o->rc || o->kind == K_LIST)
			continue;
		for (d = 0; d < ndev; d++) {
			const char *mark = o->kind == K_HIDE ? "quarantined" :
					   o->kind == K_ASSIGN ? "assigned" :
					   NULL;
			bool changed = false;

			if (!o->named[d])
				continue;
			for (k = 0; k < nev; k++)
				if (ev[k].op == i && ev[k].d == d &&
				    (!mark || !strcmp(ev[k].type, mark)))
					changed = true;
			if (claim_ok(o, d, changed, got, sizeof(got)))
				continue;
			describe(o, a, sizeof(a));
			diag("%s: the replay says %s %s, the command said "
			     "\"%s\"", a, dev[d],
			     changed ? "changed" : "unchanged", got);
			bad++;
		}
	}
	result(!bad, "every success reports per device what the replay says "
	       "it did");

	bad = check_final(argv[5]);
	result(!bad, "final state (custody, guest, backend, original and bound "
	       "driver) equals the replay");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "run"))
		return cmd_run(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "check"))
		return cmd_check(argc, argv);
	fprintf(stderr, "usage: concurrency run DIR SEED WORKERS OPS BDF...\n"
		"       concurrency check DIR INITIAL EVENTS FINAL\n");
	return 2;
}
