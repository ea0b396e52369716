#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli.sh: the iogroup CLI against ground truth (busybox sh, run as root in
# the test VM).  JSON output is parsed with ./jsonq and compared with sysfs;
# exit codes and messages with the documented contract; events seen by
# `iogroup watch -j` with the sysfs writes that caused them.
#
# Helpers next to this script: lib.sh, ktap.sh, jsonq, asuser, sysfswrite,
# completion-iogroup (completion/iogroup).

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
EVENT_TIMEOUT=30		# seconds to wait for an event line (a bound, not a timing assertion)
WATCH_PID=
RESTORE_NIC=
RESTORE_OVERRIDE=

NTESTS=18
ktap_plan $NTESTS
need_cli $NTESTS "cli test"
ktap_diag "CLI: $IOGROUP"

cleanup() {
	[ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null
	if [ -n "$RESTORE_OVERRIDE" ]; then
		echo >"/sys/bus/pci/devices/$RESTORE_OVERRIDE/driver_override" 2>/dev/null
	fi
	if [ -n "$RESTORE_NIC" ] &&
	   [ ! -e "/sys/bus/pci/devices/$RESTORE_NIC/driver" ]; then
		echo "$RESTORE_NIC" >/sys/bus/pci/drivers/e1000e/bind 2>/dev/null
	fi
}
trap cleanup EXIT

# ------------------------------------------------------- ground truth ---

# find_unbound_edu: a QEMU edu device (1234:11e8) with no driver.
find_unbound_edu() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1234 ] || continue
		[ "$(cat "$d/device")" = 0x11e8 ] || continue
		[ -e "$d/driver" ] && continue
		basename "$d"
		return 0
	done
	return 1
}

# -------------------------------------------------------- JSON checks ---

# check_group_json FILE PREFIX: the group object at PREFIX (".[3]" in a
# list, "" for show) agrees with sysfs.  fail()s with the differences.
check_group_json() {
	_f=$1
	_p=$2
	{
		read -r _gid
		read -r _ku
		read -r _viable
		read -r _kind
		read -r _domain
		read -r _ddomain
		read -r _drift
	} <<EOF
$("$JSONQ" "$_p.group" "$_p.kernel_users" "$_p.viable" "$_p.owner.kind" \
	"$_p.domain" "$_p.default_domain" "$_p.drift" <"$_f")
EOF
	if [ ! -d "/sys/kernel/iommu_groups/$_gid" ]; then
		fail "group '$_gid' at '$_p' is not in /sys/kernel/iommu_groups"
		return 1
	fi
	_ndev=$("$JSONQ" -l "$_p.devices" <"$_f")
	_sysdevs=$(sys_group_devs "$_gid")
	_nsys=$(echo "$_sysdevs" | grep -c .)
	expect_eq "group $_gid: number of devices" "$_ndev" "$_nsys" || return 1
	_jdevs=$(_di=0; while [ $_di -lt "$_ndev" ]; do
			"$JSONQ" "$_p.devices[$_di].name" <"$_f"; _di=$((_di + 1)); done | sort)
	expect_eq "group $_gid: device names" "$(echo $_jdevs)" "$(echo $_sysdevs)" ||
		return 1
	_sysku=0
	_sysviable=true
	_di=0
	while [ $_di -lt "$_ndev" ]; do
		_dp="$_p.devices[$_di]"
		_di=$((_di + 1))
		{
			read -r _name
			read -r _bus
			read -r _vendor
			read -r _device
			read -r _class
			read -r _bridge
			read -r _driver
			read -r _dmd
			read -r _kdma
			read -r _blocks
		} <<EOF
$("$JSONQ" "$_dp.name" "$_dp.bus" "$_dp.vendor" "$_dp.device" "$_dp.class" \
	"$_dp.bridge" "$_dp.driver" "$_dp.driver_managed_dma" "$_dp.kernel_dma" \
	"$_dp.blocks_viability" <"$_f")
EOF
		_s=/sys/bus/pci/devices/$_name
		expect_eq "$_name: bus" "$_bus" pci
		expect_eq "$_name: vendor" "$_vendor" "$(cat "$_s/vendor")"
		expect_eq "$_name: device" "$_device" "$(cat "$_s/device")"
		expect_eq "$_name: class" "$_class" "$(cat "$_s/class")"
		expect_eq "$_name: bridge" "$_bridge" "$(sys_bridge "$_name")"
		_sdrv=$(sys_driver "$_name")
		expect_eq "$_name: driver" "$_driver" "$_sdrv"
		if [ "$_sdrv" = null ]; then
			_wdmd=false _wkdma=false
		elif drv_manages_dma "$_sdrv"; then
			_wdmd=true _wkdma=false
		else
			_wdmd=false _wkdma=true
			_sysku=$((_sysku + 1))
		fi
		_wblocks=false
		[ $_wkdma = true ] && [ "$(sys_bridge "$_name")" = false ] &&
			_wblocks=true
		[ $_wblocks = true ] && _sysviable=false
		expect_eq "$_name: driver_managed_dma (driver $_sdrv)" "$_dmd" "$_wdmd"
		expect_eq "$_name: kernel_dma (driver $_sdrv)" "$_kdma" "$_wkdma"
		expect_eq "$_name: blocks_viability (driver $_sdrv)" "$_blocks" "$_wblocks"
	done
	expect_eq "group $_gid: kernel_users" "$_ku" "$_sysku"
	expect_eq "group $_gid: viable" "$_viable" "$_sysviable"
	if [ "$_sysku" -gt 0 ]; then
		expect_eq "group $_gid: owner.kind" "$_kind" kernel
	else
		expect_eq "group $_gid: owner.kind" "$_kind" none
	fi
	_sdom=$(sys_domain "$_gid")
	if [ -n "$_sdom" ] && [ "$_sdom" != unknown ]; then
		expect_eq "group $_gid: domain" "$_domain" "$_sdom"
		[ "$_ddomain" != null ] &&
			expect_eq "group $_gid: default_domain" "$_ddomain" "$_sdom"
	fi
	expect_eq "group $_gid: drift on a quiet system" "$_drift" null
	[ "$T_FAILED" = 0 ]
}

