#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The family's strict validation and extack messages, from raw netlink
# (selftests/vm/progs/nl_errors.c prints its own TAP).
modprobe pciguard
exec /usr/bin/nl_errors
