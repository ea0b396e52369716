#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# metrics.sh: `iogroup metrics` (Prometheus text format) against ground
# truth (busybox sh, run as root in the test VM): the groups, their devices
# and drivers, kernel users, viability, owner and domain against
# /sys/kernel/iommu_groups and /sys/bus/pci; an unbind done through sysfs
# and a claim whose veto the kernel enforces (a refused bind) show up in
# the metrics; --output writes the file atomically and leaves it alone on
# failure.
#
# Helpers next to this script: lib.sh, ktap.sh, asuser, sysfswrite.

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
NO_DRIVER=		# sys_driver: "" without a driver, as the driver label
CLAIMED=
RESTORE_NIC=

NTESTS=7
ktap_plan $NTESTS
need_cli $NTESTS "metrics test"
ktap_diag "CLI: $IOGROUP"

cleanup() {
	[ -n "$CLAIMED" ] && "$IOGROUP" release "$CLAIMED" >/dev/null 2>&1
	if [ -n "$RESTORE_NIC" ] && [ ! -e "$PCI/$RESTORE_NIC/driver" ]; then
		echo "$RESTORE_NIC" >/sys/bus/pci/drivers/e1000e/bind 2>/dev/null
	fi
}
trap cleanup EXIT

# ------------------------------------------------------- metrics file ---

# metric FILE NAME LABELS: the value of the sample NAME{LABELS} (LABELS as
# written, e.g. 'group="5"'), empty if there is none.
metric() {
	grep -F "$2{$3} " "$1" | sed 's/.* //' | head -n 1
}

# label_of FILE NAME LABEL: LABEL's value in each sample of NAME, one a line.
label_of() {
	grep "^$2{" "$1" | sed -n "s/.*[{,]$3=\"\\([^\"]*\\)\".*/\\1/p"
}

# wellformed FILE: what the node exporter's parser insists on.
wellformed() {
	awk '
	/^# HELP / { if (help[$3]++) { print "second HELP for " $3; bad = 1 } next }
	/^# TYPE / {
		if (type[$3]) { print "second TYPE for " $3; bad = 1 }
		if ($4 != "gauge" && $4 != "counter") { print "bad type " $4; bad = 1 }
		type[$3] = $4; cur = $3; next
	}
	/^#/ { print "stray comment: " $0; bad = 1; next }
	{
		name = $0; sub(/[{ ].*/, "", name)
		if (name != cur) { print "sample of " name " outside its family"; bad = 1 }
		if (!help[name]) { print "no HELP for " name; bad = 1 }
		if ($NF !~ /^[0-9]+$/) { print "bad value: " $0; bad = 1 }
		if ($0 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? [0-9]+$/) {
			print "malformed sample: " $0; bad = 1
		}
		if (seen[$1]++) { print "duplicate series: " $1; bad = 1 }
	}
	END { exit bad }' "$1"
}

# ------------------------------------------------------------- tests ---

t_wellformed() {
	cmd_ok "iogroup metrics" "$IOGROUP" metrics || return
	cp "$CMD_OUT" "$T/m"
	wellformed "$T/m" >"$T/wf" || { fail "not well formed:"; ktap_diag "$(cat "$T/wf")"; }
	[ -s "$CMD_ERR" ] && fail "iogroup metrics wrote to stderr: $(head -n 1 "$CMD_ERR")"
	ktap_diag "$(grep -vc '^#' "$T/m") samples, $(grep -c '^# TYPE' "$T/m") families"
}

# Every group and device of sysfs, nothing else; drivers as sysfs says.
t_groups_devices() {
	cmd_ok "iogroup metrics" "$IOGROUP" metrics || return
	cp "$CMD_OUT" "$T/m"
	_sys=$(sys_groups)
	[ -n "$_sys" ] || { fail "no IOMMU groups in sysfs"; return; }
	expect_eq "groups of iogroup_group_info" \
		"$(echo $(label_of "$T/m" iogroup_group_info group | sort -n))" "$(echo $_sys)"
	expect_eq "iogroup_groups" "$(grep '^iogroup_groups ' "$T/m" | cut -d' ' -f2)" \
		"$(echo "$_sys" | grep -c .)"
	_ndev=0
	for g in $_sys; do
		_devs=$(sys_group_devs "$g")
		_n=$(echo "$_devs" | grep -c .)
		_ndev=$((_ndev + _n))
		expect_eq "group $g: iogroup_group_devices" \
			"$(metric "$T/m" iogroup_group_devices "group=\"$g\"")" "$_n"
		expect_eq "group $g: devices of iogroup_device_info" \
			"$(echo $(grep "^iogroup_device_info{group=\"$g\"," "$T/m" |
				sed 's/.*device="\([^"]*\)".*/\1/' | sort))" "$(echo $_devs)"
		for d in $_devs; do
			expect_eq "$d: iogroup_device_info driver" \
				"$(metric "$T/m" iogroup_device_info \
				   "group=\"$g\",device=\"$d\",driver=\"$(sys_driver "$d")\"")" 1
		done
	done
	expect_eq "iogroup_devices" "$(grep '^iogroup_devices ' "$T/m" | cut -d' ' -f2)" \
		"$_ndev"
}