# ------------------------------------------------------------- tests ---

# --version and help work without the module (and don't need it).
t_version_help() {
	if [ -e /sys/module/iogroup ]; then
		rmmod iogroup || { fail "rmmod iogroup failed"; return; }
	fi
	[ -e /sys/module/iogroup ] && { fail "iogroup still loaded"; return; }
	if cmd_ok "iogroup --version" "$IOGROUP" --version; then
		[ -s "$CMD_OUT" ] || fail "iogroup --version printed nothing on stdout"
		ktap_diag "version: $(head -n 1 "$CMD_OUT")"
	fi
	if cmd_ok "iogroup help" "$IOGROUP" help; then
		[ -s "$CMD_OUT" ] || fail "iogroup help printed nothing on stdout"
	fi
	[ -e /sys/module/iogroup ] &&
		ktap_diag "note: --version/help loaded the module"
}

# Resolving the family loads the module: rmmod; iogroup list.
t_autoload() {
	if [ -e /sys/module/iogroup ]; then
		rmmod iogroup || { fail "rmmod iogroup failed"; return; }
	fi
	[ -e /sys/module/iogroup ] && { fail "iogroup still loaded after rmmod"; return; }
	cmd_ok "iogroup list (module unloaded)" "$IOGROUP" list
	[ -s "$CMD_OUT" ] || fail "iogroup list printed nothing"
	[ -e /sys/module/iogroup ] || fail "/sys/module/iogroup absent after iogroup list"
	lsmod | grep -q '^iogroup ' || fail "lsmod does not show iogroup"
}

t_list_json() {
	cmd_ok "iogroup list -j" "$IOGROUP" list -j || return
	cp "$CMD_OUT" "$T/list.json"
	expect_eq "list -j: top-level type" "$("$JSONQ" -t . <"$T/list.json")" array ||
		return
	_n=$("$JSONQ" -l . <"$T/list.json")
	_sys=$(sys_groups)
	expect_eq "list -j: number of groups" "$_n" "$(echo "$_sys" | grep -c .)" || return
	# ordered by group id: same sequence as sysfs sorted numerically
	_ids=$(i=0; while [ $i -lt "$_n" ]; do "$JSONQ" ".[$i].group" <"$T/list.json"
		i=$((i + 1)); done)
	expect_eq "list -j: group ids in order" "$(echo $_ids)" "$(echo $_sys)" || return
	i=0
	while [ $i -lt "$_n" ]; do
		check_group_json "$T/list.json" ".[$i]" || return
		i=$((i + 1))
	done
}

