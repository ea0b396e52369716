#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# security.sh: who may do what (busybox sh, run as root in the test VM).
#  - CLAIM and RELEASE need CAP_SYS_ADMIN: refused (EPERM) for uid 1000 and
#    for root holding only CAP_NET_ADMIN (GENL_ADMIN_PERM's capability), with
#    the module's extack; the queries work as uid 1000.
#  - The family exists only in the initial network namespace.
#  - An unprivileged process cannot release another process's claim; the
#    claim goes away with the process that holds it.
#
# Helpers next to this script: lib.sh, ktap.sh, asuser, sechelp.

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
SECHELP=$HERE/sechelp
CLAIM_PID=
CLAIM_CHILDREN=
CLAIMED_NIC=

NTESTS=9
ktap_plan $NTESTS
need_cli $NTESTS "security test"

children_of() {		# PID -> its children's pids
	for _d in /proc/[0-9]*; do
		read -r _l 2>/dev/null <"$_d/stat" || continue
		# pid (comm) state ppid ...: comm has no blanks here
		set -- $_l
		[ "$4" = "$CHILD_OF" ] && echo "${_d#/proc/}"
	done
}

cleanup() {
	[ -n "$CLAIM_PID" ] && kill -9 "$CLAIM_PID" 2>/dev/null
	for _p in $CLAIM_CHILDREN; do kill -9 "$_p" 2>/dev/null; done
	[ -n "$CLAIMED_NIC" ] && "$IOGROUP" release "$CLAIMED_NIC" >/dev/null 2>&1
}
trap cleanup EXIT

# The group of the edu device on bus 00 (1234:11e8), from sysfs.
edu_group() {
	for _d in /sys/bus/pci/devices/0000:00:*; do
		[ "$(cat "$_d/vendor")" = 0x1234 ] || continue
		[ "$(cat "$_d/device")" = 0x11e8 ] || continue
		_g=$(readlink "$_d/iommu_group") || continue
		echo "${_g##*/}"
		return 0
	done
	return 1
}

# expect_refused WHAT: the last command exited 1 with EPERM in words.
expect_eperm() {
	[ "$CMD_RC" = 1 ] || fail "$1: exit $CMD_RC, expected 1"
	grep -q "Operation not permitted" "$CMD_ERR" ||
		fail "$1: no 'Operation not permitted' on stderr"
}

show_cmd_err() {
	sed 's/^/#   err: /' "$CMD_ERR"
}

# -------------------------------------------------------------- tests ---

NIC_GROUP=1
[ -d /sys/kernel/iommu_groups/$NIC_GROUP ] || NIC_GROUP=${IOGROUP_VM_NIC_GROUP:-1}

t_netadmin_caps() {
	cmd_ok "sechelp netadmin" "$SECHELP" netadmin cat /proc/self/status || return
	_eff=$(sed -n 's/^CapEff:[[:space:]]*//p' "$CMD_OUT")
	_prm=$(sed -n 's/^CapPrm:[[:space:]]*//p' "$CMD_OUT")
	expect_eq "CapEff with only CAP_NET_ADMIN" "$_eff" 0000000000001000
	expect_eq "CapPrm with only CAP_NET_ADMIN" "$_prm" 0000000000001000
}

t_netadmin_claim() {
	_cmd "$SECHELP" netadmin "$IOGROUP" claim "$NIC_GROUP"
	[ "$CMD_RC" = 0 ] && CLAIMED_NIC=$NIC_GROUP
	expect_eperm "CAP_NET_ADMIN only: iogroup claim $NIC_GROUP"
	grep -q "kernel says:.*needs CAP_SYS_ADMIN" "$CMD_ERR" ||
		fail "CAP_NET_ADMIN only: no extack 'needs CAP_SYS_ADMIN' from the kernel"
	show_cmd_err
}

