#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# boot_claims.sh: boot-time claims (busybox sh, root), run by the guest's
# /init in iogroupvm.mode=boot, after it ran contrib's initramfs-tools
# init-top script with boot_claims.conf as /etc/iogroup.conf BEFORE it
# loaded any device driver, then loaded the drivers as usual.  Prints the
# boot VM's whole KTAP document (tests/vm/run.sh boots it a second time).
#
# boot_claims.conf: "claim 0000:00:02.0" (the e1000e, by address) and
# "detach 8086:100e" (the e1000 behind the PCIe-to-PCI bridge, by ID: its
# whole group to vfio-pci).  Checked against sysfs (driver links, the errno
# of a sysfs bind), dmesg (the vetoed probe), lsmod and /dev/vfio.
#
# Helpers next to this script: lib.sh, ktap.sh, jsonq, sysfswrite.

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
LOG=/run/iogroup-boot	# .log, .rc, .lsmod: written by /init
DMESG_BAD='WARNING:|BUG:|Oops|Call Trace|KASAN|refcount_t|general protection|blocked for more than|detected stall'
TAINT_OK=$((4096 | 8192))

. /usr/lib/iogroup-vm/topology.sh
topology_find

drv() { pci_driver "$1"; }

ktap_plan 11

t_early() {
	ktap_diag "init-top output (exit $(cat $LOG.rc 2>/dev/null)):"
	sed 's/^/#   /' $LOG.log
	expect_eq "init-top script exit status" "$(cat $LOG.rc 2>/dev/null)" 0
	# What was loaded when it ran: no driver of the VM's devices yet.
	for m in e1000e e1000 virtio_pci; do
		grep -q "^$m " $LOG.lsmod && fail "$m was loaded before the claims"
	done
	grep -q "^iogroup " $LOG.lsmod && fail "iogroup was loaded before init-top"
	grep -q "claimed (line 1, 0000:00:02.0: $NIC)" $LOG.log ||
		fail "apply did not report the claim of $NIC"
	grep -q "detached to vfio-pci (line 3, 8086:100e: " $LOG.log ||
		fail "apply did not report the detach of the bridge's group"
	# The drivers are loaded now (they probed after the claims).
	for m in e1000e e1000; do
		lsmod | grep -q "^$m " || fail "$m is not loaded"
	done
}

t_claimed_no_driver() {
	g=$(pci_group "$NIC")
	expect_eq "$NIC driver (sysfs)" "$(drv "$NIC")" -
	# The kernel log: the claim came before e1000e was even loaded.
	c=$(dmesg | grep -n "iogroup: group $g claimed by pid" | head -n 1 | cut -d: -f1)
	e=$(dmesg | grep -n "e1000e: Intel(R) PRO/1000 Network Driver" | head -n 1 | cut -d: -f1)
	if [ -z "$c" ] || [ -z "$e" ] || [ "$c" -ge "$e" ]; then
		fail "dmesg: 'group $g claimed' (line ${c:-none}) not before e1000e's banner (line ${e:-none})"
	fi
	cmd_ok "show -j $NIC" "$IOGROUP" -j show "$NIC" || return
	expect_eq "owner.kind" "$("$JSONQ" .owner.kind <"$CMD_OUT")" iogroup
	expect_eq "owner.persistent" "$("$JSONQ" .owner.persistent <"$CMD_OUT")" true
	expect_eq "group" "$("$JSONQ" .group <"$CMD_OUT")" "$g"
	# e1000e did probe it, and was refused with EBUSY.
	expect_eq "last failed probe" \
		"$("$JSONQ" .devices[0].last_error.driver .devices[0].last_error.errno <"$CMD_OUT" | tr '\n' ' ')" \
		"e1000e 16 "
}

t_veto_bind() {
	# The sysfs bind of e1000e is refused with EBUSY while claimed.
	out=$("$SYSFSWRITE" /sys/bus/pci/drivers/e1000e/bind "$NIC")
	expect_eq "bind $NIC to e1000e" "$out" "16 EBUSY"
	expect_eq "$NIC driver after the bind" "$(drv "$NIC")" -
}