t_show_json() {
	cmd_ok "iogroup list -j" "$IOGROUP" list -j || return
	cp "$CMD_OUT" "$T/list.json"
	_n=$("$JSONQ" -l . <"$T/list.json")
	[ "$_n" -gt 0 ] || { fail "empty list"; return; }
	i=0
	while [ $i -lt "$_n" ]; do
		_g=$("$JSONQ" ".[$i].group" <"$T/list.json")
		cmd_ok "iogroup show -j $_g" "$IOGROUP" show -j "$_g" || return
		cp "$CMD_OUT" "$T/show.json"
		expect_eq "show -j $_g: type" "$("$JSONQ" -t . <"$T/show.json")" object ||
			return
		check_group_json "$T/show.json" "" || return
		# same object as the list's entry
		expect_eq "show -j $_g vs list -j entry" \
			"$("$JSONQ" -c . <"$T/show.json")" \
			"$("$JSONQ" -c ".[$i]" <"$T/list.json")" || return
		i=$((i + 1))
	done
	# by device name: the group of sysfs' iommu_group link
	for d in /sys/bus/pci/devices/*; do
		_dev=${d##*/}
		[ -e "$d/iommu_group" ] || continue
		cmd_ok "iogroup show -j $_dev" "$IOGROUP" show -j "$_dev" || return
		expect_eq "show -j $_dev: group" "$("$JSONQ" .group <"$CMD_OUT")" \
			"$(sys_group_of "$_dev")"
	done
}

t_usage_errors() {
	cmd_fail "unknown command" 2 "$IOGROUP" frobnicate && expect_msg "unknown command"
	cmd_fail "unknown option" 2 "$IOGROUP" --no-such-option && expect_msg "unknown option"
	cmd_fail "unknown option of list" 2 "$IOGROUP" list --no-such-option &&
		expect_msg "unknown option of list"
	cmd_fail "show without argument" 2 "$IOGROUP" show && expect_msg "show without argument"
	cmd_fail "show with 2 arguments" 2 "$IOGROUP" show 1 2 &&
		expect_msg "show with 2 arguments"
}

t_show_missing() {
	_g=99999
	[ -d "/sys/kernel/iommu_groups/$_g" ] && { skip "group $_g exists"; return; }
	cmd_fail "show $_g" 1 "$IOGROUP" show "$_g" && expect_msg "show $_g"
	cmd_fail "show -j $_g" 1 "$IOGROUP" show -j "$_g" && expect_msg "show -j $_g"
	[ -s "$CMD_OUT" ] && [ "$("$JSONQ" -t . <"$CMD_OUT" 2>/dev/null)" = object ] &&
		fail "show -j $_g printed a group"
	cmd_fail "show nosuchdevice" 1 "$IOGROUP" show nosuchdevice &&
		expect_msg "show nosuchdevice"
}

t_check_clean() {
	cmd_ok "iogroup check" "$IOGROUP" check
	cmd_ok "iogroup check -j" "$IOGROUP" check -j || return
	cp "$CMD_OUT" "$T/check.json"
	expect_eq "check -j: ok" "$("$JSONQ" .ok <"$T/check.json")" true
	expect_eq "check -j: groups_checked" "$("$JSONQ" .groups_checked <"$T/check.json")" \
		"$(sys_groups | grep -c .)"
	expect_eq "check -j: drift entries" "$("$JSONQ" -l .drift <"$T/check.json")" 0
}

t_stats_json() {
	cmd_ok "iogroup stats -j" "$IOGROUP" stats -j || return
	cp "$CMD_OUT" "$T/stats.json"
	for k in probe_hits probe_bound probe_failed release_hits claim_hits \
		 unclaim_hits probe_missed kprobe_missed events_sent events_dropped \
		 resyncs drift_checks drift_found drift_groups groups devices bytes; do
		expect_eq "stats -j: type of $k" "$("$JSONQ" -t ".$k" <"$T/stats.json")" int
	done
	expect_eq "stats -j: type of hooks" "$("$JSONQ" -t .hooks <"$T/stats.json")" string
	expect_eq "stats -j: groups" "$("$JSONQ" .groups <"$T/stats.json")" \
		"$(sys_groups | grep -c .)"
	expect_eq "stats -j: devices" "$("$JSONQ" .devices <"$T/stats.json")" "$(sys_ndevs)"
	expect_eq "stats -j: drift_groups" "$("$JSONQ" .drift_groups <"$T/stats.json")" 0
	_hits=$("$JSONQ" .probe_hits <"$T/stats.json")
	_bound=$("$JSONQ" .probe_bound <"$T/stats.json")
	_failed=$("$JSONQ" .probe_failed <"$T/stats.json")
	[ "$((_bound + _failed))" -le "$_hits" ] ||
		fail "probe_bound $_bound + probe_failed $_failed > probe_hits $_hits"
}