t_netadmin_release() {
	_cmd "$SECHELP" netadmin "$IOGROUP" release "$NIC_GROUP"
	expect_eperm "CAP_NET_ADMIN only: iogroup release $NIC_GROUP"
	grep -q "kernel says:.*needs CAP_SYS_ADMIN" "$CMD_ERR" ||
		fail "CAP_NET_ADMIN only: no extack 'needs CAP_SYS_ADMIN' from the kernel"
	show_cmd_err
}

t_unpriv_mutations() {
	_cmd "$ASUSER" $UNPRIV_UID "$IOGROUP" claim "$NIC_GROUP"
	[ "$CMD_RC" = 0 ] && CLAIMED_NIC=$NIC_GROUP
	expect_eperm "uid $UNPRIV_UID: iogroup claim $NIC_GROUP"
	_cmd "$ASUSER" $UNPRIV_UID "$IOGROUP" claim "$NIC_GROUP" -- true
	expect_eperm "uid $UNPRIV_UID: iogroup claim $NIC_GROUP -- true"
	_cmd "$ASUSER" $UNPRIV_UID "$IOGROUP" release "$NIC_GROUP"
	expect_eperm "uid $UNPRIV_UID: iogroup release $NIC_GROUP"
	show_cmd_err
}

t_unpriv_queries() {
	cmd_ok "uid $UNPRIV_UID: iogroup list" "$ASUSER" $UNPRIV_UID "$IOGROUP" list
	cmd_ok "uid $UNPRIV_UID: iogroup show $NIC_GROUP" \
		"$ASUSER" $UNPRIV_UID "$IOGROUP" show "$NIC_GROUP"
	cmd_ok "uid $UNPRIV_UID: iogroup stats" "$ASUSER" $UNPRIV_UID "$IOGROUP" stats
	cmd_ok "uid $UNPRIV_UID: iogroup check" "$ASUSER" $UNPRIV_UID "$IOGROUP" check
	# watch: subscribes and keeps running until SIGTERM, then exits 0
	"$ASUSER" $UNPRIV_UID "$IOGROUP" watch >"$T/watch.out" 2>"$T/watch.err" &
	_w=$!
	sleep 1
	if ! kill -0 "$_w" 2>/dev/null; then
		wait "$_w"
		fail "uid $UNPRIV_UID: iogroup watch ended at once (exit $?)"
		sed 's/^/#   err: /' "$T/watch.err"
		return
	fi
	kill -TERM "$_w"
	wait "$_w"
	_rc=$?
	[ "$_rc" = 0 ] || fail "uid $UNPRIV_UID: iogroup watch: exit $_rc after SIGTERM"
	[ -s "$T/watch.err" ] && { fail "uid $UNPRIV_UID: iogroup watch wrote to stderr"; sed 's/^/#   err: /' "$T/watch.err"; }
	return 0
}

t_netns() {
	if command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
		_ns="unshare -n"
	else
		_ns="$SECHELP netns"
	fi
	ktap_diag "new network namespace with: $_ns"
	_cmd $_ns "$IOGROUP" list
	[ "$CMD_RC" != 0 ] || fail "iogroup list in a new netns: exit 0"
	grep -q "module not loaded" "$CMD_ERR" ||
		fail "iogroup list in a new netns: no 'module not loaded' message"
	show_cmd_err
	_cmd $_ns "$SECHELP" getfamily
	expect_eq "raw CTRL_CMD_GETFAMILY iogroup in a new netns" \
		"$(cut -d' ' -f1 "$CMD_OUT")" ENOENT
	# and still there in the initial one
	_cmd "$SECHELP" getfamily
	expect_eq "CTRL_CMD_GETFAMILY iogroup in the initial netns" \
		"$(cut -d' ' -f1 "$CMD_OUT")" family
}

EDU_GROUP=$(edu_group)

