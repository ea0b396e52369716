# SPDX-License-Identifier: GPL-2.0
# KTAP helpers for the shell tests (busybox sh).  Source it, then:
#
#   ktap_plan N                 header and plan
#   ktap_ok NAME / ktap_not_ok NAME [WHY] / ktap_skip NAME WHY
#   ktap_result RC NAME [WHY]   0 ok, 4 skip, else not ok
#   ktap_skip_all N NAME WHY    skip N cases "NAME 1".."NAME N", then
#                               ktap_finish (exits)
#   ktap_diag TEXT...           "# TEXT" lines
#   ktap_run NAME FUNC [ARG...] run FUNC as one test case: it fails if it
#                               called fail(), is skipped if it called
#                               skip(), else passes
#   fail TEXT / skip TEXT       inside a test function
#   cmd_ok WHAT CMD...          run CMD; fail() unless it exits 0
#   cmd_fail WHAT CODE CMD...   run CMD; fail() unless it exits CODE
#                               ("any": any non-zero exit)
#                               both leave stdout in $CMD_OUT, stderr in
#                               $CMD_ERR (files), the exit code in $CMD_RC
#   ktap_finish                 totals; exit 1 if a case failed, 4 if all
#                               were skipped, else 0

KTAP_N=0
KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0
KTAP_TMP=${KTAP_TMP:-$(mktemp -d /tmp/ktap.XXXXXX)}
CMD_OUT=$KTAP_TMP/cmd.out
CMD_ERR=$KTAP_TMP/cmd.err
CMD_RC=0

ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ktap_diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

ktap_ok() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_PASS=$((KTAP_PASS + 1))
	echo "ok $KTAP_N $1"
}

ktap_not_ok() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAIL=$((KTAP_FAIL + 1))
	echo "not ok $KTAP_N $1${2:+ # $2}"
}

ktap_skip() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "ok $KTAP_N $1 # SKIP${2:+ $2}"
}

ktap_result() {
	case $1 in
	0) ktap_ok "$2" ;;
	4) ktap_skip "$2" "$3" ;;
	*) ktap_not_ok "$2" "$3" ;;
	esac
}

ktap_skip_all() {
	_i=0
	while [ "$_i" -lt "$1" ]; do
		_i=$((_i + 1))
		ktap_skip "$2 $_i" "$3"
	done
	ktap_finish
}

T_FAILED=0
T_SKIPPED=
fail() {
	ktap_diag "FAIL: $*"
	T_FAILED=1
}

skip() {
	T_SKIPPED=${*:-skipped}
}

ktap_run() {
	KTAP_CASE=$1
	shift
	T_FAILED=0
	T_SKIPPED=
	"$@"
	if [ "$T_FAILED" != 0 ]; then
		ktap_not_ok "$KTAP_CASE"
	elif [ -n "$T_SKIPPED" ]; then
		ktap_skip "$KTAP_CASE" "$T_SKIPPED"
	else
		ktap_ok "$KTAP_CASE"
	fi
}

# _cmd CMD...: run it, keep its output and exit code.
_cmd() {
	"$@" >"$CMD_OUT" 2>"$CMD_ERR"
	CMD_RC=$?
}

_cmd_show() {
	ktap_diag "\$ $*  (exit $CMD_RC)"
	[ -s "$CMD_OUT" ] && head -n 20 "$CMD_OUT" | sed 's/^/#   out: /'
	[ -s "$CMD_ERR" ] && head -n 20 "$CMD_ERR" | sed 's/^/#   err: /'
	return 0
}

cmd_ok() {
	_what=$1
	shift
	_cmd "$@"
	if [ "$CMD_RC" -ne 0 ]; then
		fail "$_what: exit $CMD_RC, expected 0"
		_cmd_show "$@"
		return 1
	fi
	return 0
}

cmd_fail() {
	_what=$1
	_want=$2
	shift 2
	_cmd "$@"
	if [ "$_want" = any ] && [ "$CMD_RC" -ne 0 ]; then
		return 0
	fi
	if [ "$CMD_RC" = "$_want" ]; then
		return 0
	fi
	fail "$_what: exit $CMD_RC, expected $_want"
	_cmd_show "$@"
	return 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] && return 0
	fail "$1: got '$2', expected '$3'"
	return 1
}

ktap_finish() {
	ktap_diag "Totals: pass:$KTAP_PASS fail:$KTAP_FAIL skip:$KTAP_SKIP"
	rm -rf "$KTAP_TMP"
	[ "$KTAP_FAIL" -gt 0 ] && exit 1
	[ "$KTAP_PASS" -eq 0 ] && [ "$KTAP_SKIP" -gt 0 ] && exit 4
	exit 0
}
