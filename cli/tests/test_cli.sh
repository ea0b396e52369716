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
for c in list show watch stats check claim release detach reattach metrics help; do
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

[ $fail = 0 ] && echo "test_cli: ok"
exit $fail
