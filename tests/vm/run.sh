#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/run.sh [--kernels "6.1 ..."] [--demo | --selfcheck | --bench] [--packages] [-v]
#
# For each kernel series (default $KERNELS, else 6.1): fetch and extract the
# Debian kernel (kernel.sh), build iogroup through DKMS against it (in a
# private DKMS tree under the cache), build the CLI and the tests, pack an
# initramfs (initramfs.sh), boot it in qemu (q35, intel-iommu, TCG) and count
# the results the guest reports as KTAP on its second serial port.
#
# Ends with "N passed, N failed, N skipped"; exit status 0 only if nothing
# failed.  Outputs: build/vm/<series>/{console.log,ktap.log,dkms.log,...}.
#
#   --demo       the guest runs tests/vm/demo.sh on the console instead
#   --selfcheck  the guest runs tests/vm/selfcheck/ (the pipeline's own test)
#                and the results are compared with selfcheck/expected
#   --packages   also run tests/pkg/deb.sh (the Debian packages installed in
#                Debian 12, their DKMS module booted; make check does)
#   --bench      the benchmark (make bench): BENCH_PORTS (default 128) more
#                root ports with an edu each (2 IOMMU groups per port), the
#                guest runs tests/bench/bench.sh; the table goes to
#                build/vm/bench.md (tests/vm/bench-report.sh)
#   -v           show the console while the VM runs
#
# Environment: KERNELS, IOGROUP_CACHE (default ~/.cache/iogroup),
# VM_TIMEOUT (whole VM, default 240 s + 150 s per test program),
# IOGROUP_VM_TIMEOUT (per test program in the guest, default 240 s, or the
# program's timeout=S in run.list), IOGROUP_STRESS_SECONDS (the stress
# test's soak, default 150 s), IOGROUP_STRESS_UNLOADS (its unload cycles,
# default 50),
# IOGROUP_BUILD (output directory, default build/vm),
# IOGROUP_VM_APPEND (more kernel parameters, e.g. no_timer_check on a busy host),
# QEMU_EXTRA (more qemu arguments), IOGROUP_VM_TESTS (a directory to use as
# /tests instead of building tests/), IOGROUP_KO (boot this module instead
# of building one through DKMS; it must be built for the kernel booted),
# IOGROUP_CLI (this CLI in the image instead of building cli/).  A series'
# env may set VM_SLOW (both time limits are multiplied by it: the debug
# kernel) and VM_MEM (qemu -m).
set -euo pipefail

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
CACHE=${IOGROUP_CACHE:-$HOME/.cache/iogroup}
BUILD=${IOGROUP_BUILD:-$REPO/build/vm}
KERNELS=${KERNELS:-6.1}
VM_TIMEOUT=${VM_TIMEOUT:-}	# default: from the number of test programs
CONSOLE_BAD='WARNING:|BUG:|Oops|Call Trace|general protection|KASAN|refcount_t|blocked for more than|detected stall'
MODE=check
VERBOSE=
PACKAGES=

while [ $# -gt 0 ]; do
	case $1 in
	--kernels) KERNELS=$2; shift ;;
	--kernels=*) KERNELS=${1#*=} ;;
	--demo) MODE=demo ;;
	--selfcheck) MODE=selfcheck ;;
	--packages) PACKAGES=1 ;;
	--bench) MODE=bench ;;
	-v|--verbose) VERBOSE=1 ;;
	-h|--help) awk 'NR > 2 && !/^#/ { exit } NR > 2' "$0" |
		sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

export IOGROUP_CACHE=$CACHE
mkdir -p "$BUILD" "$CACHE"
# One run at a time per build directory (its DKMS trees, logs and initramfs);
# runs of other checkouts share only the cache, whose fetches kernel.sh and
# chroot.sh serialise themselves.
BUILD=$(cd "$BUILD" && pwd)
export IOGROUP_BUILD=$BUILD	# chroot.sh binds it for the DKMS trees
exec 9>"$BUILD/.run.lock"
if ! flock -n 9; then
	echo "run.sh: another run holds $BUILD/.run.lock; waiting for it" >&2
	flock 9
fi
RESULTS=$BUILD/results
DETAILS=$BUILD/details
rm -rf "$RESULTS" "$DETAILS"
mkdir -p "$DETAILS"
: >"$RESULTS"
nhostfail=0
T0=$(date +%s)

say() { printf '\n=== %s\n' "$*"; }
now() { date +%s; }

