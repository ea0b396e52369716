#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli_claims.sh: the CLI's write side end to end (busybox sh, root, in the
# test VM): claim, release, the host-impact guard, detach/reattach, checked
# against sysfs (driver links, the errno of sysfs bind writes), /proc and
# exit codes -- not against iogroup's own output alone.
#
# Complements cli.sh (which covers claim/release of a free group, --restore
# without --unbind, claim -- COMMAND's exit status with --unbind --restore,
# SIGKILL of a free-group claim, detach/reattach to vfio-pci) and nl_api
# (the kernel's claim errors and vetoes through raw netlink).
#
# Helpers next to this script: lib.sh, ktap.sh, jsonq, asuser, sysfswrite.

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
CLAIMED=		# group to release at exit
RESTORE_NIC=		# device to give back to e1000e at exit
OVERRIDE_DEV=		# device whose driver_override to clear at exit
NETIF=			# interface whose address to remove at exit
REATTACH=		# group to reattach at exit
KILL_PIDS=

[ -z "${IOGROUP_VM_NIC:-}" ] && [ -r /run/iogroup-vm.env ] && . /run/iogroup-vm.env

NTESTS=8
ktap_plan $NTESTS
need_cli $NTESTS "cli_claims test"
ktap_diag "CLI: $IOGROUP"
[ -e /sys/module/iogroup ] || modprobe iogroup

cleanup() {
	for _p in $KILL_PIDS; do
		kill -KILL "$_p" 2>/dev/null
	done
	[ -n "$CLAIMED" ] && "$IOGROUP" release "$CLAIMED" >/dev/null 2>&1
	[ -n "$NETIF" ] && ip addr flush dev "$NETIF" 2>/dev/null
	if [ -n "$OVERRIDE_DEV" ]; then
		if [ "$(sys_driver "$OVERRIDE_DEV")" = vfio-pci ]; then
			echo "$OVERRIDE_DEV" >/sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null
		fi
		echo >"$PCI/$OVERRIDE_DEV/driver_override" 2>/dev/null
	fi
	[ -n "$REATTACH" ] && "$IOGROUP" reattach "$REATTACH" >/dev/null 2>&1
	if [ -n "$RESTORE_NIC" ] && [ ! -e "$PCI/$RESTORE_NIC/driver" ]; then
		echo "$RESTORE_NIC" >/sys/bus/pci/drivers/e1000e/bind 2>/dev/null
	fi
}
trap cleanup EXIT

# ------------------------------------------------------- ground truth ---