t_unprivileged() {
	[ "$(id -u)" = 0 ] || { skip "not root"; return; }
	cmd_ok "asuser $UNPRIV_UID iogroup list -j" \
		"$ASUSER" $UNPRIV_UID "$IOGROUP" list -j || return
	expect_eq "list -j as uid $UNPRIV_UID: groups" "$("$JSONQ" -l . <"$CMD_OUT")" \
		"$(sys_groups | grep -c .)"
	cmd_ok "asuser $UNPRIV_UID iogroup stats -j" \
		"$ASUSER" $UNPRIV_UID "$IOGROUP" stats -j || return
	expect_eq "stats -j as uid $UNPRIV_UID: probe_hits type" \
		"$("$JSONQ" -t .probe_hits <"$CMD_OUT")" int
	_g=$(sys_groups | head -n 1)
	cmd_ok "asuser $UNPRIV_UID iogroup show $_g" \
		"$ASUSER" $UNPRIV_UID "$IOGROUP" show -j "$_g" || return
	expect_eq "show -j $_g as uid $UNPRIV_UID" "$("$JSONQ" .group <"$CMD_OUT")" "$_g"
}

# wait_subscribed PID: until PID has a netlink socket in a multicast group
# (/proc/net/netlink: Eth 16, Pid's low 22 bits = the pid, Groups != 0).
# Groups only shows ids below 32: give up after 3 s and go on.
wait_subscribed() {
	_i=0
	while [ $_i -lt 30 ]; do
		kill -0 "$1" 2>/dev/null || return 1
		awk -v p="$1" 'NR > 1 && $2 == 16 && and($3, 4194303) == p &&
			$4 != "00000000" { f = 1 } END { exit !f }' /proc/net/netlink &&
			return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	ktap_diag "could not see the watcher's subscription in /proc/net/netlink"
	return 0
}