# host_result pass|fail|skip NAME [LOGFILE]: a check made on the host.
host_result() {
	printf '%s\t%s\n' "$1" "$2" >>"$RESULTS"
	if [ "$1" = fail ]; then
		nhostfail=$((nhostfail + 1))
		{
			echo "$2"
			[ -n "${3:-}" ] && [ -f "$3" ] && log_excerpt "$3"
		} >"$DETAILS/host-$nhostfail"
	fi
	printf '%-4s %s\n' "$1" "$2"
}

# log_excerpt FILE: a long log's first errors and its end, a short one whole.
log_excerpt() {
	if [ "$(wc -l <"$1")" -le 80 ]; then
		cat "$1"
		return
	fi
	echo "[first errors of $1]"
	grep -n -m 20 -E 'error:|Error|ERROR|undefined|No such file|not found' "$1" || true
	echo "[last 50 lines]"
	tail -n 50 "$1"
}

# -- host builds shared by all kernels ------------------------------------------
CLI=
TESTS_OUT=
build_userspace() {
	# kselftest_harness.h for the tests (and checkpatch): from linux-source.
	if ! "$VM_DIR/kernel.sh" --tools >"$BUILD/ksft.log" 2>&1; then
		host_result fail "fetch kselftest headers" "$BUILD/ksft.log"
	fi
	# The kernel's YNL tools (tests/ynl.sh) and the spec against their
	# schema.
	if "$VM_DIR/ynl.sh" --check "$REPO/include/iogroup.yaml" \
			>"$BUILD/ynl.log" 2>&1; then
		host_result pass "ynl spec valid (include/iogroup.yaml)"
	else
		host_result fail "ynl spec valid (include/iogroup.yaml)" "$BUILD/ynl.log"
	fi
	if [ -n "${IOGROUP_CLI:-}" ]; then
		echo "using the CLI in IOGROUP_CLI=$IOGROUP_CLI"
		CLI=$IOGROUP_CLI
	elif [ -f "$REPO/cli/Makefile" ]; then
		say "building the CLI (make -C cli)"
		if make -C "$REPO/cli" >"$BUILD/cli.log" 2>&1; then
			CLI=$REPO/cli/iogroup
			host_result pass "build cli"
		else
			host_result fail "build cli" "$BUILD/cli.log"
		fi
		# its host-side tests: output, parsers, guard, man page, completion
		if [ "$MODE" = check ] && [ -n "$CLI" ]; then
			if make -C "$REPO/cli" test >"$BUILD/cli-test.log" 2>&1; then
				host_result pass "cli host tests (make -C cli test)"
			else
				host_result fail "cli host tests (make -C cli test)" \
					"$BUILD/cli-test.log"
			fi
		fi
	else
		echo "no cli/Makefile: the image has no CLI"
	fi
	if [ "$MODE" = selfcheck ]; then
		say "building the pipeline's self-check (tests/vm/selfcheck)"
		TESTS_OUT=$BUILD/selfcheck
		rm -rf "$TESTS_OUT"
		mkdir -p "$TESTS_OUT/selfcheck"
		cp "$VM_DIR"/selfcheck/*.sh "$TESTS_OUT/selfcheck/"
		cp "$VM_DIR/selfcheck/run.list" "$TESTS_OUT/"
		if gcc -Wall -O2 -I"$CACHE/ksft" -o "$TESTS_OUT/selfcheck/harness" \
				"$VM_DIR/selfcheck/harness.c" >"$BUILD/selfcheck.log" 2>&1; then
			host_result pass "build selfcheck"
		else
			host_result fail "build selfcheck" "$BUILD/selfcheck.log"
		fi
		export IOGROUP_VM_TIMEOUT=${IOGROUP_VM_TIMEOUT:-10}
	elif [ "$MODE" != demo ] && [ -n "${IOGROUP_VM_TESTS:-}" ]; then
		echo "using the prebuilt tests in IOGROUP_VM_TESTS=$IOGROUP_VM_TESTS"
		TESTS_OUT=$(cd "$IOGROUP_VM_TESTS" && pwd)
	elif [ "$MODE" != demo ] && [ -f "$REPO/tests/Makefile" ]; then
		say "building the tests (make -C tests OUT=build/vm/tests)"
		rm -rf "$BUILD/tests"
		if make -C "$REPO/tests" OUT="$BUILD/tests" KSFT_DIR="$CACHE/ksft" \
				>"$BUILD/tests.log" 2>&1; then
			TESTS_OUT=$BUILD/tests
			[ -f "$TESTS_OUT/run.list" ] || { [ -f "$REPO/tests/run.list" ] &&
				cp "$REPO/tests/run.list" "$TESTS_OUT/"; } || true
			host_result pass "build tests"
			# strace -c in the guest, to show where the time goes
			if [ "$MODE" = bench ] && command -v strace >/dev/null; then
				command -v strace >>"$TESTS_OUT/host-bins"
			fi
		else
			host_result fail "build tests" "$BUILD/tests.log"
		fi
	fi
}

# -- DKMS build in a private tree -------------------------------------------------
# dkms_build SERIES: sets KO.
dkms_build() {
	local series=$1 out=$BUILD/$1 tree=$BUILD/dkms/$1 ver src
	ver=$(sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$REPO/dkms.conf")
	rm -rf "$tree"
	mkdir -p "$tree/dkms" "$tree/src" "$tree/installed"
	# A snapshot of exactly what dkms-install ships.
	src=$tree/src/iogroup-$ver
	mkdir -p "$src"
	cp -a "$REPO/dkms.conf" "$REPO/module" "$REPO/include" "$src/"
	find "$src/module" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name modules.order \
		-o -name Module.symvers \) -delete
	local dk=(--dkmstree "$tree/dkms" --sourcetree "$tree/src"
		  --installtree "$tree/installed")
	# Kernels whose kbuild tools need a newer userland build in a chroot
	# of that Debian release (tests/vm/chroot.sh), with the same paths.
	local in=()
	[ -n "${BUILD_SUITE:-}" ] && in=("$VM_DIR/chroot.sh" "$BUILD_SUITE")
	# sign_file: never sign (nor create MOK keys in /var/lib/dkms).
	{
		"${in[@]}" env sign_file=/nonexistent-no-signing \
			dkms add -m iogroup -v "$ver" "${dk[@]}" &&
		"${in[@]}" env sign_file=/nonexistent-no-signing \
			dkms build -m iogroup -v "$ver" "${dk[@]}" ${DKMS_FLAGS:-} \
			-k "$KVER" --kernelsourcedir "$KSRC"
	} >"$out/dkms.log" 2>&1 || {
		# dkms leaves make.log in the build directory on failure.
		cat "$tree"/dkms/iogroup/"$ver"/build/make.log >>"$out/dkms.log" 2>/dev/null
		return 1
	}
	cat "$tree/dkms/iogroup/$ver/$KVER"/*/log/make.log >>"$out/dkms.log" 2>/dev/null
	KO=$(find "$tree/dkms/iogroup/$ver/$KVER" -name 'iogroup.ko*' | head -n 1)
	[ -n "$KO" ]
}

