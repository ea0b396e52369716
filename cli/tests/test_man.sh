#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The manual page and the built-in help agree: every command and option of
# "iogroup help", "iogroup help COMMAND" and "iogroup COMMAND --help" is in
# man/iogroup.8 and every one there is in the help, with the same synopsis;
# and man renders the page without a warning.
# Usage: test_man.sh ./iogroup ../man/iogroup.8
IOGROUP=${1:-./iogroup}
MAN=${2:-../man/iogroup.8}
fail=0
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT

bad() { echo "FAIL: $*"; fail=1; }

# same WHAT FILE1 FILE2: two sorted lists must be equal.
same() {
	if ! cmp -s "$2" "$3"; then
		bad "$1: help and man page differ (< help, > man page):"
		diff "$2" "$3" | grep '^[<>]' | sed 's/^/  /'
	fi
}

# roff text without font escapes, quotes and macro names: "\fB\-\-x\fR" -> "--x"
unroff() {
	sed -e 's/^\.[A-Z]* *//' -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' \
	    -e 's/\\&//g' -e 's/"//g'
}

[ -r "$MAN" ] || { echo "FAIL: no $MAN"; exit 1; }

# --- the man page --------------------------------------------------------------
# Global options: the .TP tags of OPTIONS.  Commands: the .SS of COMMANDS
# (title = synopsis); their options: the .TP tags under each .SS.
awk -v dir="$T" '
	/^\.SH / { sec = $2; next }
	sec == "OPTIONS" && /^\.TP/ { tag = 1; next }
	sec == "OPTIONS" && tag { print > (dir "/man.gopt.raw"); tag = 0; next }
	sec == "COMMANDS" && /^\.SS / {
		cmd = $0; print > (dir "/man.syn.raw"); next
	}
	sec == "COMMANDS" && /^\.TP/ { tag = 1; next }
	sec == "COMMANDS" && tag {
		print cmd "\t" $0 > (dir "/man.copt.raw"); tag = 0; next
	}
' "$MAN"
unroff <"$T/man.gopt.raw" | tr ', ' '\n\n' | grep '^-' | sort -u >"$T/man.gopt"
unroff <"$T/man.syn.raw" | sort >"$T/man.syn"
cut -d' ' -f1 "$T/man.syn" | sort >"$T/man.cmds"
: >"$T/man.copt"
while IFS='	' read -r c o; do
	c=$(printf "%s\n" "$c" | unroff | cut -d' ' -f1)
	o=$(printf "%s\n" "$o" | unroff | cut -d' ' -f1)
	echo "$c $o"
done <"$T/man.copt.raw" | sort >"$T/man.copt"

# --- the help ------------------------------------------------------------------
"$IOGROUP" help >"$T/help" || bad "iogroup help: exit $?"
sed -n '/^Commands:/,/^$/p' "$T/help" | grep '^  [a-z]' |
	awk '{ print $1 }' | sort >"$T/help.cmds"
sed -n '/^Options (before or after the command):/,/^$/p' "$T/help" |
	grep '^ *-' | sed 's/^ *//; s/  .*//' | tr ', ' '\n\n' | grep '^-' |
	sort -u >"$T/help.gopt"
[ -s "$T/help.cmds" ] || bad "no commands parsed from iogroup help"
[ -s "$T/man.cmds" ] || bad "no commands parsed from $MAN"

: >"$T/help.syn"
: >"$T/help.copt"
while read -r c; do
	"$IOGROUP" help "$c" >"$T/h.$c" || bad "iogroup help $c: exit $?"
	"$IOGROUP" "$c" --help >"$T/h2.$c" || bad "iogroup $c --help: exit $?"
	cmp -s "$T/h.$c" "$T/h2.$c" || bad "iogroup help $c and iogroup $c --help differ"
	head -n 1 "$T/h.$c" | sed 's/^usage: iogroup //; s/^\[-j\] //' >>"$T/help.syn"
	# command options; -j/--json is global (OPTIONS)
	sed -n '/^Options:/,/^$/p' "$T/h.$c" | grep '^ *-' |
		sed 's/^ *//; s/  .*//' | tr ', ' '\n\n' | grep '^--' |
		grep -vx -- '--json' | sed "s/^/$c /" >>"$T/help.copt"
done <"$T/help.cmds"
sort -o "$T/help.syn" "$T/help.syn"
sort -o "$T/help.copt" "$T/help.copt"

same "commands" "$T/help.cmds" "$T/man.cmds"
same "synopses" "$T/help.syn" "$T/man.syn"
same "global options" "$T/help.gopt" "$T/man.gopt"
same "command options" "$T/help.copt" "$T/man.copt"
# Sanity: the parsers saw what they should have.
grep -qx 'claim --unbind' "$T/man.copt" || bad "parser: no 'claim --unbind' in $MAN"
grep -qx -- '--version' "$T/help.gopt" || bad "parser: no --version in iogroup help"

# --- the page renders cleanly ---------------------------------------------------
if command -v man >/dev/null 2>&1; then
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$MAN" \
		>"$T/man.txt" 2>"$T/man.err" || bad "man -l $MAN: exit $?"
	[ -s "$T/man.err" ] && { bad "man --warnings:"; sed 's/^/  /' "$T/man.err"; }
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "JSON OUTPUT" \
		 METRICS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
		grep -qx "$s" "$T/man.txt" || bad "no $s section in $MAN"
	done
	grep -q "iogroup $("$IOGROUP" --version | cut -d' ' -f2)" "$T/man.txt" ||
		bad "$MAN's header does not name version $("$IOGROUP" --version)"
else
	echo "test_man: man not installed, rendering not checked"
fi

[ $fail = 0 ] && echo "test_man: ok ($(wc -l <"$T/man.cmds") commands," \
	"$(wc -l <"$T/man.copt") command options)"
exit $fail
