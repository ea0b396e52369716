#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/ynl_pack.sh OUT [YNL_DIR]: what the guest's YNL test (ynl.sh)
# needs, when the host has it: the kernel's tools/net/ynl (cli.py and lib,
# from linux-source, fetched by tests/vm/ynl.sh into the cache; never
# committed) and include/iogroup.yaml go to OUT/ynl/; the host's Debian
# python3 and exactly the stdlib and python3-yaml files that cli.py imports
# are listed in OUT/host-bins, which tests/vm/initramfs.sh copies into the
# image at the same paths.  Without them ynl.sh skips.
set -eu

out=${1:?usage: ynl_pack.sh OUT [YNL_DIR]}
guest=/tests/ynl	# where OUT/ynl is in the guest
ynl=${2:-${IOGROUP_CACHE:-$HOME/.cache/iogroup}/ynl/linux}/tools/net/ynl
repo=$(cd "$(dirname "$0")/.." && pwd)
py=$(readlink -f /usr/bin/python3 2>/dev/null || true)

rm -rf "$out/ynl"
if [ ! -f "$ynl/cli.py" ]; then
	echo "ynl_pack: no $ynl/cli.py (tests/vm/ynl.sh fetches it): ynl.sh will skip" >&2
	exit 0
fi
if [ -z "$py" ] || ! "$py" -c 'import yaml' 2>/dev/null; then
	echo "ynl_pack: no /usr/bin/python3 with python3-yaml: ynl.sh will skip" >&2
	exit 0
fi
mkdir -p "$out/ynl/lib"
cp "$ynl/cli.py" "$out/ynl/"
cp "$ynl"/lib/*.py "$out/ynl/lib/"
cp "$repo/include/iogroup.yaml" "$repo/tests/ynl_check.py" "$out/ynl/"

# Every module file cli.py and the check load (the rest is frozen or
# built into the interpreter).
files=$("$py" -B -E -c '
import sys
sys.path.insert(0, sys.argv[1])
import cli, json, pprint, argparse, time, select, selectors, subprocess
import lib, lib.ynl, lib.nlspec, yaml, encodings.idna, os, glob
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if f and not f.startswith(sys.argv[1]):
        print(f)
' "$out/ynl")
# Byte code, so that the slow guest does not compile ~90 modules on every
# run: unchecked-hash pycs (no source mtime check: the image's copies have
# new mtimes) in a PYTHONPYCACHEPREFIX tree keyed by the guest's paths.
"$py" -B -E - "$out/ynl" "$guest" $files <<'PY'
import importlib.util, os, py_compile, sys
out, guest, files = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.pycache_prefix = guest + '/pycache'
lib = [(f'{out}/lib/{n}', f'{guest}/lib/{n}')
       for n in os.listdir(out + '/lib') if n.endswith('.py')]
for src, dfile in [(f, f) for f in files if f.endswith('.py')] + lib:
    cfile = importlib.util.cache_from_source(dfile)
    cfile = out + cfile[len(guest):]
    py_compile.compile(src, cfile=cfile, dfile=dfile, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
PY
{
	[ -f "$out/host-bins" ] && cat "$out/host-bins"
	echo "$py"
	# os.py: the landmark by which python finds its library
	dirname "$(printf '%s\n' "$files" | grep -m 1 '/os\.py$')" | sed 's|$|/os.py|'
	printf '%s\n' "$files"
} | grep . | sort -u >"$out/host-bins.tmp"
mv "$out/host-bins.tmp" "$out/host-bins"
echo "$py" >"$out/ynl/python"