t_detached() {
	expect_eq "$NIC2 driver" "$(drv "$NIC2")" vfio-pci
	expect_eq "$EDU2 driver" "$(drv "$EDU2")" vfio-pci
	expect_eq "$BRIDGE driver" "$(drv "$BRIDGE")" -
	[ -c "/dev/vfio/$MULTI_GROUP" ] || fail "/dev/vfio/$MULTI_GROUP missing"
	cmd_ok "show -j $NIC2" "$IOGROUP" -j show "$NIC2" || return
	expect_eq "viable" "$("$JSONQ" .viable <"$CMD_OUT")" true
	expect_eq "owner.kind (claim released)" "$("$JSONQ" .owner.kind <"$CMD_OUT")" none
	# e1000 was loaded after the detach and did not take its device.
	dmesg | grep -q "e1000 $NIC2: " && fail "e1000 touched $NIC2"
	return 0
}

t_unconfigured() {
	expect_eq "$RNG driver" "$(drv "$RNG")" virtio-pci
	expect_eq "$EDU driver" "$(drv "$EDU")" -
	cmd_ok "show -j $EDU" "$IOGROUP" -j show "$EDU" || return
	expect_eq "$EDU owner" "$("$JSONQ" .owner.kind <"$CMD_OUT")" none
	cmd_ok "show -j $RNG" "$IOGROUP" -j show "$RNG" || return
	expect_eq "$RNG owner" "$("$JSONQ" .owner.kind <"$CMD_OUT")" kernel
}

t_idempotent() {
	cmd_ok "apply again" "$IOGROUP" apply || return
	grep -q "already claimed (line 1" "$CMD_OUT" || fail "not 'already claimed'"
	grep -q "already detached to vfio-pci (line 3" "$CMD_OUT" ||
		fail "not 'already detached'"
	expect_eq "$NIC driver" "$(drv "$NIC")" -
	expect_eq "$NIC2 driver" "$(drv "$NIC2")" vfio-pci
	cmd_ok "apply --dry-run" "$IOGROUP" apply --dry-run || return
	grep -q "would claim" "$CMD_OUT" || fail "--dry-run: no 'would claim'"
}

t_bad_config() {
	printf 'claim 0000:00:02.0\ndetach 3\n' >/tmp/bad.conf
	cmd_fail "apply a bad config" 1 "$IOGROUP" apply --config /tmp/bad.conf
	grep -q "^iogroup: /tmp/bad.conf:2: '3': group numbers are not accepted" \
		"$CMD_ERR" || { fail "no FILE:LINE error"; _cmd_show; }
}

t_release() {
	cmd_ok "release $NIC" "$IOGROUP" release "$NIC" || return
	out=$("$SYSFSWRITE" /sys/bus/pci/drivers/e1000e/bind "$NIC")
	expect_eq "bind $NIC to e1000e after release" "$out" ""
	expect_eq "$NIC driver" "$(drv "$NIC")" e1000e
}

t_reattach() {
	cmd_ok "reattach $NIC2" "$IOGROUP" reattach "$NIC2" || return
	expect_eq "$NIC2 driver" "$(drv "$NIC2")" e1000
	[ -e "/dev/vfio/$MULTI_GROUP" ] && fail "/dev/vfio/$MULTI_GROUP still there"
	return 0
}

t_dmesg() {
	bad=$(dmesg | grep -E -B2 -A8 "$DMESG_BAD")
	[ -z "$bad" ] && return
	echo "$bad" | sed 's/^/# dmesg: /'
	fail "dmesg has warnings"
}

t_rmmod() {
	taint=$(cat /proc/sys/kernel/tainted)
	[ $((taint & ~TAINT_OK)) -eq 0 ] || fail "tainted=$taint"
	cmd_ok "rmmod iogroup" rmmod iogroup
	t_dmesg
}

ktap_run "init-top applied the config before any driver loaded" t_early
ktap_run "claimed group: $NIC has no driver, e1000e's probe vetoed" t_claimed_no_driver
ktap_run "e1000e bind refused (EBUSY) while claimed" t_veto_bind
ktap_run "detached group on vfio-pci, viable" t_detached
ktap_run "unconfigured devices probed normally" t_unconfigured
ktap_run "apply again changes nothing" t_idempotent
ktap_run "a bad config names FILE:LINE, exit 1" t_bad_config
ktap_run "release: e1000e binds" t_release
ktap_run "reattach: e1000 binds" t_reattach
ktap_run "dmesg clean" t_dmesg
ktap_run "not tainted, rmmod iogroup, dmesg clean" t_rmmod
echo "# iogroup-vm: done"
ktap_finish