# wait_event FILE EVENT DEVICE: the first line of FILE with both strings,
# within EVENT_TIMEOUT seconds; printed on stdout.
wait_event() {
	_i=0
	while [ $_i -lt $((EVENT_TIMEOUT * 10)) ]; do
		_l=$(grep -F "\"$2\"" "$1" | grep -F "\"$3\"" | head -n 1)
		[ -n "$_l" ] && { echo "$_l"; return 0; }
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# expect_event EVENT DEV DRIVER GROUP: watch -j printed EVENT for DEV
# (wait_event) with that driver and group; the line in $T/ev.json.
expect_event() {
	if ! _l=$(wait_event "$T/watch.out" "$1" "$2"); then
		fail "no $1 line for $2 within ${EVENT_TIMEOUT}s"
		return 1
	fi
	echo "$_l" >"$T/ev.json"
	_w=${1#device-}
	expect_eq "$_w: event" "$("$JSONQ" .event <"$T/ev.json")" "$1"
	expect_eq "$_w: device" "$("$JSONQ" .device <"$T/ev.json")" "$2"
	expect_eq "$_w: driver" "$("$JSONQ" .driver <"$T/ev.json")" "$3"
	expect_eq "$_w: group" "$("$JSONQ" .group <"$T/ev.json")" "$4"
	return 0
}

start_watch() {
	: >"$T/watch.out"
	"$IOGROUP" watch -j >"$T/watch.out" 2>"$T/watch.err" &
	WATCH_PID=$!
	wait_subscribed "$WATCH_PID" || {
		fail "iogroup watch -j exited early: $(cat "$T/watch.err")"
		WATCH_PID=
		return 1
	}
}

stop_watch() {
	if [ -n "$WATCH_PID" ]; then
		kill "$WATCH_PID" 2>/dev/null
		wait "$WATCH_PID" 2>/dev/null
	fi
	WATCH_PID=
	[ -s "$T/watch.out" ] && sed 's/^/# watch: /' "$T/watch.out"
	[ -s "$T/watch.err" ] && sed 's/^/# watch stderr: /' "$T/watch.err"
	# every line is JSON with an event name and a seq, seq increasing
	if [ -s "$T/watch.out" ]; then
		"$JSONQ" -t .event <"$T/watch.out" >"$T/watch.types" ||
			{ fail "watch -j output is not a JSON stream"; return; }
		grep -qv '^string$' "$T/watch.types" && fail "watch -j: a line without event"
		"$JSONQ" .seq <"$T/watch.out" |
			awk 'NR > 1 && $1 + 0 <= last + 0 { bad = 1 } { last = $1 }
			     END { exit bad }' ||
			fail "watch -j: seq not strictly increasing"
	fi
}

# watch -j sees an unbind and a bind of the NIC.
t_watch_bind_unbind() {
	_nic=$(find_nic) || { skip "no e1000e NIC bound to e1000e"; return; }
	_grp=$(sys_group_of "$_nic")
	ktap_diag "NIC $_nic, group $_grp"
	start_watch || return
	RESTORE_NIC=$_nic
	echo "$_nic" >/sys/bus/pci/drivers/e1000e/unbind ||
		{ fail "unbind $_nic failed"; stop_watch; return; }
	[ -e "/sys/bus/pci/devices/$_nic/driver" ] && fail "$_nic still bound"
	if expect_event device-unbound "$_nic" e1000e "$_grp"; then
		expect_eq "unbound: seq type" "$("$JSONQ" -t .seq <"$T/ev.json")" int
	fi
	# the CLI shows the device unbound (ground truth: sysfs)
	if cmd_ok "show -j $_nic after unbind" "$IOGROUP" show -j "$_nic"; then
		cp "$CMD_OUT" "$T/show.json"
		check_group_json "$T/show.json" ""
	fi
	echo "$_nic" >/sys/bus/pci/drivers/e1000e/bind ||
		{ fail "bind $_nic failed"; stop_watch; return; }
	expect_eq "sysfs driver of $_nic" "$(sys_driver "$_nic")" e1000e
	expect_event device-bound "$_nic" e1000e "$_grp"
	stop_watch
	RESTORE_NIC=
	if cmd_ok "show -j $_nic after bind" "$IOGROUP" show -j "$_nic"; then
		cp "$CMD_OUT" "$T/show.json"
		check_group_json "$T/show.json" ""
	fi
}

# A failed probe shows in watch -j and in show -j's last_error, with the
# errno the sysfs write failed with.
t_bind_failed() {
	modprobe virtio_pci 2>/dev/null
	[ -w /sys/bus/pci/drivers/virtio-pci/bind ] || { skip "no virtio-pci driver"; return; }
	_edu=$(find_unbound_edu) || { skip "no unbound edu device"; return; }
	_grp=$(sys_group_of "$_edu")
	ktap_diag "edu $_edu, group $_grp"
	start_watch || return
	RESTORE_OVERRIDE=$_edu
	echo virtio-pci >"/sys/bus/pci/devices/$_edu/driver_override" ||
		{ fail "cannot set driver_override"; stop_watch; return; }
	_werr=$("$SYSFSWRITE" /sys/bus/pci/drivers/virtio-pci/bind "$_edu")
	_rc=$?
	echo >"/sys/bus/pci/devices/$_edu/driver_override"
	RESTORE_OVERRIDE=
	if [ $_rc -ne 1 ]; then
		fail "binding virtio-pci to $_edu: sysfswrite exit $_rc (want a failed write)"
		stop_watch
		return
	fi
	_errno=${_werr% *}
	_ename=${_werr#* }
	ktap_diag "bind write failed with $_errno $_ename"
	expect_eq "sysfs driver of $_edu" "$(sys_driver "$_edu")" null
	if _l=$(wait_event "$T/watch.out" bind-failed "$_edu"); then
		echo "$_l" >"$T/ev.json"
		expect_eq "bind-failed: errno" "$("$JSONQ" .errno <"$T/ev.json")" "$_errno"
		expect_eq "bind-failed: errno_name" "$("$JSONQ" .errno_name <"$T/ev.json")" \
			"$_ename"
		expect_eq "bind-failed: driver" "$("$JSONQ" .driver <"$T/ev.json")" virtio-pci
		expect_eq "bind-failed: group" "$("$JSONQ" .group <"$T/ev.json")" "$_grp"
	else
		fail "no bind-failed line for $_edu within ${EVENT_TIMEOUT}s"
	fi
	stop_watch
	cmd_ok "show -j $_edu" "$IOGROUP" show -j "$_edu" || return
	cp "$CMD_OUT" "$T/show.json"
	_i=0
	_n=$("$JSONQ" -l .devices <"$T/show.json")
	while [ $_i -lt "$_n" ]; do
		[ "$("$JSONQ" ".devices[$_i].name" <"$T/show.json")" = "$_edu" ] && break
		_i=$((_i + 1))
	done
	[ $_i -lt "$_n" ] || { fail "$_edu not in show -j $_edu"; return; }
	_le=".devices[$_i].last_error"
	expect_eq "last_error.errno" "$("$JSONQ" "$_le.errno" <"$T/show.json")" "$_errno"
	expect_eq "last_error.name" "$("$JSONQ" "$_le.name" <"$T/show.json")" "$_ename"
	expect_eq "last_error.driver" "$("$JSONQ" "$_le.driver" <"$T/show.json")" virtio-pci
	expect_eq "driver of $_edu" "$("$JSONQ" ".devices[$_i].driver" <"$T/show.json")" null
}

# stats follow a bind: probe_hits and events_sent grow.
t_stats_follow() {
	_nic=$(find_nic) || { skip "no e1000e NIC bound to e1000e"; return; }
	cmd_ok "stats -j before" "$IOGROUP" stats -j || return
	_h0=$("$JSONQ" .probe_hits <"$CMD_OUT")
	_e0=$("$JSONQ" .events_sent <"$CMD_OUT")
	start_watch || return
	RESTORE_NIC=$_nic
	echo "$_nic" >/sys/bus/pci/drivers/e1000e/unbind || fail "unbind failed"
	echo "$_nic" >/sys/bus/pci/drivers/e1000e/bind || fail "bind failed"
	wait_event "$T/watch.out" device-bound "$_nic" >/dev/null ||
		fail "no device-bound line for $_nic"
	stop_watch
	RESTORE_NIC=
	cmd_ok "stats -j after" "$IOGROUP" stats -j || return
	_h1=$("$JSONQ" .probe_hits <"$CMD_OUT")
	_e1=$("$JSONQ" .events_sent <"$CMD_OUT")
	[ "$_h1" -gt "$_h0" ] || fail "probe_hits $_h0 -> $_h1 after a bind"
	[ "$_e1" -ge "$((_e0 + 2))" ] || fail "events_sent $_e0 -> $_e1 after 2 events"
}

# free_group: a group whose devices are all unbound, none a bridge.
free_group() {
	for _fg in $(sys_groups); do
		_ok=1
		for _fd in $(sys_group_devs "$_fg"); do
			[ -e "/sys/bus/pci/devices/$_fd/driver" ] && _ok=0
			[ "$(sys_bridge "$_fd")" = true ] && _ok=0
		done
		[ $_ok = 1 ] && { echo "$_fg"; return 0; }
	done
	return 1
}

# claim / release of a group nobody uses; errors; root only.
t_claim_release() {
	_g=$(free_group) || { skip "no group without drivers"; return; }
	ktap_diag "group $_g"
	cmd_fail "claim $_g --restore (without --unbind)" 2 "$IOGROUP" claim "$_g" --restore &&
		expect_msg "claim --restore"
	cmd_fail "release $_g (not claimed)" 1 "$IOGROUP" release "$_g" &&
		expect_msg "release of an unclaimed group"
	cmd_ok "claim -j $_g" "$IOGROUP" claim -j "$_g" || return
	expect_eq "claim -j: group" "$("$JSONQ" .group <"$CMD_OUT")" "$_g"
	expect_eq "claim -j: claimed" "$("$JSONQ" .claimed <"$CMD_OUT")" true
	expect_eq "claim -j: persistent" "$("$JSONQ" .persistent <"$CMD_OUT")" true
	if cmd_ok "show -j $_g (claimed)" "$IOGROUP" show -j "$_g"; then
		expect_eq "claimed: owner.kind" "$("$JSONQ" .owner.kind <"$CMD_OUT")" iogroup
		expect_eq "claimed: owner.persistent" \
			"$("$JSONQ" .owner.persistent <"$CMD_OUT")" true
		expect_eq "claimed: kernel_users" "$("$JSONQ" .kernel_users <"$CMD_OUT")" 0
		case $("$JSONQ" .domain <"$CMD_OUT") in
		blocked|unmanaged) ;;
		*) fail "claimed: domain '$("$JSONQ" .domain <"$CMD_OUT")', want blocked/unmanaged" ;;
		esac
	fi
	cmd_fail "claim $_g twice" 1 "$IOGROUP" claim "$_g" && expect_msg "second claim"
	if [ "$(id -u)" = 0 ]; then
		cmd_fail "release $_g as uid $UNPRIV_UID" 1 \
			"$ASUSER" $UNPRIV_UID "$IOGROUP" release "$_g" &&
			expect_msg "unprivileged release"
	fi
	cmd_ok "release -j $_g" "$IOGROUP" release -j "$_g" || return
	expect_eq "release -j: released" "$("$JSONQ" .released <"$CMD_OUT")" true
	if cmd_ok "show -j $_g (released)" "$IOGROUP" show -j "$_g"; then
		cp "$CMD_OUT" "$T/show.json"
		check_group_json "$T/show.json" ""
	fi
	cmd_fail "release $_g twice" 1 "$IOGROUP" release "$_g" && expect_msg "second release"
}

# claim --unbind --restore -- COMMAND: inside COMMAND the NIC is unbound
# and e1000e can't bind; iogroup exits with COMMAND's status; afterwards
# e1000e is back.
t_claim_command() {
	_nic=$(find_nic) || { skip "no e1000e NIC bound to e1000e"; return; }
	_g=$(sys_group_of "$_nic")
	RESTORE_NIC=$_nic
	_d=/sys/bus/pci/devices/$_nic
	cmd_fail "claim $_g --unbind --restore -- COMMAND" 7 \
		"$IOGROUP" claim "$_g" --unbind --restore -- sh -c "
			[ -e $_d/driver ] && exit 10
			echo $_nic >/sys/bus/pci/drivers/e1000e/bind 2>/dev/null && exit 11
			[ -e $_d/driver ] && exit 12
			exit 7"
	case $CMD_RC in
	10) fail "inside the claim $_nic was still bound" ;;
	11|12) fail "inside the claim e1000e could bind to $_nic" ;;
	esac
	wait_driver "$_nic" e1000e ||
		fail "after the claim: $_nic bound to '$(sys_driver "$_nic")', want e1000e"
	RESTORE_NIC=
	if cmd_ok "show -j $_g after the claim" "$IOGROUP" show -j "$_g"; then
		cp "$CMD_OUT" "$T/show.json"
		check_group_json "$T/show.json" ""
	fi
}