# -- qemu -------------------------------------------------------------------------
# vm_timeout: the whole VM's time limit, VM_TIMEOUT or from the number of
# test programs (240 s + per program its timeout and 30 s of slack).
# Both limits are multiplied by the series' VM_SLOW (its env; default 1).
vm_timeout() {
	local n=0 t=${IOGROUP_VM_TIMEOUT:-240} s=${VM_SLOW:-1}
	if [ -n "$VM_TIMEOUT" ]; then
		echo $((VM_TIMEOUT * s))
		return
	fi
	if [ "$MODE" = bench ]; then
		echo 3600
		return
	fi
	if [ -n "$TESTS_OUT" ] && [ -f "$TESTS_OUT/run.list" ]; then
		# each program: its timeout=S from run.list, else $t; plus 30 s
		n=$(sed 's/#.*//' "$TESTS_OUT/run.list" | awk -v t="$t" '
			NF { s = t
			     for (i = 2; i <= NF; i++)
				if ($i ~ /^timeout=[0-9]+$/) s = substr($i, 9)
			     sum += s + 30 }
			END { print sum + 0 }')
	fi
	echo $(((240 + n) * s))
}

# prog_timeout: the guest's per-program limit (IOGROUP_VM_TIMEOUT x VM_SLOW).
prog_timeout() {
	echo $((${IOGROUP_VM_TIMEOUT:-240} * ${VM_SLOW:-1}))
}

QEMU_PID=
trap '[ -z "$QEMU_PID" ] || kill "$QEMU_PID" 2>/dev/null' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# bench_devices: --bench's hundreds of IOMMU groups.  BENCH_PORTS PCIe root
# ports (8 functions per slot of pcie.0 from slot 8; each has ACS, so each
# is a group of its own) with an edu behind each (another group).
bench_devices() {
	local i s f mf
	[ "$MODE" = bench ] || return 0
	for ((i = 0; i < ${BENCH_PORTS:-128}; i++)); do
		s=$((8 + i / 8)) f=$((i % 8)) mf=
		[ "$f" = 0 ] && mf=,multifunction=on
		printf -- '-device pcie-root-port,id=brp%d,bus=pcie.0,addr=%x.%d,chassis=%d%s ' \
			"$i" "$s" "$f" $((i + 10)) "$mf"
		printf -- '-device edu,bus=brp%d ' "$i"
	done
}

boot_vm() {
	local out=$1 append=$2 rc=0 vm_timeout
	vm_timeout=$(vm_timeout)
	# shellcheck disable=SC2207
	local bench=($(bench_devices))
	local qemu=(timeout --foreground -k 10 "$vm_timeout" qemu-system-x86_64
		-machine q35 -accel tcg -cpu max -smp 2 -m "${VM_MEM:-1G}"
		-nographic -no-reboot -vga none -nic none -monitor none
		-device intel-iommu,intremap=on
		# single-device groups: an e1000e (has a driver) and an edu (none)
		-device e1000e,bus=pcie.0,addr=02.0
		# dma_mask: edu's default 28-bit mask clamps DMA addresses
		# above 256 MiB (tests/dma_block)
		-device edu,bus=pcie.0,addr=03.0,dma_mask=0xffffffff
		# one multi-device group: a PCIe-to-PCI bridge, an e1000 and an edu
		-device pcie-root-port,id=rp1,bus=pcie.0,addr=04.0,chassis=1
		-device pcie-pci-bridge,id=pbr,bus=rp1
		-device e1000,bus=pbr,addr=01.0
		-device edu,bus=pbr,addr=02.0
		# a virtio device behind its own root port
		-device pcie-root-port,id=rp2,bus=pcie.0,addr=05.0,chassis=2
		-device virtio-rng-pci,bus=rp2
		# hot-plug: each device alone on a root port, with a qemu id
		# the guest's tests use (device_del hpnic; device_add
		# e1000e,bus=rp3,id=hpnic; edu,bus=rp4,id=hpedu)
		-device pcie-root-port,id=rp3,bus=pcie.0,addr=06.0,chassis=3
		-device e1000e,bus=rp3,id=hpnic
		-device pcie-root-port,id=rp4,bus=pcie.0,addr=07.0,chassis=4
		-device edu,bus=rp4,id=hpedu,dma_mask=0xffffffff
		"${bench[@]}"
		-serial stdio -serial "file:$out/ktap.log"
		# ttyS2: the guest's own HMP monitor (a socket chardev that
		# qemu connects to itself)
		-chardev "socket,id=hmp,path=$out/hmp.sock,server=on,wait=off"
		-mon chardev=hmp,mode=readline
		-chardev "socket,id=hmpc,path=$out/hmp.sock"
		-serial chardev:hmpc
		-kernel "$VMLINUZ" -initrd "$out/initramfs.gz"
		# no_timer_check: a busy host can make TCG fail the early IO-APIC
		# timer check (a "timer doesn't work through Interrupt-remapped
		# IO-APIC" panic), nothing the tests are about
		-append "console=ttyS0 intel_iommu=on panic=-1 no_timer_check $append"
		${QEMU_EXTRA:-})
	printf '%q ' "${qemu[@]}" >"$out/qemu.cmd"
	echo >>"$out/qemu.cmd"
	: >"$out/ktap.log"
	# In the background so that the EXIT trap can stop it.
	if [ -n "$VERBOSE" ] || [ "$MODE" = demo ]; then
		"${qemu[@]}" </dev/null > >(tee "$out/console.log") 2>&1 &
	else
		"${qemu[@]}" </dev/null >"$out/console.log" 2>&1 &
	fi
	QEMU_PID=$!
	wait "$QEMU_PID" || rc=$?
	QEMU_PID=
	[ -z "$VERBOSE" ] && [ "$MODE" != demo ] || sleep 0.5	# let tee finish
	return "$rc"
}

run_kernel() {
	local series=$1 out=$BUILD/$1 t rc p="$1: "
	mkdir -p "$out"
	rm -f "$out"/{console.log,ktap.log,initramfs.gz}

	say "$series: kernel (tests/vm/kernel.sh $series)"
	t=$(now)
	if ! "$VM_DIR/kernel.sh" "$series" 2>&1 | tee "$out/kernel.log"; then
		host_result fail "${p}kernel fetch" "$out/kernel.log"
		return
	fi
	# shellcheck disable=SC1090,SC1091
	BUILD_SUITE= VM_APPEND= DKMS_FLAGS= VM_SLOW= VM_MEM=
	. "$CACHE/k/$series/env"
	TIME_FETCH=$(( $(now) - t ))

	t=$(now)
	if [ -n "${IOGROUP_KO:-}" ]; then
		# A module built elsewhere (tests/pkg/deb.sh: by the package).
		KO=$IOGROUP_KO
		local vm
		vm=$(modinfo -F vermagic "$KO" 2>"$out/dkms.log" | cut -d" " -f1) || true
		if [ "$vm" = "$KVER" ]; then
			host_result pass "${p}given module $(basename "$KO") is for $KVER"
		else
			host_result fail "${p}given module $KO is for '$vm', not $KVER" "$out/dkms.log"
			return
		fi
	elif say "$series: DKMS build for $KVER" && dkms_build "$series"; then
		host_result pass "${p}dkms build"
		grep -E 'warning|error' "$out/dkms.log" || true
	else
		host_result fail "${p}dkms build" "$out/dkms.log"
		return
	fi
	TIME_DKMS=$(( $(now) - t ))

	say "$series: initramfs"
	if KVER=$KVER KROOT=$CACHE/k/$series IOGROUP_KO=$KO CLI=$CLI \
	   TESTS_OUT=$TESTS_OUT VM_DIR=$VM_DIR \
	   "$VM_DIR/initramfs.sh" "$out/initramfs.gz" >"$out/initramfs.log" 2>&1; then
		echo "$(du -h "$out/initramfs.gz" | cut -f1) $out/initramfs.gz"
	else
		host_result fail "${p}initramfs" "$out/initramfs.log"
		return
	fi

	local append="iogroupvm.mode=$MODE"
	[ "$MODE" = selfcheck ] && append="iogroupvm.mode=check"
	[ "$MODE" = demo ] && append="$append quiet"
	# no PCIe port services: 128 root ports probe in minutes under TCG;
	# no soft-lockup watchdog: under TCG on a busy host, enumerating them
	# keeps a vCPU in the kernel for tens of seconds; no early timer
	# check (it gives up under TCG on a busy host: "timer doesn't work
	# through Interrupt-remapped IO-APIC")
	[ "$MODE" = bench ] &&
		append="$append quiet pcie_ports=compat nosoftlockup no_timer_check"
	[ -n "${VM_APPEND:-}" ] && append="$append $VM_APPEND"
	[ -n "${IOGROUP_VM_TIMEOUT:-}${VM_SLOW:-}" ] && append="$append iogroupvm.timeout=$(prog_timeout)"
	[ -n "${VM_SLOW:-}" ] && append="$append iogroupvm.slow=$VM_SLOW"
	[ -n "${IOGROUP_STRESS_SECONDS:-}" ] && append="$append iogroupvm.stress_seconds=$IOGROUP_STRESS_SECONDS"
	[ -n "${IOGROUP_STRESS_UNLOADS:-}" ] && append="$append iogroupvm.stress_unloads=$IOGROUP_STRESS_UNLOADS"
	[ -n "${IOGROUP_VM_APPEND:-}" ] && append="$append $IOGROUP_VM_APPEND"
	say "$series: booting $KVER (timeout $(vm_timeout)s; console: $out/console.log)"
	t=$(now)
	rc=0
	boot_vm "$out" "$append" || rc=$?
	TIME_BOOT=$(( $(now) - t ))
	echo "qemu exited with status $rc after ${TIME_BOOT}s"

	if grep -q 'iogroup-vm: init started' "$out/console.log"; then
		host_result pass "${p}vm booted"
	else
		host_result fail "${p}vm booted" "$out/console.log"
	fi
	if [ "$rc" -eq 0 ] && grep -q 'iogroup-vm: powering off' "$out/console.log"; then
		host_result pass "${p}vm powered off"
	else
		local why="qemu status $rc"
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			why="TIMEOUT after $(vm_timeout)s"
			echo "VM TIMEOUT after $(vm_timeout)s" >>"$out/console.log"
		elif grep -q 'Kernel panic' "$out/console.log"; then
			why=$(grep -m 1 -o 'Kernel panic.*' "$out/console.log")
		elif grep -q 'iogroup-vm: .*unkillable' "$out/console.log"; then
			why=$(grep -m 1 -o 'iogroup-vm: .*unkillable.*' "$out/console.log")
		fi
		host_result fail "${p}vm powered off ($why)"
	fi
	# Independent of the guest's own dmesg check.
	console_check "$out" "$p"

	if [ "$MODE" = bench ]; then
		if grep -q '^BENCH done' "$out/ktap.log" &&
		   "$VM_DIR/bench-report.sh" "$out/ktap.log" "$BUILD/bench.md"; then
			host_result pass "${p}bench"
		else
			host_result fail "${p}bench" "$out/ktap.log"
		fi
		return
	fi
	if [ "$MODE" = demo ]; then
		if grep -q 'iogroup-vm: demo exited with status 0' "$out/console.log"; then
			host_result pass "${p}demo"
		else
			host_result fail "${p}demo" "$out/console.log"
		fi
		return
	fi
	ktap_check "$out" "$p" "$DETAILS/$series"
	if [ "$MODE" = check ] && [ -n "$TESTS_OUT" ] && [ -f "$TESTS_OUT/boot_claims.sh" ]; then
		boot_claims_run "$series"
	fi
}

# boot_claims_run SERIES: boot the same image again in iogroupvm.mode=boot,
# where /init applies tests/boot_claims.conf through contrib's init-top
# script before loading the drivers and runs tests/boot_claims.sh.
boot_claims_run() {
	local series=$1 out=$BUILD/$1/boot p="$1: boot: " rc=0 t
	local VM_TIMEOUT=${VM_TIMEOUT:-300}
	mkdir -p "$out"
	rm -f "$out"/{console.log,ktap.log}
	ln -sf ../initramfs.gz "$out/initramfs.gz"
	say "$series: boot-time claims boot (console: $out/console.log)"
	t=$(now)
	boot_vm "$out" "iogroupvm.mode=boot${VM_APPEND:+ $VM_APPEND}" || rc=$?
	TIME_BOOT2=$(( $(now) - t ))
	echo "qemu exited with status $rc after ${TIME_BOOT2}s"
	if [ "$rc" -eq 0 ] && grep -q 'iogroup-vm: powering off' "$out/console.log"; then
		host_result pass "${p}vm powered off"
	else
		host_result fail "${p}vm powered off (qemu status $rc)" "$out/console.log"
	fi
	console_check "$out" "$p"
	ktap_check "$out" "$p" "$DETAILS/$series-boot"
}

# console_check OUT PREFIX: no oops, WARN, ... ($CONSOLE_BAD) on
# OUT/console.log; the lines around them in OUT/console-bad.log.
console_check() {
	local out=$1 p=$2

	if grep -E -n -B2 -A12 "$CONSOLE_BAD" \
			"$out/console.log" >"$out/console-bad.log"; then
		host_result fail "${p}console clean" "$out/console-bad.log"
	else
		host_result pass "${p}console clean"
	fi
}

# ktap_check OUT PREFIX DETAILS: count OUT/ktap.log's results (ktap.awk,
# one file a failure in DETAILS) and check the document is complete: a
# plan, as many results, the runner's end marker.
ktap_check() {
	local out=$1 p=$2 details=$3 meta plan results done

	awk -v prefix="$p" -v results="$RESULTS" -v details="$details" \
		-v meta="$out/ktap.meta" -f "$VM_DIR/ktap.awk" \
		< <(mkdir -p "$details"; tr -d '\r' <"$out/ktap.log")
	meta=$(cat "$out/ktap.meta")
	eval "$meta"
	if [ "$plan" -ge 0 ] && [ "$plan" -eq "$results" ] && [ "$done" -eq 1 ]; then
		host_result pass "${p}ktap complete ($results results)"
	else
		host_result fail "${p}ktap complete ($meta)" "$out/ktap.log"
	fi
}

show_failures() {
	local f k
	say "FAILURES"
	for f in $(find "$DETAILS" -type f | sort -V); do
		echo "--- FAIL: $(head -n 1 "$f")"
		tail -n +2 "$f" | sed 's/^/    /'
	done
	for k in $KERNELS; do
		[ -s "$BUILD/$k/console.log" ] || continue
		say "$k: last 40 lines of the console (build/vm/$k/console.log)"
		tail -n 40 "$BUILD/$k/console.log"
	done
}

# -- main -----------------------------------------------------------------------------
for tool in qemu-system-x86_64 dkms dpkg-deb apt-get cpio gzip depmod busybox; do
	command -v "$tool" >/dev/null ||
		{ echo "run.sh: $tool is missing: run scripts/deps.sh (make deps)" >&2; exit 2; }
done
[ -x /bin/busybox ] || { echo "run.sh: /bin/busybox missing (busybox-static)" >&2; exit 2; }

build_userspace
TIMES=
for k in $KERNELS; do
	TIME_FETCH=- TIME_DKMS=- TIME_BOOT=- TIME_BOOT2=-
	run_kernel "$k"
	TIMES="$TIMES$k: fetch ${TIME_FETCH}s, dkms ${TIME_DKMS}s, vm ${TIME_BOOT}s, boot vm ${TIME_BOOT2}s; "
done

# The Debian packages: built, installed into Debian 12 with 6.1's headers,
# the module DKMS built there booted (tests/pkg/deb.sh, its own VM run).
if [ -n "$PACKAGES" ] && [ "$MODE" = check ]; then
	say "packages (tests/pkg/deb.sh; log: $BUILD/pkg.log)"
	t=$(now)
	IOGROUP_PKG_OUT=$BUILD/pkg "$REPO/tests/pkg/deb.sh" >"$BUILD/pkg.log" 2>&1 || true
	if [ -s "$BUILD/pkg/results" ]; then
		while IFS=$'\t' read -r r name; do
			host_result "$r" "packages: $name" "$BUILD/pkg.log"
		done <"$BUILD/pkg/results"
	else
		host_result fail "packages: tests/pkg/deb.sh reported nothing" "$BUILD/pkg.log"
	fi
	TIMES="${TIMES}packages $(( $(now) - t ))s; "
fi

if [ "$MODE" = bench ]; then
	if grep -q '^fail' "$RESULTS"; then
		show_failures
		say "bench FAILED (build/vm/<series>/ktap.log)"
		exit 1
	fi
	say "bench: build/vm/bench.md"
	cat "$BUILD/bench.md"
	exit 0
fi

if [ "$MODE" = demo ]; then
	if grep -q '^fail' "$RESULTS"; then
		show_failures
		say "demo FAILED (console: build/vm/<series>/console.log)"
		exit 1
	fi
	say "demo finished (console: build/vm/<series>/console.log)"
	exit 0
fi

if [ "$MODE" = selfcheck ]; then
	say "selfcheck: results compared with tests/vm/selfcheck/expected"
	rc=0
	for k in $KERNELS; do
		grep "^[a-z]*"$'\t'"$k: selfcheck/" "$RESULTS" | sed "s/\t$k: /\t/" |
			diff -u "$VM_DIR/selfcheck/expected" - || rc=1
	done
	[ $rc -eq 0 ] && echo "selfcheck: the pipeline counts as expected" ||
		echo "selfcheck: MISMATCH"
	exit $rc
fi

npass=$(grep -c '^pass' "$RESULTS" || true)
nfail=$(grep -c '^fail' "$RESULTS" || true)
nskip=$(grep -c '^skip' "$RESULTS" || true)

[ "$nfail" -gt 0 ] && show_failures

# The matrix of this run, per kernel: what the README's table shows
# (make check-matrix writes it there).
{
	echo "| series | Debian kernel | passed | failed | run |"
	echo "|---|---|---|---|---|"
	for k in $KERNELS; do
		kv=$(sed -n 's/^KVER=//p' "$CACHE/k/$k/env" 2>/dev/null)
		kp=$(grep -c "^pass"$'\t'"$k: " "$RESULTS" || true)
		kf=$(grep -c "^fail"$'\t'"$k: " "$RESULTS" || true)
		echo "| $k | ${kv:-?} | $kp | $kf | $(date -u +%Y-%m-%d) |"
	done
} >"$BUILD/matrix.md"

say "results"
grep -v '^pass' "$RESULTS" | sed 's/^\([a-z]*\)\t/\U\1\E  /' || true
echo "timings: ${TIMES}total $(( $(now) - T0 ))s"
if [ "$nskip" -gt 0 ]; then
	echo "$npass passed, $nfail failed, $nskip skipped"
else
	echo "$npass passed, $nfail failed"
fi
[ "$nfail" -eq 0 ]
