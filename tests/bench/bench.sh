#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: the guest side of `make bench` (tests/vm/run.sh --bench boots
# the VM with iogroupvm.mode=bench and hundreds of IOMMU groups; /init runs
# this with stdout on ttyS1).  Prints "BENCH <what> key=value ..." lines,
# which tests/vm/bench-report.sh turns into the table of BENCH.md, and
# "# ..." diagnostics.  Every figure is measured against its alternative in
# this same run; nothing here asserts a time.
#
# Order: memory (module loaded on a quiet system), probe overhead, claim
# cost, event latency, then the listings while devices are removed to
# shrink the system to 64 and 16 groups (last: removed devices stay gone).
B=$(cd "$(dirname "$0")" && pwd)	# /tests/bench
JSONQ=$B/../jsonq
CYCLES=$B/cycles
TBENCH=$B/tbench

say() { echo "BENCH $*"; }
diag() { echo "# $*"; }
# die: stop the whole bench (from a command substitution too: $$ is ours)
die() { echo "# bench: $*" >&2; kill -TERM $$; exit 1; }
# m WHAT CMD...: CMD's output, or stop the bench (no "BENCH done")
m() {
	_r=$1
	shift
	_o=$("$@") || die "$_w failed: $*"
	echo "$_o"
}
# The timed loops run on CPU 0.  Under TCG a round of bind cycles took
# either about 200 us or about 400 us per cycle, whatever was loaded, which
# drowns differences of 10%; pinned, fewer rounds fell to the slow speed
# (none of 8 in one run), though some still do: the probe overhead is
# judged on pairs of rounds measured seconds apart.  Both sides of every
# ratio run pinned alike.  Not the event latency: there the watchers'
# wake-ups on the other CPU are part of what is measured.
PIN="taskset 1"
ngroups() { ls /sys/kernel/iommu_groups | wc -l; }
unload() { lsmod | grep -q '^iogroup ' && rmmod iogroup; }
load() { lsmod | grep -q '^iogroup ' || modprobe iogroup; }
# loaded, and its first scan applied (`iogroup stats` waits for it)
load_ready() { load; iogroup stats >/dev/null || die "iogroup stats failed"; }

# slab bytes in use: sum over /proc/slabinfo of active_objs * objsize
slab_bytes() {
	awk 'NR > 2 { s += $2 * $4 } END { printf "%d\n", s }' /proc/slabinfo
}
# the same, kmalloc caches only (where the shadow's groups and devices are)
kmalloc_bytes() {
	awk 'NR > 2 && $1 ~ /^kmalloc-[0-9]/ { s += $2 * $4 } END { printf "%d\n", s }' /proc/slabinfo
}
meminfo_slab() { awk '/^Slab:/ { print $2 * 1024 }' /proc/meminfo; }

# The bench devices: edu endpoints (1234:11e8), each alone behind its own
# root port, so each is a group of its own.
edus() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] || continue
		[ "$(ls "$d/iommu_group/devices" | wc -l)" -eq 1 ] && echo "${d##*/}"
	done
}
group_of() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }

dmesg -n 1	# claims are logged: keep the serial console out of the timings
say env kernel="$(uname -r)" cpus="$(nproc)" groups="$(ngroups)" \
	clocksource="$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)" \
	devices="$(ls -d /sys/kernel/iommu_groups/*/devices/* | wc -l)"
