// SPDX-License-Identifier: GPL-2.0
/*
 * bench: the guest's stopwatch for make bench (selftests/vm/tests/bench.sh),
 * whose busybox has no clock finer than a second. Every mode prints one
 * number, nanoseconds of CLOCK_MONOTONIC, on stdout:
 *
 *   bench run [-o FILE] CMD [ARG...]
 *       CMD's wall time, fork to exit; its stdout and stderr go to FILE
 *       (default /dev/null). Exit 1, printing nothing, when CMD fails.
 *   bench write FILE STRING
 *       open, write STRING, close: e.g. 1 to a device's sysfs reset.
 *   bench cfg FILE OFF LEN COUNT [VAL...]
 *       COUNT pwrite()s of LEN (1, 2 or 4) bytes at OFF of a config-space
 *       FILE (sysfs config), the VALs in turn (default: the register's
 *       value, read once first); prints the time of one write, the mean.
 *       Exit 1 at the first write that fails (a refusal: EPERM).
 *   bench cfgread FILE OFF LEN COUNT
 *       likewise COUNT pread()s: the cost of one config access.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int usage(void)
{
	fputs("usage: bench run [-o FILE] CMD [ARG...]\n"
	      "       bench write FILE STRING\n"
	      "       bench cfg FILE OFF LEN COUNT [VAL...]\n"
	      "       bench cfgread FILE OFF LEN COUNT\n", stderr);
	return 2;
}

static int do_run(int argc, char **argv)
{
	const char *out = "/dev/null";
	int64_t t0, t1;
	int status, fd;
	pid_t pid;

	if (argc > 2 && !strcmp(argv[0], "-o")) {
		out = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (argc < 1)
		return usage();
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "bench: %s: %s\n", out, strerror(errno));
		return 1;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("bench: fork");
		return 1;
	}
	if (!pid) {
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("bench: waitpid");
		return 1;
	}
	t1 = now_ns();
	close(fd);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench: %s failed (status 0x%x)\n", argv[0],
			status);
		return 1;
	}
	printf("%lld\n", (long long)(t1 - t0));
	return 0;
}

static int do_write(const char *file, const char *s)
{
	int64_t t0, t1;
	ssize_t n;
	int fd;

	t0 = now_ns();
	fd = open(file, O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "bench: %s: %s\n", file, strerror(errno));
		return 1;
	}
	n = write(fd, s, strlen(s));
	if (n != (ssize_t)strlen(s)) {
		fprintf(stderr, "bench: write %s: %s\n", file,
			n < 0 ? strerror(errno) : "short write");
		close(fd);
		return 1;
	}
	if (close(fd)) {
		fprintf(stderr, "bench: close %s: %s\n", file, strerror(errno));
		return 1;
	}
	t1 = now_ns();
	printf("%lld\n", (long long)(t1 - t0));
	return 0;
}

static int do_cfg(int argc, char **argv, int write)
{
	uint32_t vals[16];
	unsigned long off, len, count, i, nvals = 0;
	int64_t t0, t1;
	ssize_t n;
	int fd;

	if (argc < 4 || argc - 4 > 16)
		return usage();
	off = strtoul(argv[1], NULL, 0);
	len = strtoul(argv[2], NULL, 0);
	count = strtoul(argv[3], NULL, 0);
	if ((len != 1 && len != 2 && len != 4) || !count)
		return usage();
	for (i = 4; write && i < (unsigned long)argc; i++)
		vals[nvals++] = strtoul(argv[i], NULL, 0);
	fd = open(argv[0], write ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "bench: %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	if (!nvals) {
		vals[0] = 0;
		if (pread(fd, &vals[0], len, off) != (ssize_t)len) {
			fprintf(stderr, "bench: read %s: %s\n", argv[0],
				strerror(errno));
			return 1;
		}
		nvals = 1;
	}
	t0 = now_ns();
	for (i = 0; i < count; i++) {
		uint32_t v = vals[i % nvals];

		/* Little-endian, as config space is. */
		n = write ? pwrite(fd, &v, len, off) : pread(fd, &v, len, off);
		if (n != (ssize_t)len) {
			fprintf(stderr, "bench: %s %s at 0x%lx: %s\n",
				write ? "write" : "read", argv[0], off,
				n < 0 ? strerror(errno) : "short");
			return 1;
		}
	}
	t1 = now_ns();
	close(fd);
	printf("%lld\n", (long long)((t1 - t0) / (int64_t)count));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "run"))
		return do_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "write") && argc == 4)
		return do_write(argv[2], argv[3]);
	if (!strcmp(argv[1], "cfg"))
		return do_cfg(argc - 2, argv + 2, 1);
	if (!strcmp(argv[1], "cfgread") && argc == 6)
		return do_cfg(argc - 2, argv + 2, 0);
	return usage();
}
