#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/initramfs.sh OUTPUT.cpio.gz
#
# Builds the test VM's initramfs from the host's Debian 12 userland (busybox
# static, kmod, bash and the shared libraries of every ELF copied via ldd) and
# the extracted guest kernel's modules.  Environment:
#   KVER KROOT     guest kernel release and the root its lib/modules is under
#   IOGROUP_KO     the DKMS-built module (-> /lib/modules/$KVER/updates/dkms/)
#   CLI            the iogroup CLI (optional, -> /usr/bin/iogroup)
#   TESTS_OUT      the tests' build output (optional, -> /tests)
#   VM_DIR         tests/vm
set -euo pipefail

out=${1:?usage: initramfs.sh OUTPUT}
: "${KVER:?}" "${KROOT:?}" "${IOGROUP_KO:?}" "${VM_DIR:?}"
CLI=${CLI:-}
TESTS_OUT=${TESTS_OUT:-}

root=$(mktemp -d "${TMPDIR:-/tmp}/iogroup-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

die() { echo "[initramfs] error: $*" >&2; exit 1; }

# copy_file SRC [DEST]: copy (dereferenced) into the image, DEST absolute.
copy_file() {
	local dest=${2:-$1}
	mkdir -p "$root$(dirname "$dest")"
	cp -L "$1" "$root$dest"
}

# copy_elf SRC [DEST]: copy a program or library and its shared libraries.
copy_elf() {
	local lib
	copy_file "$@"
	# Not an ELF, or static: nothing more to do.
	ldd "$1" >/dev/null 2>&1 || return 0
	for lib in $(ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
				  $1 ~ /^\// { print $1 }'); do
		[ -e "$root$lib" ] || copy_file "$lib"
	done
}

chmod 755 "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,proc,sys,dev,run,tmp,root,home/user,tests}
mkdir -p "$root"/{usr/lib/iogroup-vm,etc/iogroup-vm}

# -- busybox, with kmod's module tools and bash ---------------------------------
copy_file /bin/busybox /bin/busybox
for applet in $(/bin/busybox --list-full); do
	case ${applet##*/} in
	modprobe|insmod|rmmod|lsmod|depmod|modinfo|bash|busybox) continue ;;
	esac
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
copy_elf /bin/kmod /bin/kmod
for t in modprobe insmod rmmod lsmod depmod modinfo; do
	ln -sf /bin/kmod "$root/sbin/$t"
done
copy_elf /bin/bash /bin/bash

# -- users: root and an unprivileged "user" (uid/gid 1000) ----------------------
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:unprivileged test user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
user:x:1000:
nogroup:x:65534:
EOF
chown 1000:1000 "$root/home/user"
# as-user [-u UID] CMD...: run CMD as uid/gid 1000, no supplementary groups.
gcc -O2 -Wall -o "$root.as-user" "$VM_DIR/guest/as-user.c"
copy_elf "$root.as-user" /usr/bin/as-user; rm -f "$root.as-user"
printf '/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' >"$root/etc/ld.so.conf"
echo "iogroup-vm" >"$root/etc/hostname"

# -- kernel modules -------------------------------------------------------------
kmods=$KROOT/lib/modules/$KVER
[ -f "$kmods/modules.dep.bin" ] || depmod -b "$KROOT" "$KVER"
want=$(sed -e 's/#.*//' "$VM_DIR/modules.list")
# The module's own dependencies (none expected, but be general).
deps=$(modinfo -F depends "$IOGROUP_KO" | tr ',' ' ')
for m in $want $deps; do
	modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" ||
		die "guest module $m not found in $kmods"
done | awk '$1 == "insmod" { print $2 }' | sort -u | while read -r ko; do
	copy_file "$ko" "${ko#"$KROOT"}"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$kmods/$f" ] && copy_file "$kmods/$f" "/lib/modules/$KVER/$f"
done
copy_file "$IOGROUP_KO" "/lib/modules/$KVER/updates/dkms/$(basename "$IOGROUP_KO")"
depmod -b "$root" "$KVER"
echo "$want" | tr ' ' '\n' | grep . >"$root/etc/iogroup-vm/modules"

# -- the guest scripts, CLI and tests -------------------------------------------
install -m 755 "$VM_DIR/guest/init" "$root/init"
install -m 644 "$VM_DIR/guest/runner.sh" "$VM_DIR/guest/topology.sh" \
	"$root/usr/lib/iogroup-vm/"
install -m 755 "$VM_DIR/demo.sh" "$root/usr/lib/iogroup-vm/demo.sh"

if [ -n "$CLI" ]; then
	copy_elf "$CLI" /usr/bin/iogroup
fi
if [ -n "$TESTS_OUT" ] && [ -d "$TESTS_OUT" ]; then
	cp -a "$TESTS_OUT/." "$root/tests/"
	find "$TESTS_OUT" -type f -perm -u+x | while read -r f; do
		copy_elf "$f" "/tests/${f#"$TESTS_OUT"/}"
	done
	# Host programs the tests ask for (one absolute path per line).
	if [ -f "$TESTS_OUT/host-bins" ]; then
		for b in $(sed 's/#.*//' "$TESTS_OUT/host-bins"); do
			copy_elf "$b"
		done
	fi
fi

ldconfig -r "$root"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet --reproducible) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
