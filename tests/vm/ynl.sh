#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/ynl.sh: the kernel's YNL tools for the YNL interop test.
# Fetches Debian's linux-source-6.12 package by name (apt-get download, into
# $CACHE/debs like kernel.sh) and extracts only tools/net/ynl and the netlink
# spec schemas (Documentation/netlink/*.yaml) into $CACHE/ynl.  Never part of
# the repository.  Prints the directory ($CACHE/ynl/linux) on success.
set -euo pipefail

CACHE=${IOGROUP_CACHE:-$HOME/.cache/iogroup}
SRC=linux-source-6.12
DEST=$CACHE/ynl

log() { printf '[ynl] %s\n' "$*" >&2; }

mkdir -p "$CACHE/debs"
# Shared with kernel.sh: one fetch at a time across checkouts.
exec 8>"$CACHE/fetch.lock"
flock 8
if [ ! -f "$DEST/.stamp" ]; then
	if ! compgen -G "$CACHE/debs/${SRC}_*.deb" >/dev/null; then
		apt-cache show "$SRC" >/dev/null 2>&1 || apt-get -q update >&2
		log "downloading $SRC"
		(cd "$CACHE/debs" && apt-get -q -o APT::Sandbox::User=root \
			download "$SRC" >&2)
	fi
	deb=$(ls -v "$CACHE/debs/${SRC}"_*.deb | tail -n 1)
	log "extracting tools/net/ynl from $(basename "$deb")"
	tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz'
	tar -xJf "$tmp"/usr/src/linux-source-*.tar.xz -C "$tmp" \
		--wildcards "$SRC/tools/net/ynl/*" "$SRC/Documentation/netlink/*.yaml"
	rm -rf "$DEST"
	mkdir -p "$DEST"
	mv "$tmp/$SRC" "$DEST/linux"
	touch "$DEST/.stamp"
fi
echo "$DEST/linux"
