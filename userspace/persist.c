// SPDX-License-Identifier: GPL-2.0
/*
 * The persistent store on disk: /etc/pciguard/devices.conf (or the
 * directory --config-dir or PCIGUARD_CONFIG_DIR names).
 *
 * Writers hold an exclusive flock() on the directory from before they
 * read the file until after the new one is in place, so two CLIs never
 * lose each other's entries. A new file is written next to the old one,
 * fsync()ed, renamed over it and the directory fsync()ed: a reader, a
 * crash or a kill -9 sees the old file or the new one, never a mix.
 * Readers take no lock. Temporary files a killed writer left are removed
 * by the next writer, under the lock.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netlink.h"
#include "persist.h"
#include "pciguard.h"

#define TMP_PREFIX	"." PG_STORE_FILE "."

static const char *config_dir;

/* --config-dir, which outranks the environment. */
void pg_set_config_dir(const char *dir)
{
	config_dir = dir;
}

/* Where the store lives. */
const char *pg_config_dir(void)
{
	const char *env = getenv("PCIGUARD_CONFIG_DIR");

	if (config_dir)
		return config_dir;
	return env && env[0] ? env : "/etc/pciguard";
}

/* "DIR/devices.conf" into @buf. */
static const char *store_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", pg_config_dir(), PG_STORE_FILE);
	return buf;
}

/* Read all of @fd into a new buffer. Return: 0 or a negative errno. */
static int read_all(int fd, char **out, size_t *outlen)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nbuf;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			nbuf = realloc(buf, cap *= 2);
			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (!n)
			break;
		len += n;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/*
 * Load the file (absent: no entries). Return: 0, or -1 after printing the
 * error (only when @report).
 */
static int load(struct pg_persist *p, bool report)
{
	char path[PATH_MAX], err[PG_STORE_ERR_MAX];
	unsigned int line;
	size_t len = 0;
	char *buf = NULL;
	int fd, ret;

	store_path(path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		if (report)
			pg_err("cannot read %s: %s%s", path, strerror(errno),
			       errno == EACCES ? " (run as root)" : "");
		return -1;
	}
	ret = read_all(fd, &buf, &len);
	close(fd);
	if (ret) {
		if (report)
			pg_err("cannot read %s: %s", path, strerror(-ret));
		return -1;
	}
	ret = pg_store_parse(buf, len, &p->store, &line, err, sizeof(err));
	free(buf);
	if (ret && !report)
		return -1;
	if (ret) {
		pg_err("%s:%u: %s", path, line, err);
		pg_err("nothing was changed; fix %s (pciguard(8), FILES "
		       "describes it) and run the command again", path);
		return -1;
	}
	return 0;
}

/* Remove the temporary files of writers that were killed. */
static void remove_stale(int dirfd)
{
	struct dirent *de;
	DIR *d;
	int fd = dup(dirfd);

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)))
			unlinkat(dirfd, de->d_name, 0);
	closedir(d);
}

/**
 * pg_persist_open() - read the store, to change it or not
 * @p: gets the store
 * @write: lock it for a change (and create the directory if needed)
 *
 * Return: 0, or -1 after printing the error (the store is empty then).
 */
int pg_persist_open(struct pg_persist *p, bool write)
{
	const char *dir = pg_config_dir();

	memset(p, 0, sizeof(*p));
	p->dirfd = -1;
	if (!write)
		return load(p, true);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		pg_err("cannot create %s: %s%s", dir, strerror(errno),
		       errno == EACCES ? " (run as root)" : "");
		return -1;
	}
	p->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->dirfd < 0) {
		pg_err("cannot open %s: %s", dir, strerror(errno));
		return -1;
	}
	if (flock(p->dirfd, LOCK_EX)) {
		pg_err("cannot lock %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (faccessat(p->dirfd, ".", W_OK, AT_EACCESS)) {
		pg_err("cannot write to %s: %s%s", dir, strerror(errno),
		       errno == EACCES ? " (run as root)" : "");
		goto fail;
	}
	if (load(p, true))
		goto fail;
	remove_stale(p->dirfd);
	return 0;
fail:
	pg_persist_close(p);
	return -1;
}

