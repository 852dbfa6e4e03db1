// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard: the command line for the pciguard kernel module. Dispatches to
 * one <verb>_main() per subcommand; see pciguard(8).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"
#include "persist.h"
#include "pciguard.h"
#include "subcommands.h"

const char *pg_prog = "pciguard";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} subcommands[] = {
	{ "list", list_main, "List managed PCI devices (--all: every device)" },
	{ "show", show_main, "Show everything known about one PCI device" },
	{ "usb", usb_main, "Find the PCI controller behind a USB bus or device" },
	{ "hide", hide_main, "Take PCI devices into custody (quarantine)" },
	{ "release", release_main, "Give devices in custody back to dom0 (--to-host)" },
	{ "monitor", monitor_main, "Print custody events as they happen" },
	{ "check", check_main, "Judge a handoff to a guest without changing anything" },
	{ "assign", assign_main, "Hand devices to a guest's backend (pciback, vfio-pci)" },
	{ "detach", detach_main, "Take assigned devices back into quarantine" },
	{ "cmdline", cmdline_main, "Print pciguard.hide= for the store, or check one" },
	{ "restore", restore_main, "Take the persistent store's devices (at boot)" },
	{ "forget", forget_main, "Drop devices from the persistent store" },
};

/* "pciguard: " + message + newline on stderr: every error goes through here. */
void pg_verr(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", pg_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pg_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pg_verr(fmt, ap);
	va_end(ap);
}

/* Print a usage error and the usage text; return the usage exit code. */
int pg_usage_err(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pg_verr(fmt, ap);
	va_end(ap);
	fputs(usage, stderr);
	return PG_EXIT_USAGE;
}

/*
 * Options of a command that takes only --json and --help. Return: -1 to go
 * on (operands start at optind), else the exit code to return.
 */
int pg_json_opts(int argc, char **argv, const char *usage, bool *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	*json = false;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return PG_EXIT_OK;
		default:
			return pg_usage_err(usage, "%s: unknown option '%s'",
					    argv[0], argv[optind - 1]);
		}
	}
	return -1;
}

/**
 * pg_parse_option() - one -o OPT=VAL of @verb into @o
 * @arg: the argument; modified
 * @o: the options so far
 * @usage: the command's usage text, printed on error
 * @verb: the command, for messages
 *
 * Return: 0, or the usage exit code after the error was printed.
 */
int pg_parse_option(char *arg, struct pg_opts *o, const char *usage,
		    const char *verb)
{
	char err[PG_OPT_ERR_MAX];

	if (!pg_option_parse(arg, o, err, sizeof(err)))
		return 0;
	return pg_usage_err(usage, "%s: %s", verb, err);
}

/* Parse a BDF argument; on error print which forms are accepted. */
int pg_parse_bdf_arg(const char *arg, struct pg_bdf *out)
{
	if (!pg_bdf_parse(arg, out))
		return 0;
	pg_err("invalid PCI address '%s': use DDDD:BB:DD.F (0000:01:00.0), "
	       "BB:DD.F (01:00.0) or dom0:BB_DD.F (dom0:01_00.0)", arg);
	return -EINVAL;
}

/*
 * The BDF operands of @verb (argv[optind..]) into a new array at *@out.
 * Return: how many (at least one), or minus the exit code to return after
 * the error was printed.
 */
int pg_parse_bdf_args(int argc, char **argv, const char *usage,
		      const char *verb, struct pg_bdf **out)
{
	int n = argc - optind, i;
	struct pg_bdf *bdfs;

	if (n <= 0)
		return -pg_usage_err(usage,
				     "%s: which devices? give one BDF or more",
				     verb);
	bdfs = calloc(n, sizeof(*bdfs));
	if (!bdfs) {
		pg_err("out of memory");
		return -PG_EXIT_ERR;
	}
	for (i = 0; i < n; i++) {
		if (pg_parse_bdf_arg(argv[optind + i], &bdfs[i])) {
			free(bdfs);
			return -PG_EXIT_USAGE;
		}
	}
	*out = bdfs;
	return n;
}

/* Every PCI device, from the module. Return: 0 or a negative errno. */
int pg_load_devices(struct pg_devlist *list)
{
	struct pg_nl *nl;
	int ret;

	ret = pg_nl_open(&nl);
	if (ret)
		return ret;
	ret = pg_nl_dev_dump(nl, list);
	pg_nl_close(nl);
	return ret;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s [--config-dir DIR] COMMAND [ARGS...]\n\n"
		"Custody of PCI devices meant for guest VMs.\n\n"
		"  --config-dir DIR  the persistent store's directory (default:\n"
		"                    $PCIGUARD_CONFIG_DIR, else /etc/pciguard)\n\n"
		"Commands:\n", pg_prog);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-8s %s\n", subcommands[i].name,
			subcommands[i].help);
	fprintf(f, "\n'%s COMMAND --help' shows a command's options; "
		"pciguard(8) has the details.\n", pg_prog);
}

int main(int argc, char **argv)
{
	size_t i;
	int ret;

	/* Global options come before the command. */
	while (argc >= 2 && !strncmp(argv[1], "--config-dir", 12)) {
		if (argv[1][12] == '=') {
			pg_set_config_dir(argv[1] + 13);
			argc--;
			argv++;
		} else if (!argv[1][12] && argc >= 3) {
			pg_set_config_dir(argv[2]);
			argc -= 2;
			argv += 2;
		} else {
			pg_err("--config-dir needs a directory");
			usage(stderr);
			return PG_EXIT_USAGE;
		}
	}
	if (argc < 2) {
		usage(stderr);
		return PG_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return PG_EXIT_OK;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(argv[1], subcommands[i].name))
			continue;
		ret = subcommands[i].fn(argc - 1, argv + 1);
		pg_names_exit();
		if (fflush(stdout) || ferror(stdout)) {
			pg_err("cannot write output: %s", strerror(errno));
			return PG_EXIT_ERR;
		}
		return ret;
	}
	pg_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return PG_EXIT_USAGE;
}
