/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * pciguard: custody of PCI devices meant for guest VMs.
 *
 * Generic netlink protocol
 * ========================
 *
 * Family name PCIGUARD_GENL_NAME ("pciguard"), version PCIGUARD_GENL_VERSION.
 * The family is described in Documentation/netlink/pciguard.yaml (the
 * kernel's YNL format); a unit test keeps this header and the spec in step.
 * The family stays at version 1 and grows by new attributes and commands
 * only: a reader must ignore attributes it does not know.
 *
 * A device is named by four attributes, in requests and in replies:
 *
 *    PCIGUARD_A_DEV_DOMAIN     u32  PCI segment (domain)
 *    PCIGUARD_A_DEV_BUS        u8   bus number
 *    PCIGUARD_A_DEV_SLOT       u8   device (slot) number, 0..31
 *    PCIGUARD_A_DEV_FUNCTION   u8   function number, 0..7
 *
 * Privileges: the family exists only in the initial network namespace
 * (elsewhere every request, the lookup of the family included, fails with
 * -ENOENT). DEV_GET, DEV_CHECK and the events group are open to every
 * user there. The commands that change custody need CAP_SYS_ADMIN and
 * CAP_NET_ADMIN in the initial user namespace, of the process that opened
 * the socket and of the sender: without CAP_NET_ADMIN they fail with
 * -EPERM and no message, without CAP_SYS_ADMIN with -EPERM and an extack
 * message naming it. A refused request changes nothing.
 *
 * PCIGUARD_CMD_DEV_GET
 *    do:   request carries the four naming attributes, all required. The
 *          reply is one PCIGUARD_CMD_DEV_GET message describing the device.
 *          A device that does not exist gives -ENODEV with an extack
 *          message, unless pciguard keeps custody of its address: then
 *          the reply is that absent entry, as a dump sends it (below).
 *    dump: request carries no attributes; one message per PCI device in the
 *          system, in the order the PCI core lists them. A dump that raced
 *          with hotplug or a driver (un)bind is flagged NLM_F_DUMP_INTR;
 *          readers should retry it.
 *
 *    Reply attributes (absent ones are "not applicable", never zero-filled):
 *
 *    PCIGUARD_A_DEV_DOMAIN, _BUS, _SLOT, _FUNCTION   as above
 *    PCIGUARD_A_DEV_BDF            string "DDDD:BB:DD.F", lower-case hex
 *    PCIGUARD_A_DEV_VENDOR         u16 vendor ID
 *    PCIGUARD_A_DEV_DEVICE         u16 device ID
 *    PCIGUARD_A_DEV_SUBSYS_VENDOR  u16 subsystem vendor ID
 *    PCIGUARD_A_DEV_SUBSYS_DEVICE  u16 subsystem device ID
 *    PCIGUARD_A_DEV_CLASS          u32 class code (base << 16 | sub << 8 | prog-if)
 *    PCIGUARD_A_DEV_REVISION       u8 revision ID
 *    PCIGUARD_A_DEV_HEADER_TYPE    u8 configuration header layout
 *                                  (0 normal, 1 PCI-to-PCI bridge, 2 CardBus),
 *                                  without the multifunction bit
 *    PCIGUARD_A_DEV_MULTIFUNCTION  flag: the slot has several functions
 *    PCIGUARD_A_DEV_DRIVER         string: bound driver; absent when unbound
 *    PCIGUARD_A_DEV_STATE          u32, enum pciguard_state
 *    PCIGUARD_A_DEV_IOMMU_GROUP    u32: absent when the device has no group
 *    PCIGUARD_A_DEV_RESET_METHOD   u32, enum pciguard_reset_method; repeated,
 *                                  once per method, in the order the kernel
 *                                  tries them (as sysfs reset_method lists
 *                                  them); absent when no reset is available
 *    PCIGUARD_A_DEV_FLR_CAPABLE    flag: PCIe DevCap advertises FLR
 *    PCIGUARD_A_DEV_PARENT         string: BDF of the upstream bridge; absent
 *                                  for devices on a root bus
 *    PCIGUARD_A_DEV_PATH           string: stable path from the root bus, one
 *                                  element per hop, e.g. "00_02.0-00_00.0"
 *                                  (Qubes R4.3 style; see Documentation/)
 *    PCIGUARD_A_DEV_XEN_DOMID      u32: the Xen domain that holds the device
 *                                  now (xen-pciback exported it to that
 *                                  guest's pcifront), whatever pciguard was
 *                                  told; absent when no guest holds it or
 *                                  this is not Xen's dom0
 *    PCIGUARD_A_DEV_DSN            u64: the PCIe Device Serial Number (its
 *                                  extended capability), the upper dword
 *                                  in the high half: "lspci -vv" prints
 *                                  its bytes from high to low; absent when
 *                                  the device has no such capability
 *
 *    Devices in pciguard's custody (state other than HOST) also carry:
 *
 *    PCIGUARD_A_DEV_CUSTODY        u32, enum pciguard_custody: why
 *    PCIGUARD_A_DEV_ORIG_DRIVER    string: the dom0 driver the device had
 *                                  when pciguard took it; absent if none
 *    PCIGUARD_A_DEV_SINCE          u64: when custody began, CLOCK_REALTIME ns
 *    PCIGUARD_A_DEV_RESET_ERRNO    u32: result of the latest reset pciguard
 *                                  did (entering quarantine, a handoff
 *                                  to a guest, a detach, or a release that
 *                                  was refused): 0, or the positive errno
 *                                  (ENOTTY: no method)
 *    PCIGUARD_A_DEV_RESET_MSECS    u32: how long that reset took
 *    PCIGUARD_A_DEV_REFUSED        u32: attempts by other drivers to bind
 *                                  the device that custody refused
 *    PCIGUARD_A_DEV_LAST_REFUSED   string: the driver of the latest attempt
 *
 *    Devices handed to a guest (PCIGUARD_STATE_ASSIGNED) also carry:
 *
 *    PCIGUARD_A_DEV_GUEST          string: the guest (domain) named by
 *                                  DEV_ASSIGN
 *    PCIGUARD_A_DEV_BACKEND        u32, enum pciguard_backend
 *    PCIGUARD_A_DEV_PERMISSIVE     flag: assigned with permissive
 *    PCIGUARD_A_DEV_NO_STRICT_RESET flag: assigned with no-strict-reset
 *    PCIGUARD_A_DEV_GRANT          nest (PCIGUARD_A_CFG_*), repeated: one
 *                                  config-space write grant each, with
 *                                  _OFFSET, _LEN and _MASK
 *    PCIGUARD_A_DEV_VIOLATIONS     u32: mismatches the tool found between
 *                                  the backend's config-space settings and
 *                                  the assignment's (DEV_VIOLATION)
 *    PCIGUARD_A_DEV_VIOLATION      string: the latest of them
 *    Config-space writes from dom0's user space (sysfs config,
 *    /proc/bus/pci) to a device in custody are judged by its write policy
 *    (Documentation/config-space.rst): a refused write fails with EPERM
 *    and changes nothing. Devices in custody carry:
 *    PCIGUARD_A_DEV_CFG_DENIALS    u32: writes refused since custody began
 *    PCIGUARD_A_DEV_CFG_DENIAL     nest (PCIGUARD_A_CFG_*), repeated, oldest
 *                                  first: the latest PCIGUARD_CFG_LAST
 *                                  refused writes, each with _OFFSET and
 *                                  _LEN of the first refused register of
 *                                  the write, _VALUE written there, _MASK
 *                                  the bits that were refused, _COMM the
 *                                  writing task
 *
 *    After the PCI devices, a dump sends one message per custody entry
 *    whose device is absent (removed or not yet rescanned) with the naming
 *    attributes, PCIGUARD_A_DEV_BDF, PCIGUARD_A_DEV_STATE, the custody
 *    attributes above and the flag PCIGUARD_A_DEV_ABSENT.
 *
 * PCIGUARD_CMD_DEV_HIDE (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)
 *    do:   take devices into custody and quarantine them: each is unbound
 *          from its dom0 driver, pinned to pciguard with driver_override,
 *          has bus mastering turned off and is reset once. The request
 *          carries one PCIGUARD_A_DEV_TARGET nest (NLA_F_NESTED set; the
 *          four naming attributes) per device, at most
 *          PCIGUARD_MAX_TARGETS (duplicates count once), and the
 *          flag PCIGUARD_A_DEV_FORCE to take devices whose dom0 driver
 *          serves storage or display. All or nothing: a refused device
 *          fails the request, with the extack message and the offending
 *          nest as the bad attribute, and changes nothing. Devices
 *          already in custody are left as they are. The reply carries one
 *          PCIGUARD_A_DEV_TARGET nest per target, in request order, with
 *          the four naming attributes and the flag PCIGUARD_A_DEV_CHANGED
 *          when this request took the device; without it the device was
 *          in custody already. Requests are serialised in the module, so
 *          this says what the request did even when others act on the
 *          same devices meanwhile; a look before the request cannot.
 *
 * PCIGUARD_CMD_DEV_RELEASE (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)
 *    do:   give devices back to dom0: each is reset (a failed reset refuses
 *          the request unless PCIGUARD_A_DEV_FORCE), the override cleared
 *          and the recorded driver bound (else whichever loaded dom0
 *          driver matches; the kernel loads no module here: a tool that
 *          finds the device unbound loads the one its modalias names).
 *          Requires the flag PCIGUARD_A_DEV_TO_HOST: returning a device
 *          a guest may have used to dom0 is a decision, never a default.
 *          Targets as for DEV_HIDE, all or nothing. An absent device's
 *          custody entry is dropped.
 *
 * PCIGUARD_CMD_DEV_CHECK
 *    do:   judge a handoff of the target devices (nests as for DEV_HIDE)
 *          without changing anything. PCIGUARD_A_DEV_NO_STRICT_RESET says
 *          the admin would accept a handoff without strict reset. The
 *          reply carries one PCIGUARD_A_DEV_RESULT nest per target, in
 *          request order, each with the naming attributes,
 *          PCIGUARD_A_DEV_BDF and:
 *
 *    PCIGUARD_A_DEV_ALLOWED        u8: 1 when the handoff may go ahead
 *    PCIGUARD_A_DEV_RESET_USED     u32, enum pciguard_reset_method: the
 *                                  reset pciguard would use; UNSPEC: none
 *    PCIGUARD_A_DEV_RESET_BRIDGE   string: BDF of the bridge whose
 *                                  secondary bus reset that is (BUS only)
 *    PCIGUARD_A_DEV_RESET_HITS     string, repeated: BDFs of the other
 *                                  devices that reset also resets
 *    PCIGUARD_A_DEV_MISSING        string, repeated: BDFs that must move
 *                                  with the device and are not targets
 *    PCIGUARD_A_DEV_PROBLEMS       u32: PCIGUARD_PROBLEM_* bits; 0 when
 *                                  the handoff has strict reset
 *
 *          A bridge or non-endpoint target is refused with -EINVAL and
 *          the reason, as DEV_HIDE refuses it.
 *
 * PCIGUARD_CMD_DEV_ASSIGN (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)
 *    do:   hand devices to a guest backend. Targets as for DEV_HIDE;
 *          PCIGUARD_A_DEV_GUEST (required: 1 to 63 of [A-Za-z0-9_.-],
 *          starting with a letter or digit) names the guest;
 *          PCIGUARD_A_DEV_BACKEND picks the backend (default: xen-pciback
 *          when loaded, else the request is refused and says so; the
 *          kernel loads no module, the tool does); PCIGUARD_A_DEV_FORCE as
 *          for DEV_HIDE for devices not yet in custody;
 *          PCIGUARD_A_DEV_NO_STRICT_RESET accepts a handoff without strict
 *          reset; PCIGUARD_A_DEV_PERMISSIVE is recorded for the backend
 *          (xen-pciback only). In order, for all targets before any moves:
 *          custody policy, an IOMMU for vfio-pci, the gate (as DEV_CHECK;
 *          -EBUSY unless every target is allowed), then the backend: -ENOENT
 *          when it is not loaded, -EINVAL for permissive with vfio-pci. Then
 *          devices not in custody are taken into it, each target is reset
 *          (its function reset, or one bus reset per bridge) and must read
 *          back its vendor ID (skipped with no-strict-reset), and each is
 *          bound to the backend through driver_override. A refusal changes
 *          nothing; a failure during the handoff leaves every target in
 *          quarantine. A target already assigned to the same guest and
 *          backend with the same options is left as it is; one assigned
 *          elsewhere or otherwise is refused. The reply is DEV_HIDE's,
 *          with PCIGUARD_A_DEV_CHANGED on each target this request handed
 *          to the backend (not on one that was assigned already).
 *
 * PCIGUARD_CMD_DEV_DETACH (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)
 *    do:   take devices back from their backend into quarantine (pinned to
 *          pciguard, reset). Targets as for DEV_HIDE; each must be
 *          assigned. A backend that gives a device up by other means (its
 *          unbind file) gets the same treatment: a device that comes back
 *          from a guest never goes to a dom0 driver by itself.
 *
 * PCIGUARD_CMD_DEV_VIOLATION (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)
 *    do:   report that an assigned device's backend does not apply the
 *          config-space policy pciguard asked for (the tool compares
 *          xen-pciback's permissive and quirks with the assignment). One
 *          PCIGUARD_A_DEV_TARGET and PCIGUARD_A_DEV_VIOLATION, the
 *          finding, in printable ASCII (it is logged; anything else is
 *          refused with -EINVAL). A finding that differs from the
 *          device's latest one is counted and sent as a
 *          PCIGUARD_EVENT_VIOLATION; the same finding again changes
 *          nothing.
 * PCIGUARD_CMD_EVENT
 *    Sent to the multicast group PCIGUARD_MCGRP_EVENTS, never requested:
 *    PCIGUARD_A_DEV_EVENT (enum pciguard_event), PCIGUARD_A_DEV_TIMESTAMP
 *    (CLOCK_REALTIME ns), the naming attributes and PCIGUARD_A_DEV_BDF,
 *    PCIGUARD_A_DEV_STATE after the event, and as the event needs:
 *    PCIGUARD_A_DEV_EVENT_DRIVER (the driver that was refused, or that
 *    dom0 bound after a release), PCIGUARD_A_DEV_REFUSED,
 *    PCIGUARD_A_DEV_RESET_ERRNO and _RESET_MSECS (in a RELEASED event the
 *    reset done for the release, absent when the device was absent; in
 *    an ASSIGNED event the handoff reset, absent with no-strict-reset; in
 *    the others the quarantine reset), PCIGUARD_A_DEV_LOST, in
 *    ASSIGNED and DETACHED events PCIGUARD_A_DEV_GUEST, in CFG_DENIED
 *    events PCIGUARD_A_DEV_CFG_DENIALS and one PCIGUARD_A_DEV_CFG_DENIAL,
 *    in VIOLATION events PCIGUARD_A_DEV_VIOLATIONS and _VIOLATION.
 *    CFG_DENIED events are rate-limited per device (PCIGUARD_CFG_EVENT_BURST
 *    per PCIGUARD_CFG_EVENT_SECS seconds); the counter counts every one.
 *    Events are queued and sent in order; when the queue overflows, the
 *    lost ones are counted in a PCIGUARD_EVENT_LOST event (per-device
 *    counters are never lost).
 *
 * Errors carry an extended ack message (NETLINK_EXT_ACK) that names the
 * problem; tools should print it.
 */

#ifndef _UAPI_PCIGUARD_H
#define _UAPI_PCIGUARD_H

#define PCIGUARD_GENL_NAME	"pciguard"
#define PCIGUARD_GENL_VERSION	1

/* Longest string attribute the family sends, including the NUL. */
#define PCIGUARD_DRIVER_NAME_MAX	64
#define PCIGUARD_PATH_MAX		128

/* Most devices one DEV_HIDE, _RELEASE, _CHECK, _ASSIGN or _DETACH names. */
#define PCIGUARD_MAX_TARGETS		64

/* Longest guest name PCIGUARD_A_DEV_GUEST may carry, including the NUL. */
#define PCIGUARD_GUEST_NAME_MAX		64

/* Most PCIGUARD_A_DEV_GRANT nests one device may carry. */
#define PCIGUARD_MAX_GRANTS		16

/* Refused config writes a device keeps (PCIGUARD_A_DEV_CFG_DENIAL). */
#define PCIGUARD_CFG_LAST		4

/* CFG_DENIED events per device: at most BURST in any SECS seconds. */
#define PCIGUARD_CFG_EVENT_BURST	10
#define PCIGUARD_CFG_EVENT_SECS		5

/* Longest PCIGUARD_A_DEV_VIOLATION, including the NUL. */
#define PCIGUARD_VIOLATION_MAX		256

/* Longest PCIGUARD_A_CFG_COMM, including the NUL (the kernel's TASK_COMM_LEN). */
#define PCIGUARD_COMM_MAX		16

/* Multicast group for PCIGUARD_CMD_EVENT. */
#define PCIGUARD_MCGRP_EVENTS		"events"

/**
 * enum pciguard_state - who holds a device
 * @PCIGUARD_STATE_HOST: dom0 (the host) owns the device; pciguard only looks
 * @PCIGUARD_STATE_QUARANTINED: pciguard's own driver holds the device; no
 *	dom0 driver can bind it
 * @PCIGUARD_STATE_ASSIGNED: pciguard handed the device to a guest backend
 *	(PCIGUARD_A_DEV_BACKEND) for a guest (PCIGUARD_A_DEV_GUEST); when the
 *	backend lets go of it, it comes back to quarantine, never to dom0
 */
enum pciguard_state {
	PCIGUARD_STATE_HOST,
	PCIGUARD_STATE_QUARANTINED,
	PCIGUARD_STATE_ASSIGNED,

	/* private: */
	__PCIGUARD_STATE_MAX
};

/**
 * enum pciguard_reset_method - resets the PCI core can perform on a device
 * @PCIGUARD_RESET_UNSPEC: unused
 * @PCIGUARD_RESET_DEVICE_SPECIFIC: a quirk that resets this device model
 * @PCIGUARD_RESET_ACPI: the platform's ACPI _RST method
 * @PCIGUARD_RESET_FLR: PCIe Function Level Reset
 * @PCIGUARD_RESET_AF_FLR: Advanced Features FLR (conventional PCI)
 * @PCIGUARD_RESET_PM: D3hot to D0 transition (PM reset)
 * @PCIGUARD_RESET_BUS: secondary bus or hotplug slot reset; hits every
 *	device below the same bridge
 */
enum pciguard_reset_method {
	PCIGUARD_RESET_UNSPEC,
	PCIGUARD_RESET_DEVICE_SPECIFIC,
	PCIGUARD_RESET_ACPI,
	PCIGUARD_RESET_FLR,
	PCIGUARD_RESET_AF_FLR,
	PCIGUARD_RESET_PM,
	PCIGUARD_RESET_BUS,

	/* private: */
	__PCIGUARD_RESET_MAX
};

/**
 * enum pciguard_custody - why pciguard holds a device
 * @PCIGUARD_CUSTODY_BOOT: the device matched the hide= module parameter
 * @PCIGUARD_CUSTODY_RUNTIME: PCIGUARD_CMD_DEV_HIDE took it
 */
enum pciguard_custody {
	PCIGUARD_CUSTODY_BOOT,
	PCIGUARD_CUSTODY_RUNTIME,

	/* private: */
	__PCIGUARD_CUSTODY_MAX
};

/**
 * enum pciguard_backend - the driver that serves a device to a guest
 * @PCIGUARD_BACKEND_UNSPEC: not given: xen-pciback when it is loaded
 * @PCIGUARD_BACKEND_PCIBACK: xen-pciback (driver "pciback"), Xen dom0
 * @PCIGUARD_BACKEND_VFIO_PCI: vfio-pci (KVM and other VFIO users); needs an
 *	IOMMU
 */
enum pciguard_backend {
	PCIGUARD_BACKEND_UNSPEC,
	PCIGUARD_BACKEND_PCIBACK,
	PCIGUARD_BACKEND_VFIO_PCI,

	/* private: */
	__PCIGUARD_BACKEND_MAX
};

/**
 * enum pciguard_event - what a PCIGUARD_CMD_EVENT reports
 * @PCIGUARD_EVENT_QUARANTINED: pciguard's driver took the device (after
 *	hide, hide= or a rescan) and reset it; see PCIGUARD_A_DEV_RESET_ERRNO
 * @PCIGUARD_EVENT_REFUSED_REBIND: a driver tried to bind a device in
 *	custody and was refused; PCIGUARD_A_DEV_EVENT_DRIVER names it
 * @PCIGUARD_EVENT_RELEASED: the device went back to dom0;
 *	PCIGUARD_A_DEV_EVENT_DRIVER names the driver dom0 bound, if any
 * @PCIGUARD_EVENT_REMOVED: a device in custody left the bus; its custody
 *	entry stays and takes it again when it comes back
 * @PCIGUARD_EVENT_LOST: the event queue overflowed; PCIGUARD_A_DEV_LOST
 *	events were dropped
 * @PCIGUARD_EVENT_ASSIGNED: the device went to a guest backend;
 *	PCIGUARD_A_DEV_EVENT_DRIVER names the backend's driver,
 *	PCIGUARD_A_DEV_GUEST the guest, the reset attributes the handoff reset
 * @PCIGUARD_EVENT_DETACHED: the backend let go of the device (a detach, or
 *	its driver was unbound by other means) and pciguard quarantined and
 *	reset it again; PCIGUARD_A_DEV_EVENT_DRIVER names the backend's driver
 * @PCIGUARD_EVENT_CFG_DENIED: a config-space write from dom0's user space
 *	was refused (PCIGUARD_A_DEV_CFG_DENIAL)
 * @PCIGUARD_EVENT_VIOLATION: the backend does not apply the config-space
 *	policy pciguard asked for (PCIGUARD_A_DEV_VIOLATION)
 */
enum pciguard_event {
	PCIGUARD_EVENT_QUARANTINED,
	PCIGUARD_EVENT_REFUSED_REBIND,
	PCIGUARD_EVENT_RELEASED,
	PCIGUARD_EVENT_REMOVED,
	PCIGUARD_EVENT_LOST,
	PCIGUARD_EVENT_ASSIGNED,
	PCIGUARD_EVENT_DETACHED,
	PCIGUARD_EVENT_CFG_DENIED,
	PCIGUARD_EVENT_VIOLATION,

	/* private: */
	__PCIGUARD_EVENT_MAX
};

/**
 * enum pciguard_problem - why a handoff lacks strict reset (bit flags)
 * @PCIGUARD_PROBLEM_NO_RESET: the device has no reset at all
 * @PCIGUARD_PROBLEM_RESET_SPLIT: its only reset, a bus reset, also resets
 *	devices that are not handed over
 * @PCIGUARD_PROBLEM_GROUP_SPLIT: members of its IOMMU group are not
 *	handed over
 */
enum pciguard_problem {
	PCIGUARD_PROBLEM_NO_RESET = 1,
	PCIGUARD_PROBLEM_RESET_SPLIT = 2,
	PCIGUARD_PROBLEM_GROUP_SPLIT = 4,
};

enum pciguard_attrs_dev {
	PCIGUARD_A_DEV_UNSPEC,
	PCIGUARD_A_DEV_DOMAIN,
	PCIGUARD_A_DEV_BUS,
	PCIGUARD_A_DEV_SLOT,
	PCIGUARD_A_DEV_FUNCTION,
	PCIGUARD_A_DEV_BDF,
	PCIGUARD_A_DEV_VENDOR,
	PCIGUARD_A_DEV_DEVICE,
	PCIGUARD_A_DEV_SUBSYS_VENDOR,
	PCIGUARD_A_DEV_SUBSYS_DEVICE,
	PCIGUARD_A_DEV_CLASS,
	PCIGUARD_A_DEV_REVISION,
	PCIGUARD_A_DEV_HEADER_TYPE,
	PCIGUARD_A_DEV_MULTIFUNCTION,
	PCIGUARD_A_DEV_DRIVER,
	PCIGUARD_A_DEV_STATE,
	PCIGUARD_A_DEV_IOMMU_GROUP,
	PCIGUARD_A_DEV_RESET_METHOD,
	PCIGUARD_A_DEV_FLR_CAPABLE,
	PCIGUARD_A_DEV_PARENT,
	PCIGUARD_A_DEV_PATH,
	PCIGUARD_A_DEV_PAD,
	PCIGUARD_A_DEV_CUSTODY,
	PCIGUARD_A_DEV_ORIG_DRIVER,
	PCIGUARD_A_DEV_SINCE,
	PCIGUARD_A_DEV_RESET_ERRNO,
	PCIGUARD_A_DEV_RESET_MSECS,
	PCIGUARD_A_DEV_REFUSED,
	PCIGUARD_A_DEV_LAST_REFUSED,
	PCIGUARD_A_DEV_ABSENT,
	PCIGUARD_A_DEV_TARGET,
	PCIGUARD_A_DEV_FORCE,
	PCIGUARD_A_DEV_TO_HOST,
	PCIGUARD_A_DEV_EVENT,
	PCIGUARD_A_DEV_TIMESTAMP,
	PCIGUARD_A_DEV_EVENT_DRIVER,
	PCIGUARD_A_DEV_LOST,
	PCIGUARD_A_DEV_NO_STRICT_RESET,
	PCIGUARD_A_DEV_RESULT,
	PCIGUARD_A_DEV_ALLOWED,
	PCIGUARD_A_DEV_RESET_USED,
	PCIGUARD_A_DEV_RESET_BRIDGE,
	PCIGUARD_A_DEV_RESET_HITS,
	PCIGUARD_A_DEV_MISSING,
	PCIGUARD_A_DEV_PROBLEMS,
	PCIGUARD_A_DEV_GUEST,
	PCIGUARD_A_DEV_BACKEND,
	PCIGUARD_A_DEV_PERMISSIVE,
	PCIGUARD_A_DEV_XEN_DOMID,
	PCIGUARD_A_DEV_GRANT,
	PCIGUARD_A_DEV_CFG_DENIALS,
	PCIGUARD_A_DEV_CFG_DENIAL,
	PCIGUARD_A_DEV_VIOLATIONS,
	PCIGUARD_A_DEV_VIOLATION,
	PCIGUARD_A_DEV_DSN,
	PCIGUARD_A_DEV_CHANGED,

	/* private: */
	__PCIGUARD_A_DEV_MAX,
	PCIGUARD_A_DEV_MAX = __PCIGUARD_A_DEV_MAX - 1
};

/* Inside PCIGUARD_A_DEV_GRANT and PCIGUARD_A_DEV_CFG_DENIAL. */
enum pciguard_attrs_cfg {
	PCIGUARD_A_CFG_UNSPEC,
	PCIGUARD_A_CFG_OFFSET,		/* u16: first byte of the register */
	PCIGUARD_A_CFG_LEN,		/* u8: 1, 2 or 4 */
	PCIGUARD_A_CFG_MASK,		/* u32: bits granted, or refused */
	PCIGUARD_A_CFG_VALUE,		/* u32: the value written */
	PCIGUARD_A_CFG_COMM,		/* string: the task that wrote */

	/* private: */
	__PCIGUARD_A_CFG_MAX,
	PCIGUARD_A_CFG_MAX = __PCIGUARD_A_CFG_MAX - 1
};

enum pciguard_cmd {
	PCIGUARD_CMD_UNSPEC,
	PCIGUARD_CMD_DEV_GET,
	PCIGUARD_CMD_DEV_HIDE,
	PCIGUARD_CMD_DEV_RELEASE,
	PCIGUARD_CMD_EVENT,
	PCIGUARD_CMD_DEV_CHECK,
	PCIGUARD_CMD_DEV_ASSIGN,
	PCIGUARD_CMD_DEV_DETACH,
	PCIGUARD_CMD_DEV_VIOLATION,

	/* private: */
	__PCIGUARD_CMD_MAX,
	PCIGUARD_CMD_MAX = __PCIGUARD_CMD_MAX - 1
};

#endif /* _UAPI_PCIGUARD_H */