set -- $(edus)
diag "bench edu devices: $#"
[ $# -ge 4 ] || { diag "need 4 single-device edu groups, have $#"; exit 1; }
EDU_BIND=$1 EDU_CLAIM=$2 EDU_EVENT=$3

# ---------------------------------------------------------------- memory
unload
sync; echo 3 >/proc/sys/vm/drop_caches
sleep 1
s0=$(slab_bytes) m0=$(meminfo_slab) k0=$(kmalloc_bytes)
load
iogroup stats -j >/tmp/stats.json	# waits for the first scan's events
sleep 1
s1=$(slab_bytes) m1=$(meminfo_slab) k1=$(kmalloc_bytes)
st() { "$JSONQ" ".$1" </tmp/stats.json; }
say memory groups="$(st groups)" devices="$(st devices)" \
	group_bytes="$(st group_bytes)" device_bytes="$(st device_bytes)" \
	bytes="$(st bytes)" ring_bytes="$(st ring_bytes)" slabinfo_delta=$((s1 - s0)) meminfo_slab_delta=$((m1 - m0)) \
	kmalloc_delta=$((k1 - k0))

# ------------------------------------------------------- probe overhead
# The steady state, what every later bind on the host pays: a round starts
# once loading is over (`iogroup stats` waits for the first scan of every
# group to be applied; rmmod waits for the unload) and after 10 cycles that
# are not counted (TCG translates the code that loading or unloading
# patched again).  24 rounds of each, in pairs whose order alternates, so
# that drift of the host's speed falls on both sides alike.  A round is 200
# cycles (about 50 ms): rounds of 40 gave pairs that spread from -40% to
# +240% around the same median.
PROBE_ROUNDS=24
PROBE_CYCLES=200
# bind_cycles: 10 cycles of warm-up, then the round's figures
bind_cycles() {
	m bind $PIN "$CYCLES" bind "$EDU_BIND" pci-stub 10 >/dev/null
	m bind $PIN "$CYCLES" bind "$EDU_BIND" pci-stub $PROBE_CYCLES
}
probe_round() {	# probe_round ROUND unloaded|loaded
	if [ "$2" = loaded ]; then
		load_ready
	else
		unload
	fi
	sleep 1
	say probe round="$1" iogroup="$2" $(bind_cycles)
}
echo pci-stub >"/sys/bus/pci/devices/$EDU_BIND/driver_override"
r=1
while [ $r -le $PROBE_ROUNDS ]; do
	if [ $((r % 2)) = 1 ]; then
		probe_round $r unloaded
		probe_round $r loaded
	else
		probe_round $r loaded
		probe_round $r unloaded
	fi
	r=$((r + 1))
done
# What of it the kprobes cost: the same loaded module with them disarmed
# and armed (debugfs kprobes/enabled, every kprobe on the system: only
# iogroup's exist here), switched every 10 cycles (cycles switch), without
# loading or unloading in between.  The shadow misses the disarmed
# cycles' binds; `iogroup check` brings it back.
# 200 pairs of blocks: about 5,000 cycles, a few seconds, and an interval
# of the pairs' median a few points wide.
SWITCH_PAIRS=200
load_ready
KPROBES=/sys/kernel/debug/kprobes/enabled
[ -e $KPROBES ] || mount -t debugfs none /sys/kernel/debug
# kprobes_row WHAT [KEY=VALUE...]: one row switched on $KPROBES, then
# everything armed again and the shadow brought back
kprobes_row() {
	_r=$1
	shift
	say "$_r" "$@" $(m "$_r" $PIN "$CYCLES" switch $KPROBES "$EDU_BIND" pci-stub $SWITCH_PAIRS)
	echo 1 >$KPROBES
	iogroup check >/dev/null 2>&1
}
if [ -w $KPROBES ]; then
	kprobes_row kprobes
	# The same with a watcher listening (`iogroup watch`, on the other
	# CPU): the hook events then gather for event_watch_us, not
	# event_batch_ms, so the worker and the watcher wake more often.
	iogroup watch >/dev/null 2>&1 &
	W=$!
	sleep 1
	kprobes_row kprobes_watch watch_us="$(cat /sys/module/iogroup/parameters/event_watch_us)"
	kill $W
	wait $W 2>/dev/null
	# The same once a claim has armed the veto, which then stays armed
	# until unload: one more IP-modifying kprobe that every probe passes.
	iogroup claim "$(group_of "$EDU_CLAIM")" --unbind -- true >/dev/null 2>&1 ||
		die "claim --unbind of $EDU_CLAIM failed"
	VETO_STATE=$(grep -E '  k  (pci_dma_configure|driver_probe_device)\+' \
		/sys/kernel/debug/kprobes/list)
	case $VETO_STATE in
	"") VETO_STATE=absent ;;
	*"[DISABLED]"*) VETO_STATE=disarmed ;;
	*) VETO_STATE=armed ;;
	esac
	kprobes_row kprobes_veto veto="$VETO_STATE"
else
	diag "no $KPROBES: the kprobes' share is not measured"
fi
# The floor of the design: the kernel's own probes (tracefs dynamic
# events, no module loaded) of the kinds iogroup's hooks put on the two
# functions each bind+unbind passes, with tracing off, so that only their
# trampolines run, enabled and disabled every 10 cycles: a return probe on
# really_probe(), an entry probe on device_unbind_cleanup() (6.1+) or a
# return probe on 5.10's __device_release_driver().  What any kprobe-based
# shadow of probe and remove costs here, iogroup's own handlers aside.
unload
TRACING=/sys/kernel/tracing
[ -e $TRACING/kprobe_events ] || mount -t tracefs none $TRACING 2>/dev/null
RELEASE_PROBE="p:iogfloor/release device_unbind_cleanup"
grep -q " device_unbind_cleanup\$" /proc/kallsyms ||
	RELEASE_PROBE="r:iogfloor/release __device_release_driver"
