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
for c in list show watch stats check help; do
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

# Without the module, every netlink command fails cleanly with exit 1.
# (Skipped where the module is loaded or loads on demand.)
if ! "$IOGROUP" list >/dev/null 2>&1; then
	for c in list stats check watch "show 0" "show 0000:00:02.0" "-j list"; do
		# shellcheck disable=SC2086
		expect 1 $c
		err_has "iogroup: iogroup module not loaded and could not be loaded (modprobe iogroup)"
	done
fi

[ $fail = 0 ] && echo "test_cli: ok"
exit $fail