# Owner, kernel users, viability, blocking devices and domain from sysfs.
t_ownership() {
	cmd_ok "iogroup metrics" "$IOGROUP" metrics || return
	cp "$CMD_OUT" "$T/m"
	for g in $(sys_groups); do
		_ku=0
		_viable=1
		for d in $(sys_group_devs "$g"); do
			_drv=$(sys_driver "$d")
			_blocks=0
			if [ -n "$_drv" ] && ! drv_manages_dma "$_drv"; then
				_ku=$((_ku + 1))
				[ "$(sys_bridge "$d")" = false ] && _blocks=1
			fi
			[ $_blocks = 1 ] && _viable=0
			expect_eq "$d: iogroup_device_blocks_viability (driver '$_drv')" \
				"$(metric "$T/m" iogroup_device_blocks_viability \
				   "group=\"$g\",device=\"$d\"")" "$_blocks"
		done
		expect_eq "group $g: iogroup_group_kernel_users" \
			"$(metric "$T/m" iogroup_group_kernel_users "group=\"$g\"")" "$_ku"
		expect_eq "group $g: iogroup_group_viable" \
			"$(metric "$T/m" iogroup_group_viable "group=\"$g\"")" "$_viable"
		_owner=none
		[ $_ku -gt 0 ] && _owner=kernel
		_line=$(grep "^iogroup_group_info{group=\"$g\"," "$T/m")
		case $_line in
		*"owner=\"$_owner\""*) ;;
		*) fail "group $g: expected owner=\"$_owner\": $_line" ;;
		esac
		_dom=$(tr 'A-Z' 'a-z' <"/sys/kernel/iommu_groups/$g/type" 2>/dev/null)
		if [ -n "$_dom" ] && [ "$_dom" != unknown ]; then
			case $_line in
			*"domain=\"$_dom\""*) ;;
			*) fail "group $g: sysfs type $_dom: $_line" ;;
			esac
		fi
		expect_eq "group $g: iogroup_group_claimed" \
			"$(metric "$T/m" iogroup_group_claimed "group=\"$g\"")" 0
		expect_eq "group $g: iogroup_group_drift" \
			"$(metric "$T/m" iogroup_group_drift "group=\"$g\"")" 0
	done
}

# An unbind through sysfs, then the bind back: the metrics follow.
t_unbind() {
	_nic=$(find_nic) || { skip "no e1000e NIC bound to e1000e"; return; }
	_g=$(sys_group_of "$_nic")
	RESTORE_NIC=$_nic
	echo "$_nic" >/sys/bus/pci/drivers/e1000e/unbind ||
		{ fail "unbind $_nic from e1000e"; return; }
	wait_driver "$_nic" "" || { fail "$_nic still on $(sys_driver "$_nic")"; return; }
	cmd_ok "iogroup metrics" "$IOGROUP" metrics || return
	expect_eq "$_nic unbound: iogroup_device_info driver=\"\"" \
		"$(metric "$CMD_OUT" iogroup_device_info "group=\"$_g\",device=\"$_nic\",driver=\"\"")" 1
	expect_eq "$_nic unbound: iogroup_group_kernel_users" \
		"$(metric "$CMD_OUT" iogroup_group_kernel_users "group=\"$_g\"")" 0
	echo "$_nic" >/sys/bus/pci/drivers/e1000e/bind ||
		{ fail "bind $_nic to e1000e"; return; }
	wait_driver "$_nic" e1000e || { fail "$_nic not back on e1000e"; return; }
	RESTORE_NIC=
	cmd_ok "iogroup metrics" "$IOGROUP" metrics || return
	expect_eq "$_nic bound: iogroup_device_info driver=\"e1000e\"" \
		"$(metric "$CMD_OUT" iogroup_device_info "group=\"$_g\",device=\"$_nic\",driver=\"e1000e\"")" 1
	expect_eq "$_nic bound: iogroup_group_kernel_users" \
		"$(metric "$CMD_OUT" iogroup_group_kernel_users "group=\"$_g\"")" 1
}

