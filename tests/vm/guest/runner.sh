# SPDX-License-Identifier: GPL-2.0
#
# Guest test runner (busybox sh), started by /init with stdout on ttyS1.
#
# Runs every executable listed in /tests/run.list (one path per line, relative
# to /tests, '#' comments and blank lines ignored), in order, from /tests, each
# under `timeout $IOGROUP_VM_TIMEOUT` (default 240 s) with stdin /dev/null.
# A line `PATH timeout=S` gives that program S seconds instead.
# Emits one KTAP document:
#
#   TAP version 13
#   1..N
#   <guest check: vm topology>
#   <guest check: iogroup autoload via its genl family>
#   <guest check: modprobe iogroup>
#     <program output, stdout and stderr, every line indented by 2 spaces>
#   ok 4 <program>              exit 0
#   ok 4 <program> # SKIP       exit 4
#   not ok 4 <program> # exit=N   (# TIMEOUT when killed by the timeout)
#   ...
#   <guest checks: dmesg clean, taint, rmmod iogroup, dmesg clean after rmmod>
#   <debug kernels only: kmemleak (no iogroup leaks), no debug reports>
#   # figures: debug_reports=N      (debug kernels only)
#   # iogroup-vm: done
#
# Programs get the environment of /run/iogroup-vm.env (IOGROUP_VM_NIC, ...).

TESTDIR=/tests
PROG_TIMEOUT=${IOGROUP_VM_TIMEOUT:-240}
DMESG_BAD='WARNING:|BUG:|Oops|Call Trace|KASAN|refcount_t|general protection|blocked for more than|detected stall'
TAINT_OK=$((4096 | 8192))	# O (out-of-tree) and E (unsigned)
# Report headers of the debug kernel's checkers (tests/vm/debug.config):
# lockdep, RCU lockdep, KASAN, might_sleep, debugobjects, DEBUG_LIST and
# the DMA API debugging.  Each report has exactly one such line.
DEBUG_BAD='possible circular locking dependency|inconsistent lock state|possible recursive locking|possible irq lock inversion|suspicious RCU usage|bad unlock balance|held lock freed|lock held when returning to user space|Nested lock was not taken|trying to register non-static key|BUG: MAX_LOCKDEP|BUG: Invalid wait context|DEBUG_LOCKS_WARN_ON|BUG: KASAN:|BUG: sleeping function called from invalid context|BUG: scheduling while atomic|BUG: workqueue leaked lock|ODEBUG: |list_add corruption|list_del corruption|DMA-API: .*(device driver|exceeded|cacheline tracking)'
KMEMLEAK=/sys/kernel/debug/kmemleak
# A debug kernel (lockdep or kmemleak) gets two more checks.
debugk=
[ -e /proc/lockdep ] || [ -e "$KMEMLEAK" ] && debugk=1

set -a
. /run/iogroup-vm.env
set +a
. /usr/lib/iogroup-vm/topology.sh

progs=
if [ -f "$TESTDIR/run.list" ]; then
	progs=$(sed -e 's/#.*//' -e 's/^[ \t]*//' -e 's/[ \t]*$//' \
		"$TESTDIR/run.list" | grep -v '^$')
fi
nprogs=$(echo "$progs" | grep -c .)
nchecks=7
[ -n "$debugk" ] && nchecks=9
n=0

result() {	# result STATUS NAME [DIRECTIVE]: STATUS 0 ok, 4 skip, else not ok
	n=$((n + 1))
	case $1 in
	0) echo "ok $n $2${3:+ # $3}" ;;
	4) echo "ok $n $2 # SKIP${3:+ $3}" ;;
	*) echo "not ok $n $2${3:+ # $3}" ;;
	esac
}

indent() { sed 's/^/  /'; }

dmesg_bad() {	# dmesg_bad FROM_LINE: offending lines after FROM_LINE
	dmesg | tail -n +"$(($1 + 1))" | grep -E -B2 -A8 "$DMESG_BAD"
}

echo "TAP version 13"
echo "1..$((nprogs + nchecks))"

# -- vm topology --------------------------------------------------------------
out=$(topology_check 2>&1); rc=$?
[ -n "$out" ] && echo "$out"
result $rc "vm topology"

# -- autoload: resolving the genl family must load the module ----------------
if lsmod | grep -q '^iogroup '; then
	result 1 "iogroup autoload" "module loaded before any test"
