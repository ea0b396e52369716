#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ynl.sh: the kernel's own YNL CLI (tools/net/ynl/cli.py from linux-source,
# packed by ynl_pack.sh with the host's python3 and python3-yaml) drives the
# iogroup family from include/iogroup.yaml alone (busybox sh, root, in the
# test VM): its dump of every group is compared with sysfs and with
# `iogroup list -j` (ynl_check.py), a do by device name and stats-get with
# sysfs, and it receives the events of an unbind and a bind of the e1000e
# through --subscribe events.  Skips when the image has no python or YNL.
#
# Helpers next to this script: lib.sh, ktap.sh, jsonq, ynl/ (cli.py, lib/, iogroup.yaml,
# ynl_check.py, python).

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
Y=$HERE/ynl

. /usr/lib/iogroup-vm/topology.sh
topology_find

ktap_plan 4
PY=$(cat "$Y/python" 2>/dev/null)
if [ -z "$PY" ] || [ ! -x "$PY" ] || [ ! -f "$Y/cli.py" ] || [ -z "$IOGROUP" ]; then
	ktap_skip_all 4 ynl "no YNL or python in the image (tests/ynl_pack.sh)"
fi
[ -e /sys/module/iogroup ] || modprobe iogroup
export PYTHONDONTWRITEBYTECODE=1 PYTHONPYCACHEPREFIX=$Y/pycache

ynl() {
	"$PY" "$Y/cli.py" --spec "$Y/iogroup.yaml" --no-schema --output-json "$@"
}

cleanup() {
	[ -n "${YPID:-}" ] && kill "$YPID" 2>/dev/null
	[ -e "$PCI/$NIC/driver" ] || echo "$NIC" >/sys/bus/pci/drivers/e1000e/bind
} 2>/dev/null
trap cleanup EXIT

t_dump() {
	cmd_ok "cli.py --dump group-get" ynl --dump group-get || return
	cp "$CMD_OUT" "$T/ynl.json"
	cmd_ok "iogroup list -j" "$IOGROUP" list -j || return
	cp "$CMD_OUT" "$T/cli.json"
	cmd_ok "ynl_check.py dump" "$PY" "$Y/ynl_check.py" dump "$T/ynl.json" "$T/cli.json"
	sed 's/^/# /' "$CMD_OUT"
}

t_do() {
	cmd_ok "cli.py --do group-get device-name $NIC" \
		ynl --do group-get --json "{\"device-name\": \"$NIC\"}" || return
	expect_eq "id" "$("$JSONQ" .id <"$CMD_OUT")" "$(pci_group "$NIC")"
	expect_eq "driver" "$("$JSONQ" '.device[0].driver' <"$CMD_OUT")" \
		"$(pci_driver "$NIC")"
	expect_eq "name" "$("$JSONQ" '.device[0].name' <"$CMD_OUT")" "$NIC"
}

t_stats() {
	cmd_ok "cli.py --do stats-get" ynl --do stats-get || return
	expect_eq "groups" "$("$JSONQ" .groups <"$CMD_OUT")" \
		"$(ls /sys/kernel/iommu_groups | wc -l)"
	expect_eq "devices" "$("$JSONQ" .devices <"$CMD_OUT")" \
		"$(ls -d /sys/kernel/iommu_groups/*/devices/* | wc -l)"
}

t_events() {
	[ "$(pci_driver "$NIC")" = e1000e ] || { fail "$NIC not on e1000e"; return; }
	# cli.py subscribes, sleeps 6 s, then prints what it received.  Unbind
	# and bind the NIC until it exits: the toggles after it subscribed
	# reach it whatever its start-up time.
	ynl --subscribe events --sleep 6 >"$T/ev.json" 2>"$T/ev.err" &
	YPID=$!
	n=0
	while kill -0 "$YPID" 2>/dev/null; do
		echo "$NIC" >/sys/bus/pci/drivers/e1000e/unbind
		echo "$NIC" >/sys/bus/pci/drivers/e1000e/bind
		n=$((n + 1))
		sleep 1
	done
	wait "$YPID"
	rc=$?
	YPID=
	ktap_diag "$n unbind/bind rounds"
	expect_eq "cli.py --subscribe exit status" "$rc" 0
	[ -s "$T/ev.err" ] && sed 's/^/# stderr: /' "$T/ev.err"
	cmd_ok "ynl_check.py events" "$PY" "$Y/ynl_check.py" events "$T/ev.json" "$NIC"
	sed 's/^/# /' "$CMD_OUT"
	expect_eq "$NIC driver" "$(pci_driver "$NIC")" e1000e
}

ktap_diag "start $(cut -d' ' -f1 /proc/uptime)"
ktap_run "ynl cli.py dump equals sysfs and iogroup list -j" t_dump
ktap_diag "uptime $(cut -d' ' -f1 /proc/uptime)"
ktap_run "ynl cli.py do group-get by device name" t_do
ktap_diag "uptime $(cut -d' ' -f1 /proc/uptime)"
ktap_run "ynl cli.py do stats-get" t_stats
ktap_diag "uptime $(cut -d' ' -f1 /proc/uptime)"
ktap_run "ynl cli.py --subscribe events: unbind and bind" t_events
ktap_finish
