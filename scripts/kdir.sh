#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel build directory to build pciguard.ko against:
# /lib/modules/$(uname -r)/build when it exists, else the newest installed
# Debian linux-headers-*-amd64.
set -eu
running="/lib/modules/$(uname -r)/build"
if [ -d "$running" ]; then
	echo "$running"
	exit 0
fi
newest=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -z "$newest" ]; then
	echo "kdir.sh: no kernel headers found; install linux-headers-amd64 (make deps) or set KDIR=" >&2
	exit 1
fi
echo "$newest"
