#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/chroot.sh SUITE COMMAND [ARGS...]
#
# Runs COMMAND inside a minimal Debian SUITE made with debootstrap, for
# kernels whose kbuild tools need a newer userland than the host's (Debian
# 13's 7.x kernels link them against trixie's libc), and as the Debian 12
# system the packaging test installs iogroup's .debs into (bookworm).  The tree is made once
# and cached in $IOGROUP_CACHE/chroot/SUITE; the cache and the repository
# are bind-mounted at the same paths inside, so every path means the same
# thing in and out.  Needs root (debootstrap, mount, chroot).
set -euo pipefail

suite=${1:?usage: chroot.sh SUITE COMMAND...}
shift
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
CACHE=${IOGROUP_CACHE:-$HOME/.cache/iogroup}
root=$CACHE/chroot/$suite
# What building a module through DKMS needs.
PKGS=gcc,make,libc6-dev,libelf-dev,libssl-dev,bc,bison,flex,kmod,dkms,xz-utils,python3
case $suite in
bullseye) PKGS=$PKGS,dwarves ;;	# pahole's package before bookworm
# tests/pkg/deb.sh installs the iogroup packages and 6.1's headers into
# a copy of it: their dependencies are here already (no apt inside).
bookworm) PKGS=$PKGS,pahole,linux-compiler-gcc-12-x86,libnl-genl-3-200,libjson-c5 ;;
*) PKGS=$PKGS,pahole ;;
esac

log() { printf '[chroot] %s\n' "$*" >&2; }
die() { printf '[chroot] error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$CACHE/chroot"
exec 8>"$CACHE/chroot/$suite.lock"
flock 8	# one debootstrap at a time; released below once the tree is ready
if [ ! -f "$root/.iogroup-ready" ]; then
	command -v debootstrap >/dev/null || die "debootstrap missing (make deps)"
	mirror=$(source <(sed -n '/^debian_mirror()/,/^}/p' "$VM_DIR/kernel.sh"); debian_mirror)
	[ -n "$mirror" ] || die "no Debian archive in the host's apt sources"
	log "making a $suite tree in $root (once)"
	rm -rf "$root"
	mkdir -p "$root"
	debootstrap --variant=minbase --include="$PKGS" "$suite" "$root" "$mirror" \
		>"$CACHE/chroot/$suite.log" 2>&1 ||
		{ tail -n 20 "$CACHE/chroot/$suite.log" >&2; die "debootstrap $suite failed"; }
	touch "$root/.iogroup-ready"
fi
exec 8>&-

mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" || true
	done
}
trap cleanup EXIT
bind() {
	mkdir -p "$root$1"
	mount --bind "$1" "$root$1"
	mounted+=("$root$1")
}
mount -t proc proc "$root/proc"	# objtool reads /proc
mounted+=("$root/proc")
bind "$CACHE"
bind "$REPO"
case ${IOGROUP_BUILD:-$REPO} in
"$REPO"|"$REPO"/*) ;;
*) bind "$IOGROUP_BUILD" ;;
esac

chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	LANG=C.UTF-8 "$@"
