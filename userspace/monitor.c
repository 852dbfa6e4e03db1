// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard monitor [--json] [--count N]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"
#include "pciguard.h"
#include "subcommands.h"

static const char monitor_usage[] =
	"Usage: pciguard monitor [--json] [--count N]\n"
	"\n"
	"Print pciguard's events as they happen, one per line, with a\n"
	"timestamp: devices quarantined, refused rebinds (and which driver\n"
	"tried), releases to dom0, devices removed from the bus, handoffs to\n"
	"a guest and back, refused config writes, backend violations, and\n"
	"events lost (pciguard(8), EVENTS).\n"
	"  -j, --json     one JSON object per line (see pciguard(8))\n"
	"  -c, --count N  exit after N events\n";

struct monitor_opts {
	bool json;
	long count;
	long seen;
};

static const char *event_name(uint32_t type)
{
	switch (type) {
	case PCIGUARD_EVENT_QUARANTINED:
		return "quarantined";
	case PCIGUARD_EVENT_REFUSED_REBIND:
		return "refused-rebind";
	case PCIGUARD_EVENT_RELEASED:
		return "released";
	case PCIGUARD_EVENT_REMOVED:
		return "removed";
	case PCIGUARD_EVENT_LOST:
		return "lost";
	case PCIGUARD_EVENT_ASSIGNED:
		return "assigned";
	case PCIGUARD_EVENT_DETACHED:
		return "detached";
	case PCIGUARD_EVENT_CFG_DENIED:
		return "cfg-denied";
	case PCIGUARD_EVENT_VIOLATION:
		return "violation";
	}
	return "unknown";
}

static void reset_text(const struct pg_event_msg *ev, char *buf, size_t len)
{
	struct pg_dev d = {
		.has_reset = ev->has_reset,
		.reset_errno = ev->reset_errno,
		.reset_msecs = ev->reset_msecs,
	};

	pg_reset_result(&d, buf, len);
}

static void print_text(const struct pg_event_msg *ev, const char *when)
{
	char reset[96];

	reset_text(ev, reset, sizeof(reset));
	switch (ev->type) {
	case PCIGUARD_EVENT_QUARANTINED:
		printf("%s %s quarantined: reset %s\n", when, ev->bdf_str,
		       reset);
		break;
	case PCIGUARD_EVENT_REFUSED_REBIND:
		printf("%s %s refused-rebind: driver %s tried to bind it "
		       "(%u refused so far)\n", when, ev->bdf_str, ev->driver,
		       ev->refused);
		break;
	case PCIGUARD_EVENT_RELEASED:
		if (ev->driver[0])
			printf("%s %s released to dom0: now driven by %s "
			       "(reset %s)\n", when, ev->bdf_str, ev->driver,
			       reset);
		else
			printf("%s %s released to dom0: no dom0 driver bound "
			       "it (reset %s)\n", when, ev->bdf_str, reset);
		break;
	case PCIGUARD_EVENT_REMOVED:
		printf("%s %s removed from the bus: custody kept for its "
		       "address\n", when, ev->bdf_str);
		break;
	case PCIGUARD_EVENT_LOST:
		printf("%s lost: %u events dropped (the counters in "
		       "'pciguard list' are exact)\n", when, ev->lost);
		break;
	case PCIGUARD_EVENT_ASSIGNED:
		printf("%s %s assigned to %s through %s (reset %s)\n", when,
		       ev->bdf_str, ev->guest, ev->driver,
		       ev->has_reset ? reset : "skipped: no-strict-reset");
		break;
	case PCIGUARD_EVENT_DETACHED:
		printf("%s %s detached from %s (%s let go): quarantined, "
		       "reset %s\n", when, ev->bdf_str,
		       ev->guest[0] ? ev->guest : "its guest", ev->driver,
		       reset);
		break;
	case PCIGUARD_EVENT_CFG_DENIED:
		printf("%s %s cfg-denied: %s wrote 0x%0*x at 0x%x:%u, bits "
		       "0x%0*x refused (%u refused so far)\n", when, ev->bdf_str,
		       ev->denial.comm, 2 * ev->denial.len, ev->denial.value,
		       ev->denial.offset, ev->denial.len, 2 * ev->denial.len,
		       ev->denial.mask, ev->cfg_denials);
		break;
	case PCIGUARD_EVENT_VIOLATION:
		printf("%s %s violation: %s\n", when, ev->bdf_str,
		       ev->violation);
		break;
	default:
		printf("%s %s event %u\n", when, ev->bdf_str, ev->type);
		break;
	}
}