# A claim that belongs to a running iogroup dies with it (SIGKILL).
t_claim_sigkill() {
	_g=$(free_group) || { skip "no group without drivers"; return; }
	cmd_fail "claim $_g -- kill -9 iogroup" 137 \
		"$IOGROUP" claim "$_g" -- sh -c 'kill -9 $PPID; sleep 3'
	poll 300 owner_is "$_g" none ||
		fail "group $_g still owned by '$(owner_kind "$_g")' after iogroup was killed"
}

# detach hands a multi-device group to vfio-pci (sysfs, /dev/vfio), and
# reattach gives it back to the host drivers.
t_detach_reattach() {
	_g=
	for _cg in $(sys_groups); do
		[ "$(sys_group_devs "$_cg" | grep -c .)" -ge 2 ] || continue
		for _cd in $(sys_group_devs "$_cg"); do
			[ "$(sys_bridge "$_cd")" = true ] && _g=$_cg
		done
		[ -n "$_g" ] && break
	done
	[ -n "$_g" ] || { skip "no multi-device group with a bridge"; return; }
	[ -d /sys/bus/pci/drivers/vfio-pci ] || modprobe vfio-pci 2>/dev/null
	_before=
	for _cd in $(sys_group_devs "$_g"); do
		_before="$_before $_cd=$(sys_driver "$_cd")"
	done
	ktap_diag "group $_g:$_before"
	cmd_ok "detach -j $_g" "$IOGROUP" detach -j "$_g" || return
	expect_eq "detach -j: driver" "$("$JSONQ" .driver <"$CMD_OUT")" vfio-pci
	expect_eq "detach -j: viable" "$("$JSONQ" .viable <"$CMD_OUT")" true
	for _cd in $(sys_group_devs "$_g"); do
		[ "$(sys_bridge "$_cd")" = true ] && continue
		expect_eq "after detach: driver of $_cd" "$(sys_driver "$_cd")" vfio-pci
	done
	[ -c "/dev/vfio/$_g" ] || fail "no /dev/vfio/$_g after detach"
	if cmd_ok "show -j $_g (detached)" "$IOGROUP" show -j "$_g"; then
		cp "$CMD_OUT" "$T/show.json"
		check_group_json "$T/show.json" ""
		expect_eq "detached: viable" "$("$JSONQ" .viable <"$T/show.json")" true
	fi
	cmd_ok "reattach -j $_g" "$IOGROUP" reattach -j "$_g"
	for _b in $_before; do
		_cd=${_b%%=*}
		_drv=${_b#*=}
		wait_driver "$_cd" "$_drv" ||
			fail "after reattach: $_cd bound to '$(sys_driver "$_cd")', was '$_drv'"
		expect_eq "driver_override of $_cd" \
			"$(cat "/sys/bus/pci/devices/$_cd/driver_override")" "(null)"
	done
	if cmd_ok "show -j $_g (reattached)" "$IOGROUP" show -j "$_g"; then
		cp "$CMD_OUT" "$T/show.json"
		check_group_json "$T/show.json" ""
	fi
}

# The bash completion offers this system's groups and devices, as sysfs
# lists them, and follows a prefix.
t_completion_live() {
	_comp=$HERE/completion-iogroup
	[ -x /bin/bash ] || { skip "no bash in this system"; return; }
	[ -r "$_comp" ] || { fail "$_comp missing"; return; }
	{
		ls /sys/kernel/iommu_groups
		ls /sys/kernel/iommu_groups/*/devices
	} | grep -v -e '^$' -e ':$' | sort >"$T/comp.want"
	[ -s "$T/comp.want" ] || { fail "no IOMMU groups in sysfs"; return; }
	# complete CMD WORD: the completions of "iogroup CMD WORD", sorted
	cat >"$T/comp.bash" <<-'EOS'
		. "$1"
		COMP_WORDS=(iogroup "$2" "$3")
		COMP_CWORD=2
		COMP_LINE="iogroup $2 $3"
		COMP_POINT=${#COMP_LINE}
		_iogroup iogroup "$3" "$2"
		printf '%s\n' "${COMPREPLY[@]}" | sort
	EOS
	for _c in show claim release detach reattach; do
		/bin/bash "$T/comp.bash" "$_comp" "$_c" "" >"$T/comp.got" ||
			{ fail "bash completion of 'iogroup $_c ' failed"; return; }
		cmp -s "$T/comp.want" "$T/comp.got" ||
			fail "'iogroup $_c ': completion offers $(wc -l <"$T/comp.got") words, sysfs lists $(wc -l <"$T/comp.want"): $(diff "$T/comp.want" "$T/comp.got" | grep '^[<>]' | head -n 4 | tr '\n' ' ')"
	done
	# a device's bus prefix: exactly the devices that start with it
	_dev=$(grep : "$T/comp.want" | head -n 1)
	_pre=$(echo "$_dev" | cut -c1-9)
	grep "^$_pre" "$T/comp.want" >"$T/comp.want2"
	/bin/bash "$T/comp.bash" "$_comp" show "$_pre" >"$T/comp.got2"
	cmp -s "$T/comp.want2" "$T/comp.got2" ||
		fail "'iogroup show $_pre': got $(tr '\n' ' ' <"$T/comp.got2"), want $(tr '\n' ' ' <"$T/comp.want2")"
	ktap_diag "completion: $(wc -l <"$T/comp.want") groups and devices; '$_pre' gives $(wc -l <"$T/comp.got2")"
}

# check stays clean after all that.
t_check_after() {
	cmd_ok "iogroup check after the tests" "$IOGROUP" check
	cmd_ok "iogroup list -j" "$IOGROUP" list -j || return
	cp "$CMD_OUT" "$T/list.json"
	_n=$("$JSONQ" -l . <"$T/list.json")
	i=0
	while [ $i -lt "$_n" ]; do
		check_group_json "$T/list.json" ".[$i]" || return
		i=$((i + 1))
	done
}

ktap_run "version and help without the module" t_version_help
ktap_run "module autoload by iogroup list" t_autoload
[ -e /sys/module/iogroup ] || modprobe iogroup
ktap_run "list -j matches sysfs" t_list_json
ktap_run "show -j matches sysfs and list" t_show_json
ktap_run "usage errors exit 2" t_usage_errors
ktap_run "show of a missing group or device exits 1" t_show_missing
ktap_run "check on a clean system" t_check_clean
ktap_run "stats -j" t_stats_json
ktap_run "unprivileged queries" t_unprivileged
ktap_run "watch -j sees unbind and bind" t_watch_bind_unbind
ktap_run "failed probe reported with its errno" t_bind_failed
ktap_run "stats follow a bind" t_stats_follow
ktap_run "claim and release" t_claim_release
ktap_run "claim --unbind --restore -- COMMAND" t_claim_command
ktap_run "claim -- COMMAND dies with iogroup" t_claim_sigkill
ktap_run "detach and reattach a multi-device group" t_detach_reattach
ktap_run "bash completion offers the live groups and devices" t_completion_live
ktap_run "check and list after the tests" t_check_after
ktap_finish