elif ! modinfo -F alias iogroup 2>/dev/null |
		grep -qx 'net-pf-16-proto-16-family-iogroup'; then
	result 4 "iogroup autoload" "module has no alias net-pf-16-proto-16-family-iogroup"
elif ! command -v iogroup >/dev/null; then
	result 4 "iogroup autoload" "no CLI"
else
	echo "# iogroup list (module not loaded)"
	iogroup list 2>&1 | indent | sed 's/^/#/'
	if lsmod | grep -q '^iogroup '; then
		result 0 "iogroup autoload"
	else
		echo "# the module was not loaded by resolving the family"
		result 1 "iogroup autoload"
	fi
fi

# -- load the module for the tests --------------------------------------------
if lsmod | grep -q '^iogroup '; then
	result 0 "modprobe iogroup"
else
	out=$(modprobe iogroup 2>&1); rc=$?
	[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	result $rc "modprobe iogroup"
fi

# -- the test programs --------------------------------------------------------
# Each program runs in its own session (setsid, so its pid is its process
# group).  A watchdog sends the group SIGTERM at the timeout and SIGKILL 5 s
# later; whatever the program leaves behind is killed when it ends, so
# nothing keeps the output pipe open.  A group that SIGKILL cannot empty
# within 15 s is stuck in the kernel: nothing after it could run reliably,
# so the blocked tasks are dumped to the console and the VM is stopped.

group_alive() {	# group_alive PGID: does the group have a live (non-zombie) task?
	cat /proc/[0-9]*/stat 2>/dev/null | sed 's/.*) //' |
		awk -v g="$1" '$1 != "Z" && $3 == g { f = 1 } END { exit !f }'
}

kill_group() {	# kill_group PGID: SIGKILL it, wait up to 15 s, else stop the VM
	local i=0
	kill -KILL -- "-$1" 2>/dev/null
	while group_alive "$1"; do
		i=$((i + 1))
		if [ $i -gt 15 ]; then
			{
				echo "not ok $((n + 1)) $name # TIMEOUT: unkillable (stuck in the kernel), VM stopped"
				echo "# iogroup-vm: aborted"
			} >/dev/ttyS1
			echo w >/proc/sysrq-trigger
			sleep 2
			echo "iogroup-vm: $name is unkillable (stuck in the kernel): powering off" >/dev/console
			poweroff -f
		fi
		sleep 1
	done
}

run_prog() {	# run_prog CMD SECS: prints the output, leaves the status in $rcfile
	setsid "$1" </dev/null 3<&- 2>&1 &
	pid=$!
	(
		sleep "$2"
		echo timeout >"$tofile"
		kill -TERM -- "-$pid" 2>/dev/null
		sleep 5
		kill_group "$pid"
	) >/dev/null 2>&1 </dev/null &
	wd=$!
	wait "$pid"
	echo $? >"$rcfile"
	if [ -f "$tofile" ]; then
		# The watchdog is emptying the group (or stopping the VM).
		wait "$wd"
	else
		kill "$wd" 2>/dev/null
	fi
	kill_group "$pid"
}

rcfile=/tmp/runner.rc
tofile=/tmp/runner.timeout
cd "$TESTDIR" || exit 1
while read -r p opts <&3; do
	[ -n "$p" ] || continue
	name=$p
	secs=$PROG_TIMEOUT
	for o in $opts; do
		# a slow kernel (VM_SLOW of its series) scales it too
		case $o in timeout=*) secs=$((${o#timeout=} * ${IOGROUP_VM_SLOW:-1})) ;; esac
	done
	echo "# run $name"
	case $p in /*) cmd=$p ;; *) cmd=./${p#./} ;; esac
	echo 255 >"$rcfile"
	rm -f "$tofile"
	run_prog "$cmd" "$secs" 2>&1 | indent
	rc=$(cat "$rcfile")
	if [ -f "$tofile" ]; then
		echo "# $name: killed after ${secs}s (exit status $rc)"
		result 1 "$name" "TIMEOUT"
	else
		case $rc in
		0|4) result "$rc" "$name" ;;
		*) result "$rc" "$name" "exit=$rc" ;;
		esac
	fi
	cd "$TESTDIR"
done 3<<EOF
$progs
EOF

# -- final checks ---------------------------------------------------------------
bad=$(dmesg_bad 0)
if [ -n "$bad" ]; then
	echo "$bad" | sed 's/^/# dmesg: /'
	result 1 "dmesg clean after tests"
else
	result 0 "dmesg clean after tests"
fi

taint=$(cat /proc/sys/kernel/tainted)
if [ $((taint & ~TAINT_OK)) -ne 0 ]; then
	echo "# /proc/sys/kernel/tainted = $taint (allowed: O=4096 E=8192)"
	result 1 "kernel not tainted"
else
	result 0 "kernel not tainted" "tainted=$taint"
fi

mark=$(dmesg | wc -l)
if ! lsmod | grep -q '^iogroup '; then
	echo "# iogroup was not loaded at the end of the tests: loading it again"
	modprobe iogroup 2>&1 | sed 's/^/# /'
fi
out=$(rmmod iogroup 2>&1); rc=$?
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
result $rc "rmmod iogroup"

bad=$(dmesg_bad "$mark")
if [ -n "$bad" ]; then
	echo "$bad" | sed 's/^/# dmesg: /'
	result 1 "dmesg clean after rmmod"
else
	result 0 "dmesg clean after rmmod"
fi

# -- debug kernels: kmemleak and the checkers' reports ------------------------------
# kmemleak_check: scan twice (an object is reported once it was found
# unreferenced by two scans) and sort the unreferenced objects: one whose
# allocation backtrace has an iogroup frame fails.  iogroup is unloaded by
# now, so its frames show as bare module addresses (0xffffffffc...: nothing
# else is ever unloaded in the VM) or, for objects kmemleak printed earlier,
# as "[iogroup]".  The others are stock-kernel noise, listed only.
# Sets kmemleak_iogroup (the count).
kmemleak_check() {
	local out
	kmemleak_iogroup=0
	if ! echo scan >"$KMEMLEAK" 2>/dev/null || ! echo scan >"$KMEMLEAK"; then
		echo "# kmemleak: cannot scan (disabled?): $(dmesg | grep -m 1 'kmemleak:.*disabl')"
		result 1 "kmemleak: no iogroup leaks"
		return
	fi
	out=$(awk '
		function flush() {
			if (obj == "")
				return
			if (mine) { n++; printf "%s", obj } else { other++; printf "%s", obj > "/tmp/kmemleak.other" }
			obj = ""; mine = 0
		}
		/^unreferenced object/ { flush() }
		{ obj = obj $0 "\n" }
		/^    \[<.*\] / && ($NF == "[iogroup]" || $NF ~ /^0xffffffff[c-f][0-9a-f]{7}$/) { mine = 1 }
		END { flush(); print "# " n + 0 " iogroup, " other + 0 " other objects" }
	' "$KMEMLEAK")
	kmemleak_iogroup=$(echo "$out" | sed -n 's/^# \([0-9]*\) iogroup, .*/\1/p')
	if [ -s /tmp/kmemleak.other ]; then
		echo "# kmemleak: unreferenced objects without iogroup frames (not counted):"
		sed 's/^/#   /' /tmp/kmemleak.other
	fi
	if [ "$kmemleak_iogroup" -gt 0 ]; then
		echo "# kmemleak: unreferenced objects allocated by iogroup:"
		echo "$out" | sed 's/^/#   /'
		result 1 "kmemleak: no iogroup leaks"
	else
		result 0 "kmemleak: no iogroup leaks" \
			"$(echo "$out" | tail -n 1 | sed 's/^# //')"
	fi
}

if [ -n "$debugk" ]; then
	if [ -e "$KMEMLEAK" ]; then
		kmemleak_check
	else
		kmemleak_iogroup=0
		result 4 "kmemleak: no iogroup leaks" "no kmemleak"
	fi
	reports=$(dmesg | grep -E -c "$DEBUG_BAD")
	if [ "$reports" -gt 0 ]; then
		dmesg | grep -E -B2 -A30 "$DEBUG_BAD" | sed 's/^/# debug report: /'
	fi
	# Lockdep turns itself off at its first report or when it runs out
	# of room: after that nothing more would be found.
	if [ -e /proc/lockdep_stats ] &&
	   grep -q 'debug_locks: *0' /proc/lockdep_stats && [ "$reports" -eq 0 ]; then
		echo "# lockdep turned itself off (debug_locks 0) without a report:"
		dmesg | grep -E -i -m 5 'lockdep|debug_locks' | sed 's/^/#   /'
		reports=1
	fi
	[ "$reports" -eq 0 ]
	result $? "no debug reports (lockdep, KASAN, sleep in atomic, debugobjects, lists, DMA API)" \
		"reports=$reports"
	echo "# figures: debug_reports=$((reports + kmemleak_iogroup))"
fi

echo "# iogroup-vm: done"