void pg_persist_close(struct pg_persist *p)
{
	if (p->dirfd >= 0)
		close(p->dirfd);	/* drops the lock */
	p->dirfd = -1;
	pg_store_free(&p->store);
}

/* A test hook: a pause between writing and renaming, to kill a CLI in. */
static void save_pause(void)
{
	const char *ms = getenv("PCIGUARD_TEST_SAVE_PAUSE_MS");
	struct timespec ts;
	long v;

	if (!ms || !ms[0])
		return;
	v = strtol(ms, NULL, 10);
	if (v <= 0)
		return;
	ts.tv_sec = v / 1000;
	ts.tv_nsec = v % 1000 * 1000000L;
	nanosleep(&ts, NULL);
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Fill in each entry's comment: the device's name from pci.ids. */
static void describe(struct pg_store *s)
{
	char v[128], d[128];
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct pg_store_entry *e = &s->e[i];
		const char *vn = pg_vendor_name(e->id.vendor, v, sizeof(v));
		const char *dn = pg_device_name(e->id.vendor, e->id.device, d,
						sizeof(d));

		if (vn && dn)
			snprintf(e->desc, sizeof(e->desc), "%s %s", vn, dn);
		else
			e->desc[0] = '\0';
	}
}

/**
 * pg_persist_save() - replace the file with @p's store, atomically
 * @p: opened with write
 *
 * Return: 0 once the new file is on disk, or -1 after printing the error
 * (the old file is unchanged then).
 */
int pg_persist_save(struct pg_persist *p)
{
	char path[PATH_MAX], tmp[sizeof(TMP_PREFIX) + 8];
	char *text;
	int fd = -1, err = 0;

	store_path(path, sizeof(path));
	describe(&p->store);
	text = pg_store_format(&p->store);
	if (!text) {
		pg_err("out of memory");
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s%06d", TMP_PREFIX,
		 (int)(getpid() % 1000000));
	fd = openat(p->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);
	if (fd < 0 || fchmod(fd, 0644) ||
	    write_all(fd, text, strlen(text)) || fsync(fd))
		err = errno;
	if (fd >= 0 && close(fd) && !err)
		err = errno;
	free(text);
	if (!err) {
		save_pause();
		if (renameat(p->dirfd, tmp, p->dirfd, PG_STORE_FILE) ||
		    fsync(p->dirfd))
			err = errno;
	}
	if (err) {
		unlinkat(p->dirfd, tmp, 0);
		pg_err("cannot save %s: %s; it is unchanged", path,
		       strerror(err));
		return -1;
	}
	return 0;
}

/* What identifies @d, as the store records it. */
void pg_ident_of(const struct pg_dev *d, struct pg_ident *id)
{
	memset(id, 0, sizeof(*id));
	snprintf(id->path, sizeof(id->path), "%s", d->path);
	id->vendor = d->vendor;
	id->device = d->device;
	id->subsys_vendor = d->subsys_vendor;
	id->subsys_device = d->subsys_device;
	id->has_dsn = d->has_dsn;
	id->dsn = d->dsn;
}

/* The options the module recorded for @d's assignment. */
void pg_opts_of(const struct pg_dev *d, struct pg_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->backend = d->backend;
	o->permissive = d->permissive;
	o->no_strict_reset = d->no_strict_reset;
	o->ngrants = d->ngrants;
	memcpy(o->grants, d->grants, d->ngrants * sizeof(o->grants[0]));
}

/* Is an initramfs hook or dracut module installed that copies the list? */
static const char *early_hook(void)
{
	static const char *const hooks[] = {
		"/usr/share/initramfs-tools/hooks/pciguard",
		"/etc/initramfs-tools/hooks/pciguard",
		"/usr/lib/dracut/modules.d/90pciguard",
	};
	size_t i;

	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if (!access(hooks[i], F_OK))
			return i < 2 ? "update-initramfs -u" : "dracut -f";
	return NULL;
}

/**
 * pg_persist_commit() - save, and say what changed for early boot
 * @p: opened with write, changed
 * @hide_before: pg_store_hide_string() before the change
 *
 * Return: 0 or -1 as pg_persist_save().
 */
