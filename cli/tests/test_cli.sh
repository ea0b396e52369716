#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Host-side checks of the CLI that need no kernel module: usage errors,
# exit codes, help and version.  Usage: test_cli.sh ./iogroup
IOGROUP=${1:-./iogroup}
fail=0
OUT=$(mktemp) && ERR=$(mktemp) || exit 1
trap 'rm -f "$OUT" "$ERR"' EXIT

# expect RC ARGS...: run iogroup, compare the exit code.
expect() {
	want=$1; shift
	"$IOGROUP" "$@" >"$OUT" 2>"$ERR"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: iogroup $*: exit $rc, want $want"
		sed 's/^/  | /' "$ERR"
		fail=1
	fi
}
# stderr/stdout must contain a string
err_has() {
	grep -qF -- "$1" "$ERR" || { echo "FAIL: stderr lacks '$1'"; fail=1; }
}
out_has() {
	grep -qF -- "$1" "$OUT" || { echo "FAIL: stdout lacks '$1'"; fail=1; }
}

expect 0 --version;		out_has "iogroup "
expect 0 help;			out_has "usage: iogroup"
expect 0 --help
expect 0 -h
for c in list show watch stats check claim release detach reattach metrics apply help; do
	expect 0 help "$c";	out_has "usage: iogroup"
	expect 0 "$c" --help;	out_has "usage: iogroup"
done
expect 2;			err_has "usage: iogroup"
expect 2 frobnicate;		err_has "unknown command 'frobnicate'"
expect 2 help frobnicate
expect 2 --frob list;		err_has "unknown option '--frob'"
expect 2 list -x
expect 2 list extra;		err_has "unexpected argument 'extra'"
expect 2 stats extra
expect 2 watch extra
expect 2 check extra
expect 2 show;			err_has "usage: iogroup [-j] show GROUP|DEVICE"
expect 2 show 1 2
expect 2 show 4294967296;	err_has "show '4294967296': group number out of range"
expect 2 show 0123456789012345678901234567890123456789012345678901234567890123456789
expect 2 help list show

# The write side: its options, '--' COMMAND, usage errors.
expect 0 claim --help;		out_has "--unbind"; out_has "-- COMMAND"
expect 0 help detach;		out_has "--driver DRIVER"
expect 2 claim;			err_has "claim: missing argument GROUP|DEVICE"
expect 2 claim 5 6;		err_has "unexpected argument '6'"
expect 2 claim 5 --restore;	err_has "--restore requires --unbind"
expect 2 claim 5 --;		err_has "missing COMMAND after '--'"
expect 2 claim 5 qemu;		err_has "unexpected argument 'qemu'"
expect 2 claim 5 --frob;	err_has "unknown option '--frob'"
expect 2 claim 4294967296 -- true
expect 2 release;		err_has "usage: iogroup [-j] release GROUP|DEVICE"
expect 2 release 5 --unbind;	err_has "unknown option '--unbind'"
expect 2 release 5 6
expect 2 detach
expect 2 detach 5 --driver;	err_has "option '--driver' needs an argument"
expect 2 detach 5 --driver e1000e;	err_has "--driver 'e1000e': must be vfio-pci or pci-stub"
expect 2 detach 5 --driver=foo
expect 2 detach 5 --unbind;	err_has "unknown option '--unbind'"
expect 2 reattach
expect 2 reattach 5 --force;	err_has "unknown option '--force'"
expect 2 list --force
expect 2 show 5 --driver vfio-pci

# metrics: Prometheus text only, --output FILE.
expect 0 metrics --help;	out_has "--output FILE"; out_has "usage: iogroup metrics"
expect 2 metrics -j;		err_has "metrics: no JSON form"
expect 2 metrics --output;	err_has "option '--output' needs an argument"
expect 2 metrics --output=;	err_has "--output: empty file name"
expect 2 metrics extra;		err_has "unexpected argument 'extra'"
expect 2 list --output x;	err_has "unknown option '--output'"

# Without the module, every netlink command fails cleanly with exit 1.
# (Skipped where the module is loaded or loads on demand.)
if ! "$IOGROUP" list >/dev/null 2>&1; then
	for c in list stats check watch "show 0" "show 0000:00:02.0" "-j list" \
		 "claim 0" "claim 0 --unbind --restore --force -- true" \
		 "release 0" "detach 0 --driver=pci-stub" "reattach 0000:00:02.0" \
		 metrics "metrics --output $OUT.prom"; do
		# shellcheck disable=SC2086
		expect 1 $c
		err_has "iogroup: iogroup module not loaded and could not be loaded (modprobe iogroup)"
	done
	# a failed metrics --output leaves nothing behind
	if ls "$OUT".prom* >/dev/null 2>&1; then
		echo "FAIL: metrics left $OUT.prom*"
		fail=1
	fi