# A claim: the kernel refuses e1000e's bind (the veto), the metrics say
# claimed, owner iogroup, one claim held; after release, neither.
t_claim() {
	_nic=$(find_nic) || { skip "no e1000e NIC bound to e1000e"; return; }
	_g=$(sys_group_of "$_nic")
	RESTORE_NIC=$_nic
	cmd_ok "iogroup metrics" "$IOGROUP" metrics || return
	_taken=$(grep '^iogroup_claims_taken_total ' "$CMD_OUT" | cut -d' ' -f2)
	cmd_ok "claim $_g --unbind --restore --force" \
		"$IOGROUP" claim "$_g" --unbind --restore --force || return
	CLAIMED=$_g
	_r=$("$SYSFSWRITE" /sys/bus/pci/drivers/e1000e/bind "$_nic")
	expect_eq "bind e1000e in the claimed group (the kernel's veto)" "$_r" "16 EBUSY"
	cmd_ok "iogroup metrics (claimed)" "$IOGROUP" metrics || return
	cp "$CMD_OUT" "$T/m"
	expect_eq "claimed: iogroup_group_claimed" \
		"$(metric "$T/m" iogroup_group_claimed "group=\"$_g\"")" 1
	case $(grep "^iogroup_group_info{group=\"$_g\"," "$T/m") in
	*'owner="iogroup"'*) ;;
	*) fail "claimed: $(grep "^iogroup_group_info{group=\"$_g\"," "$T/m")" ;;
	esac
	expect_eq "claimed: $_nic driver" \
		"$(metric "$T/m" iogroup_device_info "group=\"$_g\",device=\"$_nic\",driver=\"\"")" 1
	expect_eq "claimed: iogroup_claims" "$(grep '^iogroup_claims ' "$T/m" | cut -d' ' -f2)" 1
	expect_eq "claimed: iogroup_claims_taken_total" \
		"$(grep '^iogroup_claims_taken_total ' "$T/m" | cut -d' ' -f2)" $((_taken + 1))
	grep -q "^iogroup_group_owner_pid{group=\"$_g\",owner=\"iogroup\"," "$T/m" ||
		fail "claimed: no iogroup_group_owner_pid for group $_g"
	cmd_ok "release $_g" "$IOGROUP" release "$_g" || return
	CLAIMED=
	wait_driver "$_nic" e1000e || fail "--restore: $_nic not back on e1000e"
	RESTORE_NIC=
	cmd_ok "iogroup metrics (released)" "$IOGROUP" metrics || return
	expect_eq "released: iogroup_group_claimed" \
		"$(metric "$CMD_OUT" iogroup_group_claimed "group=\"$_g\"")" 0
	expect_eq "released: iogroup_claims" \
		"$(grep '^iogroup_claims ' "$CMD_OUT" | cut -d' ' -f2)" 0
}

# --output: the file, world-readable, nothing else left in the directory;
# a failed write leaves the old file as it was.
t_output() {
	_d=$T/textfile
	mkdir -p "$_d"
	chmod 755 "$_d"
	cmd_ok "metrics --output" "$IOGROUP" metrics --output "$_d/iogroup.prom" || return
	[ -s "$CMD_OUT" ] && fail "metrics --output printed on stdout"
	[ -f "$_d/iogroup.prom" ] || { fail "no $_d/iogroup.prom"; return; }
	expect_eq "files in the directory" "$(ls -A "$_d")" iogroup.prom
	expect_eq "mode of the file" "$(stat -c %a "$_d/iogroup.prom")" 644
	wellformed "$_d/iogroup.prom" >"$T/wf" ||
		{ fail "--output file not well formed"; ktap_diag "$(cat "$T/wf")"; }
	cmd_ok "iogroup metrics" "$IOGROUP" metrics || return
	expect_eq "group lines of --output and stdout" \
		"$(grep '^iogroup_group_info' "$_d/iogroup.prom")" \
		"$(grep '^iogroup_group_info' "$CMD_OUT")"
	# unprivileged, in a directory it cannot write: exit 1, file intact
	cp "$_d/iogroup.prom" "$T/before"
	cmd_fail "metrics --output, no write permission" 1 \
		"$ASUSER" $UNPRIV_UID "$IOGROUP" metrics --output "$_d/iogroup.prom"
	grep -q '^iogroup: metrics: ' "$CMD_ERR" ||
		fail "stderr: '$(head -n 1 "$CMD_ERR")'"
	cmp -s "$T/before" "$_d/iogroup.prom" || fail "the failed write changed the file"
	expect_eq "files in the directory after the failure" "$(ls -A "$_d")" iogroup.prom
	cmd_fail "metrics --output into a missing directory" 1 \
		"$IOGROUP" metrics --output "$T/nonexistent/iogroup.prom"
	cmd_fail "metrics -j" 2 "$IOGROUP" metrics -j
}

# Reading is open to everyone: the same groups for uid 1000.
t_unprivileged() {
	cmd_ok "metrics as uid $UNPRIV_UID" "$ASUSER" $UNPRIV_UID "$IOGROUP" metrics || return
	expect_eq "groups seen by uid $UNPRIV_UID" \
		"$(echo $(label_of "$CMD_OUT" iogroup_group_info group | sort -n))" \
		"$(echo $(sys_groups))"
}

ktap_run "metrics: well-formed Prometheus text" t_wellformed
ktap_run "metrics: groups, devices and drivers equal sysfs" t_groups_devices
ktap_run "metrics: owner, kernel users, viability, domain from sysfs" t_ownership
ktap_run "metrics: an unbind and a bind through sysfs" t_unbind
ktap_run "metrics: a claim (kernel veto seen) and its release" t_claim
ktap_run "metrics: --output is atomic and survives a failed write" t_output
ktap_run "metrics: open to an unprivileged user" t_unprivileged
ktap_finish
