#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# list_agree.sh: the three listings `make bench` times give the same facts
# (group -> devices -> driver -> domain type) on this VM:
#   - `iogroup list -j` (converted with ./jsonq),
#   - bench/sysfs_walk, the C program reading sysfs,
#   - bench/shell_loop.sh, the loop of the passthrough guides,
# and both sysfs readers agree with busybox's own view of sysfs.  No
# timing: tests/vm/run.sh --bench measures them.

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

ktap_plan 4

# iogroup list -j as "GROUP<TAB>TYPE<TAB>DEVICE<TAB>DRIVER" lines; TYPE is
# the default domain (what sysfs's type file shows), "-" where sysfs has no
# type file (before v5.11).
iogroup_lines() {
	"$IOGROUP" list -j >"$T/list.json" || return 1
	n=$("$JSONQ" -l . <"$T/list.json")
	i=0
	while [ "$i" -lt "$n" ]; do
		set -- $("$JSONQ" ".[$i].group" ".[$i].default_domain" \
			".[$i].domain" ".[$i].devices" <"$T/list.json" | head -n 3)
		g=$1 dd=$2 cur=$3
		[ "$dd" = null ] && dd=$cur
		[ -e "/sys/kernel/iommu_groups/$g/type" ] || dd=-
		"$JSONQ" -c ".[$i].devices" <"$T/list.json" >"$T/devs.json"
		nd=$("$JSONQ" -l . <"$T/devs.json")
		j=0
		while [ "$j" -lt "$nd" ]; do
			set -- $("$JSONQ" ".[$j].name" ".[$j].driver" <"$T/devs.json")
			drv=$2
			[ "$drv" = null ] && drv=-
			printf '%s\t%s\t%s\t%s\n' "$g" "$dd" "$1" "$drv"
			j=$((j + 1))
		done
		i=$((i + 1))
	done
}

# busybox's view: ls and readlink, one device at a time
busybox_lines() {
	for g in $(ls /sys/kernel/iommu_groups); do
		t=-
		[ -e "/sys/kernel/iommu_groups/$g/type" ] &&
			t=$(tr 'A-Z' 'a-z' <"/sys/kernel/iommu_groups/$g/type")
		for d in $(ls "/sys/kernel/iommu_groups/$g/devices"); do
			l=/sys/kernel/iommu_groups/$g/devices/$d/driver
			drv=-
			[ -e "$l" ] && drv=$(basename "$(readlink "$l")")
			printf '%s\t%s\t%s\t%s\n' "$g" "$t" "$d" "$drv"
		done
	done
}

t_same() {	# t_same NAME FILE: FILE equals busybox's view
	if [ ! -s "$2" ]; then
		fail "$1 printed nothing"
		return
	fi
	if ! diff -u "$T/busybox.txt" "$2" >"$T/diff.txt"; then
		sed 's/^/# /' "$T/diff.txt"
		fail "$1 differs from sysfs (busybox ls/readlink)"
	fi
}

t_walk() { "$HERE/bench/sysfs_walk" | sort >"$T/walk.txt" || fail "sysfs_walk failed"; t_same sysfs_walk "$T/walk.txt"; }
t_shell() { "$HERE/bench/shell_loop.sh" | sort >"$T/shell.txt" || fail "shell_loop.sh failed"; t_same shell_loop "$T/shell.txt"; }
t_iogroup() {
	[ -n "$IOGROUP" ] || { skip "no iogroup CLI"; return; }
	iogroup_lines | sort >"$T/iogroup.txt" || { fail "iogroup list -j failed"; return; }
	t_same "iogroup list -j" "$T/iogroup.txt"
}
t_nonempty() {
	busybox_lines | sort >"$T/busybox.txt"
	[ "$(wc -l <"$T/busybox.txt")" -ge 2 ] || fail "fewer than 2 devices in IOMMU groups"
	grep -qv '	-$' "$T/busybox.txt" || fail "no device with a driver: the comparison would be weak"
	sed 's/^/# /' "$T/busybox.txt"
}

ktap_run "list_agree.sysfs_ground_truth" t_nonempty
ktap_run "list_agree.sysfs_walk" t_walk
ktap_run "list_agree.shell_loop" t_shell
ktap_run "list_agree.iogroup_list" t_iogroup
ktap_finish