t_claim_isolation() {
	if [ -z "$EDU_GROUP" ]; then
		skip "no edu device (1234:11e8) on bus 00"
		return
	fi
	_o=$("$SECHELP" owner "$EDU_GROUP")
	[ "$_o" = 3 ] && { fail "group $EDU_GROUP claimed by iogroup before the test"; return; }
	"$IOGROUP" claim "$EDU_GROUP" -- sleep 30 >"$T/claim.out" 2>"$T/claim.err" &
	CLAIM_PID=$!
	_i=0
	while [ $_i -lt 300 ]; do
		_o=$("$SECHELP" owner "$EDU_GROUP")
		[ "$_o" = 3 ] && break
		sleep 0.1
		_i=$((_i + 1))
	done
	if [ "$_o" != 3 ]; then
		fail "root: iogroup claim $EDU_GROUP -- sleep 30: owner kind '$_o' after 30 s"
		sed 's/^/#   claim: /' "$T/claim.out" "$T/claim.err"
		return
	fi
	ktap_diag "root holds group $EDU_GROUP (iogroup pid $CLAIM_PID)"
	_cmd "$ASUSER" $UNPRIV_UID "$IOGROUP" release "$EDU_GROUP"
	expect_eperm "uid $UNPRIV_UID: iogroup release $EDU_GROUP (root's claim)"
	show_cmd_err
	_cmd "$ASUSER" $UNPRIV_UID "$IOGROUP" claim "$EDU_GROUP"
	[ "$CMD_RC" = 1 ] || fail "uid $UNPRIV_UID: iogroup claim $EDU_GROUP (claimed): exit $CMD_RC"
	expect_eq "owner kind after uid $UNPRIV_UID's release" \
		"$("$SECHELP" owner "$EDU_GROUP")" 3
	CLAIM_CHILDREN=$(CHILD_OF=$CLAIM_PID children_of)
	kill -9 "$CLAIM_PID"
	wait "$CLAIM_PID" 2>/dev/null
	CLAIM_PID=
	_ms=$("$SECHELP" waitfree "$EDU_GROUP" 1000)
	_rc=$?
	for _p in $CLAIM_CHILDREN; do kill -9 "$_p" 2>/dev/null; done
	CLAIM_CHILDREN=
	if [ "$_rc" = 0 ]; then
		ktap_diag "claim gone ${_ms} ms after SIGKILL of the claiming iogroup"
	else
		fail "claim of group $EDU_GROUP after SIGKILL of its holder: $_ms"
	fi
}

t_nothing_claimed() {
	[ -n "$CLAIMED_NIC" ] && fail "a refused claim of group $CLAIMED_NIC succeeded"
	for _g in $(ls /sys/kernel/iommu_groups); do
		_o=$("$SECHELP" owner "$_g")
		[ "$_o" = 3 ] && fail "group $_g still claimed by iogroup"
	done
	cmd_ok "iogroup check" "$IOGROUP" check
}

ktap_run sec.netadmin_helper_keeps_only_cap_net_admin t_netadmin_caps
ktap_run sec.claim_needs_cap_sys_admin t_netadmin_claim
ktap_run sec.release_needs_cap_sys_admin t_netadmin_release
ktap_run sec.unprivileged_claim_release_eperm t_unpriv_mutations
ktap_run sec.unprivileged_queries_allowed t_unpriv_queries
ktap_run sec.family_only_in_initial_netns t_netns
ktap_run sec.no_release_of_others_claim t_claim_isolation
ktap_run sec.nothing_left_claimed t_nothing_claimed
# the claims refused above must not have changed the counters
t_stats() {
	cmd_ok "iogroup stats" "$IOGROUP" stats || return
	_c=$(sed -n 's/^claims[[:space:]]\{1,\}//p' "$CMD_OUT")
	[ -z "$_c" ] && { ktap_diag "no 'claims' line in iogroup stats"; sed 's/^/#   /' "$CMD_OUT"; return; }
	expect_eq "claims held" "$_c" 0
}
ktap_run sec.stats_no_claims_held t_stats
ktap_finish
