#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/pkg/deb.sh: the packaging test (make check-deb; make check runs it
# through tests/vm/run.sh --packages).
#
#  1. the version agrees in dkms.conf, module/version.h, debian/changelog;
#  2. make deb builds iogroup-dkms and iogroup (dpkg-buildpackage -b), with
#     the files each must ship, and lintian finds no error or warning;
#  3. both are installed with dpkg into a Debian 12 system (a copy-on-write
#     overlay of the cached debootstrap tree, tests/vm/chroot.sh) that has
#     the headers of the 6.1 kernel the VM boots (the cached .debs of
#     tests/vm/kernel.sh): the package's postinst must have DKMS build and
#     install the module: `dkms status` says installed for that kernel, the
#     .ko is under /lib/modules/KVER/updates/dkms, and the packaged CLI runs;
#  4. that very .ko and CLI boot in the VM (tests/vm/run.sh with IOGROUP_KO
#     and IOGROUP_CLI): the guest's module load and unload checks and
#     tests/metrics.sh (the groups listed against sysfs, a claim).
#
# Prints "pass|fail NAME" lines as it goes and writes them, tab-separated,
# to $OUT/results; exits 1 if any failed.  OUT is $IOGROUP_PKG_OUT, default
# build/pkg.  Needs root (mount, chroot).  The cached tree is never written.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VM_DIR=$REPO/tests/vm
CACHE=${IOGROUP_CACHE:-$HOME/.cache/iogroup}
OUT=${IOGROUP_PKG_OUT:-$REPO/build/pkg}
SERIES=6.1		# the kernel of Debian 12
SUITE=bookworm
export IOGROUP_CACHE=$CACHE

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RESULTS=$OUT/results
: >"$RESULTS"
nfail=0

result() {	# pass|fail|skip NAME [LOG]: record, print, and on failure show LOG
	printf '%s\t%s\n' "$1" "$2" >>"$RESULTS"
	printf '%-4s %s\n' "$1" "$2"
	if [ "$1" = fail ]; then
		nfail=$((nfail + 1))
		[ -n "${3:-}" ] && [ -f "$3" ] && tail -n 40 "$3" | sed 's/^/    | /'
	fi
	return 0
}
say() { printf '\n=== %s\n' "$*"; }

ROOT=$OUT/root
mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" || true
	done
	mounted=()
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