fi

# apply: the configuration checked line by line against a fake sysfs
# (IOGROUP_SYSFS_ROOT), --dry-run needs no module.
T=$(mktemp -d) || exit 1
trap 'rm -f "$OUT" "$ERR"; rm -rf "$T"' EXIT
fakedev() {	# fakedev BDF VENDOR DEVICE GROUP
	mkdir -p "$T/sys/bus/pci/devices/$1" "$T/sys/kernel/iommu_groups/$4"
	echo "0x$2" >"$T/sys/bus/pci/devices/$1/vendor"
	echo "0x$3" >"$T/sys/bus/pci/devices/$1/device"
	ln -s "../../../../kernel/iommu_groups/$4" "$T/sys/bus/pci/devices/$1/iommu_group"
}
fakedev 0000:00:02.0 8086 10d3 1
fakedev 0000:00:03.0 1234 11e8 2
fakedev 0000:01:00.0 1b36 000e 5
fakedev 0000:02:01.0 8086 100e 5
fakedev 0000:02:02.0 1234 11e8 5
mkdir -p "$T/sys/bus/pci/devices/0000:00:1f.0"	# no IOMMU group
echo 0x8086 >"$T/sys/bus/pci/devices/0000:00:1f.0/vendor"
echo 0x2918 >"$T/sys/bus/pci/devices/0000:00:1f.0/device"
export IOGROUP_SYSFS_ROOT=$T/sys
printf '%s\n' '# comment' '' 'claim 0000:00:02.0' \
	'detach 8086:100E   # the e1000 behind the bridge' \
	'detach 02:02.0 driver=vfio-pci' 'claim 1234:abcd' >"$T/good.conf"
expect 0 apply --config "$T/good.conf" --dry-run
out_has "group 1: would claim (line 3, 0000:00:02.0: 0000:00:02.0)"
out_has "group 5: would detach to vfio-pci (line 4, 8086:100e: 0000:02:01.0, 0000:02:02.0)"
err_has "good.conf:6: warning: no PCI device matches 1234:abcd"
[ "$(wc -l <"$OUT")" = 2 ] || { echo "FAIL: apply --dry-run: not 2 lines"; fail=1; }
expect 0 -j apply --config="$T/good.conf" --dry-run
out_has '"result":"would-detach"'; out_has '"0000:02:02.0"'
printf '%s\n' 'claim 5' 'frob 0000:00:02.0' 'claim 00:02.9' \
	'detach 0000:00:03.0 driver=nvme' 'claim 0000:00:03.0 driver=vfio-pci' \
	'claim' 'claim 0000:00:03.0 now' 'claim 0000:00:02.0' >"$T/bad.conf"
expect 1 apply --config "$T/bad.conf" --dry-run
err_has "iogroup: $T/bad.conf:1: '5': group numbers are not accepted"
err_has "bad.conf:2: unknown action 'frob'"
err_has "bad.conf:3: '00:02.9' is neither a PCI address"
err_has "bad.conf:4: driver 'nvme': must be vfio-pci or pci-stub"
err_has "bad.conf:5: 'driver=vfio-pci': only detach takes a driver"
err_has "bad.conf:6: claim: missing device"
err_has "bad.conf:7: unknown option 'now'"
err_has "bad.conf: 7 errors, nothing applied"
[ -s "$OUT" ] && { echo "FAIL: apply with a bad config printed a plan"; fail=1; }
printf '%s\n' 'claim 0000:02:01.0' 'detach 1234:11e8' >"$T/conflict.conf"
expect 1 apply --config "$T/conflict.conf" --dry-run
err_has "conflict.conf:2: 0000:02:02.0 is in IOMMU group 5, which line 1 already selects for claim"
echo 'claim 0000:00:1f.0' >"$T/nogroup.conf"
expect 1 apply --config "$T/nogroup.conf" --dry-run
err_has "nogroup.conf:1: 0000:00:1f.0 has no IOMMU group"
expect 1 apply --config "$T/missing.conf";	err_has "iogroup: apply: $T/missing.conf: No such file or directory"
expect 2 apply extra;		err_has "unexpected argument 'extra'"
expect 2 apply --config;	err_has "option '--config' needs an argument"
expect 2 apply --driver vfio-pci
unset IOGROUP_SYSFS_ROOT

[ $fail = 0 ] && echo "test_cli: ok"
exit $fail