# Without record-cmd: else every switch of the events also registers and
# unregisters the scheduler's tracepoints (the comm cache), more text to
# patch than the probes' own and a cost on every context switch while on.
# Under TCG that patching once hung the VM (the CPU patching waited for the
# other, looping in the int3 handler, to take the sync IPI; no module
# loaded).
floor_row() {	# floor_row WHAT PROBE: PROBE and RELEASE_PROBE switched
	if echo "$2" >>$TRACING/kprobe_events &&
	   echo "$RELEASE_PROBE" >>$TRACING/kprobe_events; then
		echo 0 >$TRACING/tracing_on
		echo 0 >$TRACING/options/record-cmd
		say "$1" $(m "$1" $PIN "$CYCLES" switch $TRACING/events/iogfloor/enable \
			"$EDU_BIND" pci-stub $SWITCH_PAIRS)
		echo 0 >$TRACING/events/iogfloor/enable
		echo 1 >$TRACING/options/record-cmd
		echo 1 >$TRACING/tracing_on
	else
		diag "no kprobe_events: $1 is not measured"
	fi
	echo "-:iogfloor/probe" >>$TRACING/kprobe_events 2>/dev/null
	echo "-:iogfloor/release" >>$TRACING/kprobe_events 2>/dev/null
}
floor_row floor "r:iogfloor/probe really_probe"
# The same with entry probes only: driver_bound() (a bind's success, no
# return value needed) instead of the return probe on really_probe(),
# which iogroup needs for a failed probe's errno.  What that errno costs.
floor_row floor_entry "p:iogfloor/probe driver_bound"
load_ready
echo >"/sys/bus/pci/devices/$EDU_BIND/driver_override"

# ----------------------------------------------------------- claim cost
G=$(group_of "$EDU_CLAIM")
echo vfio-pci >"/sys/bus/pci/devices/$EDU_CLAIM/driver_override"
echo "$EDU_CLAIM" >/sys/bus/pci/drivers/vfio-pci/bind
say claim group="$G" $(m claim $PIN "$CYCLES" claim "$G" 200)
echo "$EDU_CLAIM" >/sys/bus/pci/drivers/vfio-pci/unbind
echo >"/sys/bus/pci/devices/$EDU_CLAIM/driver_override"

# -------------------------------------------------------- event latency
echo pci-stub >"/sys/bus/pci/devices/$EDU_EVENT/driver_override"
P=/sys/module/iogroup/parameters
say event watch_us="$(cat $P/event_watch_us)" batch_ms="$(cat $P/event_batch_ms)" \
	$(m event "$CYCLES" event "$EDU_EVENT" pci-stub 200)
echo >"/sys/bus/pci/devices/$EDU_EVENT/driver_override"

# ------------------------------------------------------------- listings
# The same facts three ways, at the full size, then with devices removed
# (sysfs remove: the groups really go away) down to 64 and 16 groups.
# iogroup, the walk and an empty C program (what starting a process costs
# any of them) take turns, one run each, so that a change of the guest's
# speed falls on all three alike; then the shell loop, far slower.
list_round() {
	n=$(ngroups)
	m list $PIN "$TBENCH" "$1" iogroup list -j -- "$B/sysfs_walk" -- "$B/noop" \
		>/tmp/list.out
	say list groups="$n" tool=iogroup $(sed -n 1p /tmp/list.out)
	say list groups="$n" tool=sysfs_walk $(sed -n 2p /tmp/list.out)
	say list groups="$n" tool=noop $(sed -n 3p /tmp/list.out)
	say list groups="$n" tool=shell_loop $(m list $PIN "$TBENCH" "$2" "$B/shell_loop.sh")
}

shrink_to() {	# remove bench root ports (2 groups each), then edus
	for d in $(ls /sys/bus/pci/devices | sort -r); do
		[ "$(ngroups)" -gt "$1" ] || break
		p=/sys/bus/pci/devices/$d
		[ -e "$p" ] || continue
		[ "$(cat "$p/vendor"):$(cat "$p/device")" = 0x1234:0x11e8 ] || continue
		rp=$(basename "$(dirname "$(readlink -f "$p")")")
		if [ $(($(ngroups) - $1)) -ge 2 ] && [ "${rp#0000:00:}" != "$rp" ] &&
		   [ "$(cat "/sys/bus/pci/devices/$rp/class")" = 0x060400 ]; then
			echo 1 >"/sys/bus/pci/devices/$rp/remove"
		else
			echo 1 >"$p/remove"
		fi
	done
}

# strace -c of one run each: where the time goes, in syscalls
if command -v strace >/dev/null; then
	for t in "iogroup list -j" "$B/sysfs_walk"; do
		diag "strace -c -f $t ($(ngroups) groups):"
		strace -c -f $t 2>&1 >/dev/null | sed 's/^/#   /'
		say syscalls groups="$(ngroups)" tool="$(basename "${t%% *}")" \
			calls="$(strace -c -f $t 2>&1 >/dev/null | awk '$NF == "total" { print $4 }')"
	done
fi

# TCG translates guest code per virtual address: with ASLR each run of a
# program translates the code of its libraries again, a cost no CPU has.
# The listings run without ASLR, all three alike; one round with it first.
n=$(ngroups)
m list $PIN "$TBENCH" 20 iogroup list -j -- "$B/sysfs_walk" >/tmp/list.out
say list_aslr groups="$n" tool=iogroup $(sed -n 1p /tmp/list.out)
say list_aslr groups="$n" tool=sysfs_walk $(sed -n 2p /tmp/list.out)
echo 0 >/proc/sys/kernel/randomize_va_space
list_round 40 3
for n in 64 16; do
	[ "$(ngroups)" -gt "$n" ] || continue
	shrink_to "$n"
	list_round 40 5
done
say done
