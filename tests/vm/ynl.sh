#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/ynl.sh: the kernel's YNL tools for the YNL interop test.
# Fetches Debian's linux-source-6.12 package by name (apt-get download, into
# $CACHE/debs like kernel.sh) and extracts only tools/net/ynl and the netlink
# spec schemas (Documentation/netlink/*.yaml) into $CACHE/ynl.  Never part of
# the repository.  Prints the directory ($CACHE/ynl/linux) on success.
#
#   tests/vm/ynl.sh --check SPEC   also validate SPEC against the YNL schema
#                                  its protocol names (python3-jsonschema)
#                                  and parse it with YNL's own lib/nlspec.py
set -euo pipefail

CHECK=
if [ "${1:-}" = --check ]; then
	CHECK=${2:?usage: ynl.sh --check SPEC}
fi

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
exec 8>&-
echo "$DEST/linux"
[ -n "$CHECK" ] || exit 0

proto=$(sed -n 's/^protocol: *//p' "$CHECK")
log "validating $CHECK against Documentation/netlink/${proto:-genetlink}.yaml"
/usr/bin/python3 -B - "$DEST/linux" "$CHECK" "${proto:-genetlink}" <<'PY'
import sys
root, spec, proto = sys.argv[1:4]
try:
    import jsonschema  # noqa: F401 (nlspec validates with it)
except ImportError:
    sys.exit("python3-jsonschema is missing: run scripts/deps.sh")
sys.path.insert(0, root + '/tools/net/ynl')
from lib.nlspec import SpecFamily
f = SpecFamily(spec, f'{root}/Documentation/netlink/{proto}.yaml')
print(f'{spec}: valid {proto} spec, family {f.name}, '
      f'operations {", ".join(f.msgs)}')
PY