static void print_json(const struct pg_event_msg *ev, const char *when)
{
	struct pg_json *j = pg_json_new(stdout);

	pg_json_obj_begin(j, NULL);
	pg_json_str(j, "time", when);
	pg_json_int(j, "timestamp_ns", (long long)ev->timestamp);
	pg_json_str(j, "event", event_name(ev->type));
	if (ev->type == PCIGUARD_EVENT_LOST) {
		pg_json_int(j, "lost", ev->lost);
	} else {
		pg_json_str(j, "bdf", ev->bdf_str);
		pg_json_str(j, "state", pg_state_name(ev->state));
		pg_json_str_or_null(j, "driver",
				    ev->driver[0] ? ev->driver : NULL);
		pg_json_int(j, "refused_rebinds", ev->refused);
		pg_json_str_or_null(j, "guest",
				    ev->guest[0] ? ev->guest : NULL);
		if (ev->has_reset) {
			pg_json_obj_begin(j, "reset");
			pg_json_bool(j, "ok", !ev->reset_errno);
			pg_json_str_or_null(j, "error", ev->reset_errno ?
					    pg_errno_name(ev->reset_errno) :
					    NULL);
			pg_json_int(j, "msecs", ev->reset_msecs);
			pg_json_obj_end(j);
		} else {
			pg_json_null(j, "reset");
		}
	}
	if (ev->type == PCIGUARD_EVENT_CFG_DENIED) {
		pg_json_int(j, "cfg_refused", ev->cfg_denials);
		pg_json_obj_begin(j, "cfg_write");
		pg_json_int(j, "offset", ev->denial.offset);
		pg_json_int(j, "len", ev->denial.len);
		pg_json_int(j, "value", ev->denial.value);
		pg_json_int(j, "refused_bits", ev->denial.mask);
		pg_json_str(j, "comm", ev->denial.comm);
		pg_json_obj_end(j);
	}
	if (ev->type == PCIGUARD_EVENT_VIOLATION) {
		pg_json_int(j, "violations", ev->violations);
		pg_json_str(j, "violation", ev->violation);
	}
	pg_json_obj_end(j);
	pg_json_end(j);
}

static int on_event(const struct pg_event_msg *ev, void *arg)
{
	struct monitor_opts *o = arg;
	char when[40];

	pg_time_format(ev->timestamp, when, sizeof(when));
	if (o->json)
		print_json(ev, when);
	else
		print_text(ev, when);
	fflush(stdout);
	o->seen++;
	return o->count > 0 && o->seen >= o->count;
}

int monitor_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct monitor_opts o = { 0 };
	struct pg_nl *nl;
	char *end;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "jc:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'c':
			o.count = strtol(optarg, &end, 10);
			if (*end || o.count <= 0)
				return pg_usage_err(monitor_usage,
						    "monitor: --count needs a positive number, not '%s'",
						    optarg);
			break;
		case 'h':
			fputs(monitor_usage, stdout);
			return PG_EXIT_OK;
		default:
			return pg_usage_err(monitor_usage,
					    "monitor: unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return pg_usage_err(monitor_usage,
				    "monitor: unexpected argument '%s'",
				    argv[optind]);
	if (pg_nl_open(&nl))
		return PG_EXIT_ERR;
	ret = pg_nl_monitor(nl, on_event, &o);
	pg_nl_close(nl);
	return ret ? PG_EXIT_ERR : PG_EXIT_OK;
}
