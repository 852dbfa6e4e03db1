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
 * PCIGUARD_CMD_DEV_GET
 *    do:   request carries the four naming attributes, all required. The
 *          reply is one PCIGUARD_CMD_DEV_GET message describing the device.
 *          A device that does not exist gives -ENODEV with an extack message.
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

/**
 * enum pciguard_state - who holds a device
 * @PCIGUARD_STATE_HOST: dom0 (the host) owns the device; pciguard only looks
 */
enum pciguard_state {
	PCIGUARD_STATE_HOST,

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

	/* private: */
	__PCIGUARD_A_DEV_MAX,
	PCIGUARD_A_DEV_MAX = __PCIGUARD_A_DEV_MAX - 1
};

enum pciguard_cmd {
	PCIGUARD_CMD_UNSPEC,
	PCIGUARD_CMD_DEV_GET,

	/* private: */
	__PCIGUARD_CMD_MAX,
	PCIGUARD_CMD_MAX = __PCIGUARD_CMD_MAX - 1
};

#endif /* _UAPI_PCIGUARD_H */
