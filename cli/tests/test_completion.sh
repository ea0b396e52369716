#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Drives the bash completion (completion/iogroup) the way bash does: sets
# COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT, calls the function and checks
# COMPREPLY; group numbers and device names come from a fake sysfs tree
# ($IOGROUP_SYSFS_ROOT).  Its commands and options must be those of
# "iogroup help" and "iogroup help COMMAND".
# Usage: test_completion.sh ./iogroup ../completion/iogroup
IOGROUP=${1:-./iogroup}
COMPLETION=${2:-../completion/iogroup}
fail=0
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT

bad() { echo "FAIL: $*"; fail=1; }

# shellcheck disable=SC1090
. "$COMPLETION" || { echo "FAIL: cannot source $COMPLETION"; exit 1; }
[ "$(complete -p iogroup 2>/dev/null)" = "complete -F _iogroup iogroup" ] ||
	bad "complete -p iogroup: $(complete -p iogroup 2>&1)"

# A fake /sys: groups 1, 5 (three devices) and 12; a file that is no group.
S=$T/sys
mkdir -p "$S/kernel/iommu_groups/1/devices/0000:00:02.0" \
	 "$S/kernel/iommu_groups/5/devices/0000:01:00.0" \
	 "$S/kernel/iommu_groups/5/devices/0000:02:01.0" \
	 "$S/kernel/iommu_groups/5/devices/0000:02:02.0" \
	 "$S/kernel/iommu_groups/12/devices/0000:00:03.0"
: >"$S/kernel/iommu_groups/not-a-group"
export IOGROUP_SYSFS_ROOT=$S

# comp LINE: complete LINE (cursor at its end) and print COMPREPLY sorted,
# space-separated.
comp() {
	local line=$1
	read -r -a COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	_iogroup iogroup "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd' '
}

# expect LINE WANT: the completions of LINE are exactly WANT (sorted).
expect() {
	local got want
	got=$(comp "$1")
	want=$(printf '%s\n' $2 | sort | paste -sd' ')
	[ "$got" = "$want" ] || bad "'$1': got '$got', want '$want'"
}

# --- agreement with the help ------------------------------------------------
"$IOGROUP" help | sed -n '/^Commands:/,/^$/p' | grep '^  [a-z]' |
	awk '{ print $1 }' | sort | paste -sd' ' >"$T/cmds"
[ -s "$T/cmds" ] || bad "no commands parsed from iogroup help"
expect "iogroup " "$(cat "$T/cmds")"
"$IOGROUP" help | sed -n '/^Options (before or after the command):/,/^$/p' |
	grep '^ *-' | sed 's/^ *//; s/  .*//' | tr ', ' '\n\n' | grep '^-' |
	sort | paste -sd' ' >"$T/gopts"
expect "iogroup -" "$(cat "$T/gopts")"
for c in $(cat "$T/cmds"); do
	[ "$c" = help ] && continue
	opts=$("$IOGROUP" help "$c" | sed -n '/^Options:/,/^$/p' | grep '^ *-' |
	       sed 's/^ *//; s/  .*//' | tr ', ' '\n\n' | grep '^-')
	# every command takes -h/--help too; claim takes "--" COMMAND
	extra="-h --help"
	"$IOGROUP" help "$c" | head -n 1 | grep -q -- ' \[-- COMMAND' && extra="$extra --"
	expect "iogroup $c -" "$opts $extra"
done

# --- targets from the (fake) live system ------------------------------------
targets="1 5 12 0000:00:02.0 0000:01:00.0 0000:02:01.0 0000:02:02.0 0000:00:03.0"
for c in show claim release detach reattach; do
	expect "iogroup $c " "$targets"
	expect "iogroup -j $c " "$targets"
done
expect "iogroup show 0000:02" "0000:02:01.0 0000:02:02.0"
expect "iogroup show 1" "1 12"
expect "iogroup show 5 " ""			# one GROUP only
expect "iogroup claim 5 --unbind " ""
expect "iogroup claim --unbind " "$targets"	# options before GROUP
expect "iogroup claim 5 --un" "--unbind"
expect "iogroup detach 5 --driver " "vfio-pci pci-stub"
expect "iogroup detach 5 --driver v" "vfio-pci"
expect "iogroup detach 5 --driver=p" "--driver=pci-stub"
expect "iogroup detach --driver vfio-pci " "$targets"
expect "iogroup list " ""
expect "iogroup st" "stats"
expect "iogroup help " "$(cat "$T/cmds")"
expect "iogroup help re" "release reattach"
expect "iogroup help list " ""
# claim GROUP -- COMMAND: the command's own completion (here: commands)
expect "iogroup claim 5 -- true" "$(compgen -c -- true | sort -u)"
# metrics --output FILE: files
: >"$T/out.prom"
expect "iogroup metrics --output $T/out.p" "$T/out.prom"

# Another tree: the completion reads the system every time.
mkdir -p "$T/sys2/kernel/iommu_groups/7/devices/0000:09:00.0"
IOGROUP_SYSFS_ROOT=$T/sys2 expect "iogroup show " "7 0000:09:00.0"
# No IOMMU groups at all: nothing, and no error.
IOGROUP_SYSFS_ROOT=$T/none expect "iogroup show " ""

[ $fail = 0 ] && echo "test_completion: ok"
exit $fail
