#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/deps.sh: install what building iogroup and running its VM tests
# need on Debian 12 (bookworm).  Idempotent and quiet: does nothing when
# everything is installed; runs apt-get update only when a package has no
# install candidate.  Run as root (or through sudo).
set -euo pipefail

PKGS=(
	# build: module (against extracted Debian headers, via DKMS), CLI, tests
	gcc gcc-12 make libc6-dev pkg-config bc flex bison
	libelf-dev libelf1 libssl3 libssl-dev dkms kmod patch
	# pahole: BTF of modules for kernels whose headers ship vmlinux (6.12+)
	pahole
	libnl-3-dev libnl-genl-3-dev libjson-c-dev
	# kernel fetch and initramfs
	apt dpkg cpio xz-utils gzip busybox-static bash libc-bin
	coreutils findutils sed grep mawk
	# the VM (seabios and ipxe-qemu are qemu-system-x86 dependencies)
	qemu-system-x86 seabios
	# a Debian 13 userland to build modules for its 7.x kernels
	debootstrap
	# make style: checkpatch.pl
	perl
	# make deb (debian/) and its test (tests/pkg/deb.sh): dpkg-buildpackage,
	# dh with dh_dkms, lintian; the man page's test renders it with man
	dpkg-dev debhelper dh-dkms lintian man-db groff-base
	# the YNL interop test: the kernel's tools/net/ynl (cli.py) and its
	# spec schema validation
	python3 python3-yaml python3-jsonschema
)

if [ ! -r /etc/debian_version ]; then
	echo "deps.sh: not a Debian system; install the equivalent of: ${PKGS[*]}" >&2
	exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null ||
		{ echo "deps.sh: missing ${missing[*]}; run me as root" >&2; exit 1; }
	SUDO=sudo
fi

echo "deps.sh: installing ${missing[*]}"
need_update=
for p in "${missing[@]}"; do
	cand=$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: //p')
	if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
		need_update=1
		break
	fi
done
if [ -n "$need_update" ]; then
	$SUDO apt-get -qq update
fi
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -qq -y -o Dpkg::Use-Pty=0 install --no-install-recommends "${missing[@]}" \
	>/dev/null
echo "deps.sh: done"