find_free_edu() {	# an edu (1234:11e8) without a driver, alone in its group
	for _d in $PCI/*; do
		[ "$(cat "$_d/vendor")" = 0x1234 ] || continue
		[ "$(cat "$_d/device")" = 0x11e8 ] || continue
		[ -e "$_d/driver" ] && continue
		_dn=$(basename "$_d")
		[ "$(sys_group_devs "$(sys_group_of "$_dn")" | grep -c .)" = 1 ] || continue
		echo "$_dn"
		return 0
	done
	return 1
}

# pid_gone PID: PID has exited (its netlink sockets with it).
pid_gone() {
	[ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

expect_err() {		# WHAT TEXT: stderr contains TEXT
	grep -qF -- "$2" "$CMD_ERR" && return 0
	fail "$1: stderr lacks '$2'"
	sed 's/^/#   err: /' "$CMD_ERR"
	return 1
}

# --------------------------------------------------------------- tests ---

# A claim the kernel refuses: exit 1, the blocking device and its driver
# named after "kernel says:", nothing unbound (sysfs).
t_refused() {
	_nic=$(find_nic) || { skip "no e1000e NIC bound to e1000e"; return; }
	_g=$(sys_group_of "$_nic")
	cmd_fail "claim $_g (e1000e bound, no --unbind)" 1 "$IOGROUP" claim "$_g" || return
	expect_msg "refused claim"
	expect_err "refused claim" "iogroup: kernel says:"
	expect_err "refused claim names the device" "$_nic"
	expect_err "refused claim names the driver" "e1000e"
	grep -v '^iogroup: ' "$CMD_ERR" | grep -q . &&
		fail "refused claim: a stderr line without the 'iogroup: ' prefix"
	driver_is "$_nic" e1000e || fail "refused claim: $_nic now on '$(sys_driver "$_nic")'"
	# --restore needs --unbind: a usage error, before anything happens
	cmd_fail "claim $_g --restore" 2 "$IOGROUP" claim "$_g" --restore &&
		expect_msg "claim --restore"
	driver_is "$_nic" e1000e || fail "claim --restore: $_nic now on '$(sys_driver "$_nic")'"
}

# The veto's kprobe as the kernel lists it (debugfs kprobes/list): "not
# registered", "disarmed" or "armed".  The module registers it disarmed; the
# first claim that needs it (on 5.19+ one that unbinds drivers, on 5.10 any)
# arms it, and it stays armed until the module unloads.
case $(uname -r) in
[1-4].* | 5.[0-9].* | 5.1[0-8].*) VETO_SYM=driver_probe_device ;;
*) VETO_SYM=pci_dma_configure ;;
esac
veto_state() {
	# the offset: past an ENDBR64 where the kernel has IBT (6.12+)
	_k=$(grep "  k  $VETO_SYM+0x[0-9a-f]* " /sys/kernel/debug/kprobes/list)
	case $_k in
	"") echo "not registered" ;;
	*"[DISABLED]"*) echo disarmed ;;
	*) echo armed ;;
	esac
}

# claim --unbind --restore (persistent): the NIC is unbound, e1000e can't
# bind (sysfs EBUSY), vfio-pci can (driver_managed_dma); release probes
# e1000e again.  The veto is armed from the claim on (veto_state).
t_unbind_release_restore() {
	_nic=$(find_nic) || { skip "no e1000e NIC bound to e1000e"; return; }
	_g=$(sys_group_of "$_nic")
	[ -d /sys/bus/pci/drivers/vfio-pci ] || modprobe vfio-pci 2>/dev/null
	RESTORE_NIC=$_nic
	# a fresh module: the veto registered, not armed
	rmmod iogroup || { fail "rmmod iogroup failed"; return; }
	expect_eq "$VETO_SYM veto with the module unloaded" "$(veto_state)" "not registered"
	modprobe iogroup || { fail "modprobe iogroup failed"; return; }
	expect_eq "$VETO_SYM veto after loading" "$(veto_state)" disarmed
	cmd_ok "claim $_g --unbind --restore" "$IOGROUP" claim "$_g" --unbind --restore || return
	CLAIMED=$_g
	expect_eq "$VETO_SYM veto while $_g is claimed" "$(veto_state)" armed
	grep -q "claimed group $_g" "$CMD_OUT" || fail "claim: stdout lacks 'claimed group $_g'"
	driver_is "$_nic" null || fail "claimed with --unbind: $_nic on '$(sys_driver "$_nic")'"
	# e1000e (kernel DMA API) is vetoed: the bind write fails with EBUSY
	_r=$("$SYSFSWRITE" /sys/bus/pci/drivers/e1000e/bind "$_nic")
	expect_eq "bind e1000e in the claimed group" "$_r" "16 EBUSY"
	driver_is "$_nic" null || fail "$_nic bound to '$(sys_driver "$_nic")' while claimed"
	# vfio-pci manages its own DMA: it may bind
	OVERRIDE_DEV=$_nic
	echo vfio-pci >"$PCI/$_nic/driver_override"
	_r=$("$SYSFSWRITE" /sys/bus/pci/drivers/vfio-pci/bind "$_nic")
	expect_eq "bind vfio-pci in the claimed group" "$_r" ""
	driver_is "$_nic" vfio-pci || fail "vfio-pci did not bind: '$(sys_driver "$_nic")'"
	echo "$_nic" >/sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null
	echo >"$PCI/$_nic/driver_override"
	OVERRIDE_DEV=
	# the claim is still there after that: e1000e still refused
	_r=$("$SYSFSWRITE" /sys/bus/pci/drivers/e1000e/bind "$_nic")
	expect_eq "bind e1000e after vfio-pci left" "$_r" "16 EBUSY"
	cmd_ok "release $_g" "$IOGROUP" release "$_g" || return
	CLAIMED=
	grep -q "released group $_g" "$CMD_OUT" || fail "release: stdout lacks 'released group $_g'"
	expect_eq "$VETO_SYM veto after the release (armed until unload)" "$(veto_state)" armed
	poll 300 driver_is "$_nic" e1000e ||
		fail "after release (--restore): $_nic on '$(sys_driver "$_nic")', want e1000e"
	RESTORE_NIC=
}

# claim -- COMMAND: a signal and a missing command come back as 128+N and
# 127, and the claim is gone afterwards (--restore: e1000e back).
t_command_status() {
	_nic=$(find_nic) || { skip "no e1000e NIC bound to e1000e"; return; }
	_g=$(sys_group_of "$_nic")
	RESTORE_NIC=$_nic
	cmd_fail "claim $_g --unbind --restore -- (killed by SIGKILL)" 137 \
		"$IOGROUP" claim "$_g" --unbind --restore -- \
		sh -c "[ -e $PCI/$_nic/driver ] && exit 10; kill -KILL \$\$"
	[ "$CMD_RC" = 10 ] && fail "inside the claim $_nic was still bound"
	poll 300 driver_is "$_nic" e1000e ||
		fail "after the command: $_nic on '$(sys_driver "$_nic")', want e1000e"
	cmd_fail "claim $_g --unbind --restore -- /nonexistent" 127 \
		"$IOGROUP" claim "$_g" --unbind --restore -- /nonexistent-command
	poll 300 driver_is "$_nic" e1000e ||
		fail "after a failed exec: $_nic on '$(sys_driver "$_nic")', want e1000e"
	RESTORE_NIC=
	# released for real: a plain persistent claim is refused again by e1000e
	cmd_fail "claim $_g after the commands (e1000e bound)" 1 "$IOGROUP" claim "$_g"
}

# SIGKILL of the CLI during claim --unbind --restore -- COMMAND: the kernel
# drops the claim with the socket (within 1 s) and rebinds e1000e.
t_sigkill_restore() {
	_nic=$(find_nic) || { skip "no e1000e NIC bound to e1000e"; return; }
	_g=$(sys_group_of "$_nic")
	RESTORE_NIC=$_nic
	rm -f "$T/cmd.pid"
	"$IOGROUP" claim "$_g" --unbind --restore -- \
		sh -c "echo \$\$ >$T/cmd.pid; exec sleep 60" >"$T/sk.out" 2>&1 &
	_pid=$!
	KILL_PIDS="$KILL_PIDS $_pid"
	poll 300 test -s "$T/cmd.pid" || { fail "the command never started"; sed 's/^/#   /' "$T/sk.out"; return; }
	_cmdpid=$(cat "$T/cmd.pid")
	KILL_PIDS="$KILL_PIDS $_cmdpid"
	driver_is "$_nic" null || fail "while claimed: $_nic on '$(sys_driver "$_nic")'"
	owner_is "$_g" iogroup || fail "while claimed: owner '$(owner_kind "$_g")'"
	kill -KILL "$_pid"
	wait "$_pid" 2>/dev/null
	pid_gone "$_pid" || fail "iogroup $_pid survived SIGKILL"
	# The reaper releases the claim and --restore probes e1000e again: the
	# owner goes iogroup -> none -> kernel, how fast depends on the load.
	poll 300 owner_is_not "$_g" iogroup ||
		fail "30 s after SIGKILL: owner still '$(owner_kind "$_g")'"
	poll 300 driver_is "$_nic" e1000e ||
		fail "after SIGKILL (--restore): $_nic on '$(sys_driver "$_nic")', want e1000e"
	# ground truth for "claim gone": the kernel accepts e1000e again, so a
	# claim without --unbind is refused
	cmd_fail "claim $_g after the auto-release" 1 "$IOGROUP" claim "$_g"
	kill -KILL "$_cmdpid" 2>/dev/null
	RESTORE_NIC=
}

# An unprivileged user can list but not claim or release (EPERM), and
# nothing changes (sysfs).
t_unprivileged() {
	[ "$(id -u)" = 0 ] || { skip "not root"; return; }
	_nic=$(find_nic) || { skip "no e1000e NIC bound to e1000e"; return; }
	_g=$(sys_group_of "$_nic")
	cmd_ok "list as uid $UNPRIV_UID" "$ASUSER" $UNPRIV_UID "$IOGROUP" list
	grep -q . "$CMD_OUT" || fail "list as uid $UNPRIV_UID printed nothing"
	cmd_fail "claim $_g --unbind as uid $UNPRIV_UID" 1 \
		"$ASUSER" $UNPRIV_UID "$IOGROUP" claim "$_g" --unbind &&
		expect_msg "unprivileged claim" &&
		expect_err "unprivileged claim" "Operation not permitted"
	driver_is "$_nic" e1000e ||
		fail "after an unprivileged claim --unbind: $_nic on '$(sys_driver "$_nic")'"
	_e=$(find_free_edu) || { skip "no free edu for the release case"; return; }
	_eg=$(sys_group_of "$_e")
	cmd_ok "claim $_eg (root)" "$IOGROUP" claim "$_eg" || return
	CLAIMED=$_eg
	cmd_fail "release $_eg as uid $UNPRIV_UID" 1 \
		"$ASUSER" $UNPRIV_UID "$IOGROUP" release "$_eg" &&
		expect_msg "unprivileged release" &&
		expect_err "unprivileged release" "Operation not permitted"
	owner_is "$_eg" iogroup || fail "after an unprivileged release: owner '$(owner_kind "$_eg")'"
	cmd_ok "release $_eg (root)" "$IOGROUP" release "$_eg" && CLAIMED=
}

# The host-impact guard: the NIC's interface up with an address makes
# claim --unbind refuse (naming it, e1000e stays); --force goes through.
t_guard() {
	_nic=$(find_nic) || { skip "no e1000e NIC bound to e1000e"; return; }
	_g=$(sys_group_of "$_nic")
	_if=$(ls "$PCI/$_nic/net" 2>/dev/null | head -n 1)
	[ -n "$_if" ] || { skip "$_nic has no network interface"; return; }
	# the debug kernel (tests/vm/debug.config) is built without IP
	[ -d /proc/sys/net/ipv4 ] || { skip "the kernel has no IPv4 to give $_if an address"; return; }
	NETIF=$_if
	ip link set "$_if" up || { fail "ip link set $_if up"; return; }
	ip addr add 10.9.9.1/24 dev "$_if" || { fail "ip addr add on $_if"; return; }
	cmd_fail "claim $_g --unbind ($_if up with an address)" 1 \
		"$IOGROUP" claim "$_g" --unbind
	expect_msg "guard"
	expect_err "guard names the interface" "$_if"
	expect_err "guard" "--force overrides"
	driver_is "$_nic" e1000e || fail "guard refused, but $_nic on '$(sys_driver "$_nic")'"
	ip addr show dev "$_if" | grep -q 10.9.9.1 || fail "guard refused, but $_if lost its address"
	RESTORE_NIC=$_nic
	cmd_ok "claim $_g --unbind --restore --force -- COMMAND" \
		"$IOGROUP" claim "$_g" --unbind --restore --force -- \
		sh -c "[ -e $PCI/$_nic/driver ] && exit 10; exit 0"
	expect_err "--force" "warning: --force overrides"
	poll 300 driver_is "$_nic" e1000e ||
		fail "after claim --force: $_nic on '$(sys_driver "$_nic")', want e1000e"
	RESTORE_NIC=
	_if=$(ls "$PCI/$_nic/net" 2>/dev/null | head -n 1)
	[ -n "$_if" ] && ip addr flush dev "$_if" 2>/dev/null
	[ -n "$_if" ] && ip link set "$_if" down 2>/dev/null
	NETIF=
}

# detach of the multi-device group to pci-stub, then from pci-stub to
# vfio-pci, then reattach: every step checked on the sysfs driver links.
t_multi_stub_vfio() {
	_g=${IOGROUP_VM_MULTI_GROUP:-}
	[ -n "$_g" ] && [ -d "/sys/kernel/iommu_groups/$_g" ] ||
		{ skip "no multi-device group"; return; }
	[ -d /sys/bus/pci/drivers/pci-stub ] || modprobe pci-stub 2>/dev/null
	[ -d /sys/bus/pci/drivers/vfio-pci ] || modprobe vfio-pci 2>/dev/null
	_before=
	_eps=
	for _d in $(sys_group_devs "$_g"); do
		_before="$_before $_d=$(sys_driver "$_d")"
		case $(cat "$PCI/$_d/class") in
		0x0604*) ;;
		*) _eps="$_eps $_d" ;;
		esac
	done
	ktap_diag "group $_g:$_before"
	REATTACH=$_g
	cmd_ok "detach $_g --driver pci-stub" "$IOGROUP" detach "$_g" --driver pci-stub || return
	for _d in $_eps; do
		driver_is "$_d" pci-stub || fail "detach to pci-stub: $_d on '$(sys_driver "$_d")'"
	done
	[ -e "/dev/vfio/$_g" ] && fail "/dev/vfio/$_g exists after a pci-stub detach"
	cmd_ok "detach $_g (pci-stub -> vfio-pci)" "$IOGROUP" detach "$_g" || return
	for _d in $_eps; do
		driver_is "$_d" vfio-pci || fail "detach to vfio-pci: $_d on '$(sys_driver "$_d")'"
	done
	poll 300 test -c "/dev/vfio/$_g" || fail "no /dev/vfio/$_g after detach"
	cmd_ok "reattach $_g" "$IOGROUP" reattach "$_g" || return
	REATTACH=
	for _b in $_before; do
		_d=${_b%%=*}
		_drv=${_b#*=}
		poll 300 driver_is "$_d" "$_drv" ||
			fail "after reattach: $_d on '$(sys_driver "$_d")', was '$_drv'"
		expect_eq "driver_override of $_d" "$(cat "$PCI/$_d/driver_override")" "(null)"
	done
}

# Afterwards the module and the kernel agree, and nothing is claimed.
t_check_after() {
	cmd_ok "iogroup check" "$IOGROUP" check
	for _d in $PCI/*; do
		_dn=$(basename "$_d")
		[ "$(cat "$_d/driver_override")" = "(null)" ] ||
			fail "$_dn left with driver_override '$(cat "$_d/driver_override")'"
	done
	[ -n "$(find_nic)" ] || fail "no NIC bound to e1000e at the end"
}

ktap_run "refused claim names the blocking device" t_refused
ktap_run "claim --unbind: e1000e EBUSY, vfio-pci binds, release restores, veto armed until unload" t_unbind_release_restore
ktap_run "claim -- COMMAND: 137 and 127 passed through, claim released" t_command_status
ktap_run "SIGKILL of claim --unbind --restore: released, driver back" t_sigkill_restore
ktap_run "unprivileged: list ok, claim and release EPERM" t_unprivileged
ktap_run "host-impact guard: interface up refuses, --force goes through" t_guard
ktap_run "multi-device group: pci-stub, vfio-pci, reattach" t_multi_stub_vfio
ktap_run "check after the claims" t_check_after
ktap_finish