int pg_persist_commit(struct pg_persist *p, const char *hide_before)
{
	char path[PATH_MAX], after[PG_HIDE_STRING_MAX];
	const char *cmd;

	if (pg_persist_save(p))
		return -1;
	store_path(path, sizeof(path));
	printf("saved in %s\n", path);
	if (pg_store_hide_string(&p->store, after, sizeof(after)) < 0 ||
	    !strcmp(after, hide_before))
		return 0;
	cmd = early_hook();
	if (cmd)
		printf("note: the initramfs keeps a copy of the early-boot list; "
		       "update it with '%s'\n", cmd);
	return 0;
}

/**
 * pg_persist_note() - remind that the store still names devices
 * @bdfs: devices a release or a detach just moved
 * @n: how many
 *
 * The store says what happens at the next boot; a release or a detach
 * does not change it. Say so for each device it names. A store that
 * cannot be read is reported (the boot would fail on it too).
 */
void pg_persist_note(const struct pg_bdf *bdfs, size_t n)
{
	char bdf[PG_BDF_STRLEN], act[PG_STORE_LINE_MAX];
	struct pg_persist p;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.dirfd = -1;
	if (load(&p, false)) {
		pg_err("warning: %s/%s cannot be read or has errors: the next "
		       "boot's restore will fail on it ('pciguard restore "
		       "--dry-run' says where)", pg_config_dir(), PG_STORE_FILE);
		return;
	}
	for (i = 0; i < n; i++) {
		const struct pg_store_entry *e = pg_store_find(&p.store,
							       &bdfs[i]);

		if (!e)
			continue;
		pg_bdf_format(bdf, sizeof(bdf), &bdfs[i]);
		if (pg_store_action_format(e, act, sizeof(act)) < 0)
			act[0] = '\0';
		printf("note: %s stays in the persistent store (at boot: %s); "
		       "'pciguard forget %s' drops it\n", bdf, act, bdf);
	}
	pg_persist_close(&p);
}

/**
 * pg_persist_devices() - save devices in the store as the module has them
 * @nl: the module
 * @p: the store, opened for writing
 * @bdfs: the devices, in custody
 * @n: how many
 * @force: as hide/assign --force
 *
 * An assigned device is saved with its guest and the options the module
 * recorded; any other as hidden. Their identity is what is there now.
 *
 * Return: 0 once saved, or -1 after printing why nothing was.
 */
int pg_persist_devices(struct pg_nl *nl, struct pg_persist *p,
		       const struct pg_bdf *bdfs, size_t n, bool force)
{
	char before[PG_HIDE_STRING_MAX], after[PG_HIDE_STRING_MAX];
	char act[PG_STORE_LINE_MAX];
	size_t i;

	if (pg_store_hide_string(&p->store, before, sizeof(before)) < 0)
		before[0] = '\0';
	for (i = 0; i < n; i++) {
		struct pg_store_entry *e;
		struct pg_dev d;

		if (pg_nl_dev_get(nl, &bdfs[i], &d))
			return -1;
		e = pg_store_put(&p->store, &bdfs[i]);
		if (!e) {
			pg_err("out of memory");
			return -1;
		}
		pg_ident_of(&d, &e->id);
		e->force = force;
		memset(&e->opts, 0, sizeof(e->opts));
		e->guest[0] = '\0';
		e->action = PG_STORE_HIDE;
		if (d.state == PCIGUARD_STATE_ASSIGNED) {
			e->action = PG_STORE_ASSIGN;
			snprintf(e->guest, sizeof(e->guest), "%s", d.guest);
			pg_opts_of(&d, &e->opts);
		}
		if (pg_store_action_format(e, act, sizeof(act)) < 0)
			act[0] = '\0';
		printf("%s: persistent: %s%s\n", d.bdf_str, act,
		       force ? " (force)" : "");
	}
	if (pg_store_hide_string(&p->store, after, sizeof(after)) < 0) {
		pg_err("cannot save: more than %d persistent devices, and "
		       "pciguard.hide= takes at most %d; forget some first",
		       PG_HIDE_MAX_RULES, PG_HIDE_MAX_RULES);
		return -1;
	}
	return pg_persist_commit(p, before);
}