in_root() {	# CMD...: run in the Debian 12 system
	chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

finish() {
	cleanup
	say "packages: $(grep -c '^pass' "$RESULTS") passed, $nfail failed"
	[ "$nfail" -eq 0 ]
	exit $?
}

# -- 1. one version -------------------------------------------------------------
if VERSION=$("$REPO/scripts/version-check.sh" 2>"$OUT/version.log"); then
	result pass "version $VERSION agrees in dkms.conf, module/version.h, debian/changelog"
else
	result fail "version agrees in dkms.conf, module/version.h, debian/changelog" "$OUT/version.log"
	finish
fi

# -- 2. build -------------------------------------------------------------------
say "make deb (log: $OUT/build.log)"
DEBS=$OUT/debs
# nocheck: debian/rules' test step is make -C cli test, which run.sh has
# just run (and make -C cli test alone runs it anyway).
if DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" \
   make -C "$REPO" --no-print-directory deb DEB_OUT="$DEBS" >"$OUT/build.log" 2>&1 &&
   [ -f "$DEBS/iogroup-dkms_${VERSION}_all.deb" ] &&
   compgen -G "$DEBS/iogroup_${VERSION}_*.deb" >/dev/null; then
	result pass "dpkg-buildpackage builds iogroup-dkms and iogroup $VERSION"
else
	result fail "dpkg-buildpackage builds iogroup-dkms and iogroup $VERSION" "$OUT/build.log"
	finish
fi
DKMS_DEB=$DEBS/iogroup-dkms_${VERSION}_all.deb
CLI_DEB=$(ls "$DEBS"/iogroup_"${VERSION}"_*.deb)

missing=
dpkg-deb -c "$DKMS_DEB" | awk '{ print $6 }' >"$OUT/dkms.contents"
dpkg-deb -c "$CLI_DEB" | awk '{ print $6 }' >"$OUT/cli.contents"
for f in dkms.conf module/Kbuild module/Makefile module/main.c \
	 module/compat/compat.h include/uapi/linux/iogroup.h; do
	grep -qx "./usr/src/iogroup-$VERSION/$f" "$OUT/dkms.contents" ||
		missing="$missing iogroup-dkms:/usr/src/iogroup-$VERSION/$f"
done
grep -E '\.(o|ko|cmd)$' "$OUT/dkms.contents" >"$OUT/junk" &&
	missing="$missing iogroup-dkms:build-products($(wc -l <"$OUT/junk"))"
for f in usr/sbin/iogroup usr/share/man/man8/iogroup.8.gz \
	 usr/share/bash-completion/completions/iogroup \
	 usr/share/doc/iogroup/examples/iogroup-metrics.service; do
	grep -qx "./$f" "$OUT/cli.contents" || missing="$missing iogroup:/$f"
done
dpkg-deb -f "$DKMS_DEB" Depends | grep -q dkms || missing="$missing iogroup-dkms:Depends-dkms"
if [ -z "$missing" ]; then
	result pass "package contents (module source + dkms.conf; CLI, man page, completion, examples)"
else
	echo "missing:$missing" >"$OUT/contents.log"
	result fail "package contents:$missing" "$OUT/contents.log"
fi
if command -v lintian >/dev/null; then
	if lintian --allow-root --fail-on error,warning "$DEBS"/iogroup_*.changes \
			>"$OUT/lintian.log" 2>&1; then
		result pass "lintian: no errors or warnings"
	else
		result fail "lintian: no errors or warnings" "$OUT/lintian.log"
	fi
else
	result skip "lintian not installed"
fi

# -- 3. install into Debian 12 with 6.1's headers ---------------------------------
say "Debian 12 with linux-headers for $SERIES"
if ! "$VM_DIR/kernel.sh" "$SERIES" >"$OUT/kernel.log" 2>&1; then
	result fail "fetch kernel $SERIES" "$OUT/kernel.log"
	finish
fi
KVER=$(sed -n 's/^KVER=//p' "$CACHE/k/$SERIES/env")
deb_of() { ls -v "$CACHE/debs/${1}"_*.deb 2>/dev/null | tail -n 1; }
HDEBS=("$(deb_of "linux-headers-$KVER")")
for p in $(dpkg-deb -f "${HDEBS[0]}" Depends | tr ',' '\n' |
	   sed -n 's/^ *\(linux-\(headers\|kbuild\)-[^ ]*\).*/\1/p'); do
	HDEBS+=("$(deb_of "$p")")
done
# the cached tree (made once), then a private writable layer over it
if ! "$VM_DIR/chroot.sh" "$SUITE" true >"$OUT/chroot.log" 2>&1; then
	result fail "debootstrap $SUITE (tests/vm/chroot.sh)" "$OUT/chroot.log"
	finish
fi
rm -rf "$OUT/upper" "$OUT/work" "$ROOT"
mkdir -p "$OUT/upper" "$OUT/work" "$ROOT"
if ! mount -t overlay overlay -o "lowerdir=$CACHE/chroot/$SUITE,upperdir=$OUT/upper,workdir=$OUT/work" \
		"$ROOT" 2>"$OUT/mount.log"; then
	result fail "overlay over the $SUITE tree" "$OUT/mount.log"
	finish
fi
mounted+=("$ROOT")
mount -t proc proc "$ROOT/proc" && mounted+=("$ROOT/proc")
mkdir -p "$ROOT/tmp/debs"
cp "${HDEBS[@]}" "$DKMS_DEB" "$CLI_DEB" "$ROOT/tmp/debs/"

# The headers first, then the packages: iogroup-dkms's postinst must build
# for the installed kernel that has headers.
{
	echo "### dpkg -i ${HDEBS[*]##*/}"
	in_root sh -c 'cd /tmp/debs && dpkg -i linux-*.deb' &&
	echo "### dpkg -i iogroup-dkms iogroup" &&
	in_root sh -c 'cd /tmp/debs && dpkg -i iogroup-dkms_*.deb iogroup_*.deb'
} >"$OUT/install.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && in_root dpkg-query -W -f='${db:Status-Status}\n' iogroup-dkms iogroup |
		grep -cx installed | grep -qx 2; then
	result pass "dpkg -i iogroup-dkms iogroup into Debian 12 with linux-headers-$KVER"
else
	result fail "dpkg -i iogroup-dkms iogroup into Debian 12 with linux-headers-$KVER" \
		"$OUT/install.log"
fi
in_root dkms status >"$OUT/dkms-status.log" 2>&1
if grep -Eq "^iogroup/$VERSION, $KVER, x86_64: installed" "$OUT/dkms-status.log"; then
	result pass "dkms status: iogroup/$VERSION installed for $KVER"
else
	result fail "dkms status: iogroup/$VERSION installed for $KVER" "$OUT/dkms-status.log"
fi
KO=$(ls "$ROOT/lib/modules/$KVER/updates/dkms/"iogroup.ko* 2>/dev/null | head -n 1)
if [ -n "$KO" ] &&
   [ "$(modinfo -F vermagic "$KO" | cut -d' ' -f1)" = "$KVER" ] &&
   [ "$(modinfo -F version "$KO")" = "$VERSION" ]; then
	result pass "/lib/modules/$KVER/updates/dkms/$(basename "$KO"): vermagic $KVER, version $VERSION"
else
	{ ls -lR "$ROOT/lib/modules/$KVER/updates" 2>&1; [ -n "$KO" ] && modinfo "$KO"; } \
		>"$OUT/ko.log" 2>&1
	result fail "/lib/modules/$KVER/updates/dkms/iogroup.ko built by the package" "$OUT/ko.log"
	KO=
fi
if [ "$(in_root iogroup --version 2>"$OUT/cli.log")" = "iogroup $VERSION" ] &&
   in_root bash -c '. /usr/share/bash-completion/completions/iogroup &&
	COMP_WORDS=(iogroup me); COMP_CWORD=1; _iogroup; [ "${COMPREPLY[*]}" = metrics ]' \
		>>"$OUT/cli.log" 2>&1; then
	result pass "the packaged CLI runs in Debian 12 (iogroup --version, completion)"
else
	result fail "the packaged CLI runs in Debian 12 (iogroup --version, completion)" "$OUT/cli.log"
fi
# what the VM boots: copies, so that the overlay can go
mkdir -p "$OUT/vm-input"
rm -f "$OUT/vm-input"/*
CLI=
[ -n "$KO" ] && cp "$KO" "$OUT/vm-input/" && KO=$OUT/vm-input/$(basename "$KO")
cp "$ROOT/usr/sbin/iogroup" "$OUT/vm-input/iogroup" 2>/dev/null && CLI=$OUT/vm-input/iogroup
cleanup

# -- 4. boot the packaged module -------------------------------------------------
if [ -z "$KO" ] || [ -z "$CLI" ]; then
	result fail "vm: no packaged module or CLI to boot"
	finish
fi
say "booting $KVER with the packaged module (log: $OUT/vm.log)"
rm -rf "$OUT/tests"
if ! make -C "$REPO/tests" OUT="$OUT/tests" KSFT_DIR="$CACHE/ksft" \
		>"$OUT/tests.log" 2>&1; then
	result fail "build tests" "$OUT/tests.log"
	finish
fi
# The runner's own load/unload checks, and one test that lists the groups
# through the packaged CLI and module and compares them with sysfs (the
# full suite runs on the DKMS build of run.sh; this keeps CI time small).
printf '%s\n' "# tests/pkg/deb.sh: the packaged module and CLI" metrics.sh \
	>"$OUT/tests/run.list"
IOGROUP_KO=$KO IOGROUP_CLI=$CLI IOGROUP_VM_TESTS=$OUT/tests IOGROUP_BUILD=$OUT/vm \
	"$VM_DIR/run.sh" --kernels "$SERIES" >"$OUT/vm.log" 2>&1
tail -n 1 "$OUT/vm.log"
if [ -s "$OUT/vm/results" ]; then
	while IFS=$'\t' read -r r name; do
		result "$r" "vm: $name" "$OUT/vm.log"
	done <"$OUT/vm/results"
else
	result fail "vm: run.sh reported nothing" "$OUT/vm.log"
fi
finish
