#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/kernel.sh [--tools] SERIES...
#
# Fetch a Debian kernel series (image, headers, kbuild) with apt-get download,
# cache the .debs and extract them, outside the repository:
#
#   $CACHE/debs/*.deb                  downloaded packages (never re-fetched)
#   $CACHE/k/<series>/                 dpkg-deb -x of image + headers + kbuild
#   $CACHE/k/<series>/env              KVER= VMLINUZ= KSRC= MODDIR= (sourceable)
#   $CACHE/ksft/kselftest_harness.h    from linux-source-6.1
#   $CACHE/checkpatch/checkpatch.pl    from linux-source-6.1 (+ spelling.txt,
#                                      const_structs.checkpatch)
#
# The series 6.1-debug is built, not fetched: Debian's linux-source-6.1
# (extracted once to $CACHE/src/linux-source-6.1) configured from
# x86_64_defconfig + kvm_guest.config + tests/vm/debug.config (KASAN,
# lockdep, kmemleak, ...), built in $CACHE/k/6.1-debug/build (KSRC: DKMS
# builds against it), its modules installed under $CACHE/k/6.1-debug/lib.
# It is rebuilt only when debug.config changes (its hash is in the env).
#
# CACHE is ${IOGROUP_CACHE:-$HOME/.cache/iogroup}.  Once a series is
# extracted its ABI is pinned in $CACHE/k/<series>/env: later runs neither
# resolve nor download anything.  IOGROUP_REFRESH=1 re-resolves the ABI
# (a new ABI is extracted next to the old one's debs).
#
# --tools only fetches the kselftest headers and checkpatch.
#
# Adding a series: give it a case in series_conf below.  A series that is not
# in the host's apt sources gets its own sources list ($SOURCES, one-line
# "deb ..." format); apt then runs with an isolated state under
# $CACHE/apt/<series>/ (Dir::Etc::SourceList=...), the host's apt is untouched.
set -euo pipefail

CACHE=${IOGROUP_CACHE:-$HOME/.cache/iogroup}
TOOLS_SERIES=6.1	# linux-source-<this> provides kselftest and checkpatch

TMPS=()
cleanup() { [ ${#TMPS[@]} -eq 0 ] || rm -rf "${TMPS[@]}"; }
trap cleanup EXIT

log() { printf '[kernel] %s\n' "$*" >&2; }
die() { printf '[kernel] error: %s\n' "$*" >&2; exit 1; }

# debian_mirror [security]: the Debian archive (or its security archive) the
# host's own apt sources use, so that other suites come from the same place.
debian_mirror() {
	local want=debian uris
	[ "${1:-}" = security ] && want=debian-security
	uris=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n 's/^URIs: *//p'; sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)
	printf '%s\n' $uris | grep -E "/$want/?\$" | head -n 1 | sed 's|/$||'
}

# series_conf SERIES: sets SOURCES (empty: the host's apt sources), META
# (package whose dependency names the ABI), FLAVOUR, BUILD_SUITE (the
# Debian release whose userland builds modules for it, empty: the host's),
# VM_APPEND (more kernel command line for its VM) and DKMS_FLAGS.
series_conf() {
	local m s
	FLAVOUR=amd64
	META=linux-image-amd64
	SOURCES=
	BUILD_SUITE=
	VM_APPEND=
	DKMS_FLAGS=
	m=$(debian_mirror)
	s=$(debian_mirror security)
	[ -n "$m" ] || die "no Debian archive in the host's apt sources"
	case $1 in
	6.1)	;;	# bookworm (+ bookworm-security), the host's own sources
	5.10)	SOURCES="deb $m bullseye main
deb ${s:-$m-security} bullseye-security main"
		# its headers build with gcc-10, which Debian 12 does not have
		BUILD_SUITE=bullseye
		# its groups' type is read-only: boot with identity default
		# domains, which the DMA test needs (IOVA == physical)
		VM_APPEND=iommu=pt
		# bullseye's DKMS would "prepare" (mrproper!) the headers
		DKMS_FLAGS=--no-prepare-kernel ;;
	6.12)	SOURCES="deb $m bookworm-backports main" ;;
	7.*)	SOURCES="deb $m trixie-backports main"
		# its kbuild tools are linked against trixie's libc
		BUILD_SUITE=trixie ;;
	*)	die "unknown kernel series '$1' (known: 6.1 5.10 6.12 7.x 6.1-debug)" ;;
	esac
}

# APT holds the apt options for the current series.
apt_setup() {
	local series=$1 dir
	APT=(-q -o APT::Sandbox::User=root)
	[ -n "$SOURCES" ] || return 0
	dir=$CACHE/apt/$series
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	printf '%s\n' "$SOURCES" >"$dir/sources.list"
	APT+=(-o Dir::Etc::SourceList="$dir/sources.list"
	      -o Dir::Etc::SourceParts=/dev/null
	      -o Dir::State::Lists="$dir/lists"
	      -o Dir::Cache="$dir/cache")
	if [ -z "$(ls "$dir/lists" 2>/dev/null | grep -v partial)" ] ||
	   [ -n "${IOGROUP_REFRESH:-}" ]; then
		log "apt-get update for $series (isolated sources in $dir)"
		apt-get "${APT[@]}" update >&2
	fi
}

# have_lists: are the host's apt lists populated (fresh containers have none)?
host_apt_update() {
	[ -n "$SOURCES" ] && return 0
	if ! apt-cache show "$META" >/dev/null 2>&1; then
		log "apt lists empty: apt-get update"
		apt-get -q update >&2
	fi
}

# fetch PKG...: make sure $CACHE/debs/<pkg>_*.deb exists for each PKG.
fetch() {
	local p missing=()
	mkdir -p "$CACHE/debs"
	for p in "$@"; do
		compgen -G "$CACHE/debs/${p}_*.deb" >/dev/null || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "downloading ${missing[*]}"
	(cd "$CACHE/debs" && apt-get "${APT[@]}" download "${missing[@]}" >&2) ||
		die "apt-get download ${missing[*]} failed"
}

deb_of() {	# newest cached deb of a package
	ls -v "$CACHE/debs/${1}"_*.deb | tail -n 1
}

fetch_tools() {
	local src=linux-source-$TOOLS_SERIES stamp=$CACHE/ksft/.stamp tmp
	[ -f "$stamp" ] && [ -f "$CACHE/checkpatch/.stamp" ] && return 0
	series_conf "$TOOLS_SERIES"
	apt_setup "$TOOLS_SERIES"
	compgen -G "$CACHE/debs/${src}_*.deb" >/dev/null || host_apt_update
	fetch "$src"
	log "extracting kselftest and checkpatch from $(basename "$(deb_of "$src")")"
	tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
	TMPS+=("$tmp")
	# Only the tarball member we need; then only 5 files out of it.
	dpkg-deb --fsys-tarfile "$(deb_of "$src")" |
		tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz'
	local d=linux-source-$TOOLS_SERIES
	tar -xJf "$tmp"/usr/src/linux-source-*.tar.xz -C "$tmp" \
		"$d/tools/testing/selftests/kselftest_harness.h" \
		"$d/tools/testing/selftests/kselftest.h" \
		"$d/scripts/checkpatch.pl" \
		"$d/scripts/spelling.txt" \
		"$d/scripts/const_structs.checkpatch"
	mkdir -p "$CACHE/ksft" "$CACHE/checkpatch"
	cp "$tmp/$d"/tools/testing/selftests/kselftest*.h "$CACHE/ksft/"
	cp "$tmp/$d"/scripts/{checkpatch.pl,spelling.txt,const_structs.checkpatch} \
		"$CACHE/checkpatch/"
	rm -rf "$tmp"
	touch "$stamp" "$CACHE/checkpatch/.stamp"
}

fetch_series() {
	local series=$1 dest=$CACHE/k/$1 abi kver image headers deps tmp p
	# (an env without DKMS_FLAGS predates it: extract again, debs are cached)
	if [ -f "$dest/env" ] && grep -q '^DKMS_FLAGS=' "$dest/env" &&
	   [ -z "${IOGROUP_REFRESH:-}" ]; then
		log "$series: cached ($(. "$dest/env"; echo "$KVER"))"
		return 0
	fi
	series_conf "$series"
	apt_setup "$series"
	host_apt_update
	abi=$(apt-cache "${APT[@]}" depends "$META" |
		sed -n "s/^ *Depends: linux-image-\(.*\)-$FLAVOUR\$/\1/p" | head -n 1)
	[ -n "$abi" ] || die "cannot resolve the ABI of $series from $META"
	kver=$abi-$FLAVOUR
	# Debian 13's images are no longer split into signed and -unsigned.
	image=linux-image-$kver-unsigned
	apt-cache "${APT[@]}" show "$image" >/dev/null 2>&1 ||
		image=linux-image-$kver
	headers=linux-headers-$kver
	deps=$(apt-cache "${APT[@]}" depends "$headers" |
		sed -n 's/^ *Depends: \(linux-\(headers\|kbuild\)-[^ ]*\)$/\1/p')
	# ... and split the image into binary, modules and base packages.
	deps="$deps $(apt-cache "${APT[@]}" depends "$image" |
		sed -n "s/^ *Depends: \(linux-\(binary\|modules\|base\)-$kver\)\$/\1/p")"
	log "$series: kernel $kver ($image $headers $(echo $deps))"
	# shellcheck disable=SC2086
	fetch "$image" "$headers" $deps

	tmp=$(mktemp -d "$CACHE/k/.tmp.XXXXXX")
	TMPS+=("$tmp")
	for p in "$image" "$headers" $deps; do
		log "extracting $(basename "$(deb_of "$p")")"
		dpkg-deb -x "$(deb_of "$p")" "$tmp"
	done
	# The flavour's top Makefile includes the common tree by absolute path.
	sed -i -e "s|^include /usr/src/|include $dest/usr/src/|" \
		-e "s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$dest/usr/src/|" \
		"$tmp/usr/src/linux-headers-$kver/Makefile"
	# Debian 13 installs kernels the merged-/usr way: keep one layout.
	if [ -d "$tmp/usr/lib/modules/$kver" ] && [ ! -e "$tmp/lib/modules" ]; then
		mkdir -p "$tmp/lib" "$tmp/boot"
		ln -s ../usr/lib/modules "$tmp/lib/modules"
		[ -f "$tmp/usr/lib/modules/$kver/vmlinuz" ] &&
			ln -s "../usr/lib/modules/$kver/vmlinuz" "$tmp/boot/vmlinuz-$kver"
	fi
	[ -f "$tmp/boot/vmlinuz-$kver" ] || die "no vmlinuz in $image"
	cat >"$tmp/env" <<-EOF
	SERIES=$series
	KVER=$kver
	VMLINUZ=$dest/boot/vmlinuz-$kver
	KSRC=$dest/usr/src/linux-headers-$kver
	MODDIR=$dest/lib/modules/$kver
	BUILD_SUITE=$BUILD_SUITE
	VM_APPEND="$VM_APPEND"
	DKMS_FLAGS="$DKMS_FLAGS"
	EOF
	rm -rf "$dest"
	mv "$tmp" "$dest"
	log "$series: extracted to $dest"
}

# -- 6.1-debug: a debug kernel built from linux-source-6.1 ----------------------
DEBUG_SERIES=6.1-debug
DEBUG_CONFIG=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/debug.config
# Its VM: the time limits scaled by VM_SLOW (KASAN, lockdep and kmemleak under
# TCG), more memory (KASAN's shadow, kmemleak's and lockdep's tables).
DEBUG_VM_SLOW=6
DEBUG_VM_MEM=2G
# The fuzzer's messages on it (nl_fuzz, budget 85 s x VM_SLOW): every one
# goes through KASAN and lockdep at about 250 a second under TCG.
DEBUG_FUZZ_COUNT=50000

# extract_source: $CACHE/src/linux-source-6.1 from the cached .deb (the
# .deb itself is fetched by fetch_tools).
extract_source() {
	local src=linux-source-$TOOLS_SERIES dir=$CACHE/src/linux-source-$TOOLS_SERIES tmp
	[ -f "$dir/.stamp" ] && return 0
	if [ -f "$dir/Makefile" ] && [ -f "$dir/MAINTAINERS" ]; then
		touch "$dir/.stamp"	# extracted before stamps existed
		return 0
	fi
	log "extracting $(basename "$(deb_of "$src")") to $dir"
	mkdir -p "$CACHE/src"
	tmp=$(mktemp -d "$CACHE/src/.tmp.XXXXXX")
	TMPS+=("$tmp")
	dpkg-deb --fsys-tarfile "$(deb_of "$src")" |
		tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz'
	tar -xJf "$tmp"/usr/src/linux-source-*.tar.xz -C "$tmp"
	rm -rf "$dir"
	mv "$tmp/linux-source-$TOOLS_SERIES" "$dir"
	touch "$dir/.stamp"
}

# debug_config_args: debug.config as scripts/config arguments (NAME=y|m|n,
# NAME="string", NAME=number; '#' comments).
debug_config_args() {
	local line name val
	while IFS= read -r line; do
		line=${line%%#*}
		line=${line//[[:space:]]/}
		[ -n "$line" ] || continue
		name=${line%%=*} val=${line#*=}
		case $val in
		y) printf '%s\n' --enable "$name" ;;
		m) printf '%s\n' --module "$name" ;;
		n) printf '%s\n' --disable "$name" ;;
		\"*\") val=${val#\"}; printf '%s\n' --set-str "$name" "${val%\"}" ;;
		*) printf '%s\n' --set-val "$name" "$val" ;;
		esac
	done <"$DEBUG_CONFIG"
}

build_debug() {
	local dest=$CACHE/k/$DEBUG_SERIES src=$CACHE/src/linux-source-$TOOLS_SERIES
	local o sum kver t log args=()
	o=$dest/build
	log=$dest/build.log
	sum=$(sha256sum "$DEBUG_CONFIG" | cut -c 1-16)
	# ($dest/built: "<debug.config hash> <kver>"; an env with CONFIG_SUM
	# is an older way of saying it)
	if [ ! -f "$dest/built" ] && [ -f "$dest/env" ] &&
	   grep -qx "CONFIG_SUM=$sum" "$dest/env"; then
		echo "$sum $(. "$dest/env"; echo "$KVER")" >"$dest/built"
	fi
	if [ -f "$dest/built" ] && [ "$(cut -d ' ' -f 1 "$dest/built")" = "$sum" ] &&
	   [ -z "${IOGROUP_REFRESH:-}" ]; then
		kver=$(cut -d ' ' -f 2 "$dest/built")
		log "$DEBUG_SERIES: built ($kver, debug.config $sum)"
		debug_env "$kver" "$sum"
		return 0
	fi
	extract_source
	mkdir -p "$o"
	rm -f "$dest/env" "$dest/built"
	log "$DEBUG_SERIES: building the debug kernel in $o (log: $log)"
	log "$DEBUG_SERIES: this takes long (a few thousand objects at nice 19); once per debug.config"
	t=$(date +%s)
	mapfile -t args < <(debug_config_args)
	{
		make -C "$src" O="$o" x86_64_defconfig &&
		make -C "$src" O="$o" kvm_guest.config &&
		"$src/scripts/config" --file "$o/.config" "${args[@]}" &&
		make -C "$src" O="$o" olddefconfig
	} >"$log" 2>&1 || { tail -n 40 "$log" >&2; die "$DEBUG_SERIES: configuring failed (log: $log)"; }
	check_debug_config "$o/.config"
	nice -n 19 make -C "$src" O="$o" -j"$(nproc)" bzImage modules >>"$log" 2>&1 ||
		{ tail -n 40 "$log" >&2; die "$DEBUG_SERIES: build failed (log: $log)"; }
	kver=$(make -s -C "$src" O="$o" kernelrelease)
	rm -rf "$dest/lib" "$dest/boot"
	make -C "$src" O="$o" INSTALL_MOD_PATH="$dest" INSTALL_MOD_STRIP=1 \
		modules_install >>"$log" 2>&1 || die "$DEBUG_SERIES: modules_install failed (log: $log)"
	mkdir -p "$dest/boot"
	cp "$o/arch/x86/boot/bzImage" "$dest/boot/vmlinuz-$kver"
	cp "$o/.config" "$dest/boot/config-$kver"
	echo "$sum $kver" >"$dest/built"
	log "$DEBUG_SERIES: $kver built in $(( $(date +%s) - t ))s"
	debug_env "$kver" "$sum"
}

# debug_env KVER SUM: the series' env, written on every run (its VM settings
# are not part of the build).  RCU's stall detector gets the same slack as
# the time limits: 21 s x VM_SLOW (at most 300 s).  (The hung-task and
# soft-lockup detectors are not in the defconfig.)
debug_env() {
	local dest=$CACHE/k/$DEBUG_SERIES kver=$1 stall
	stall=$((21 * DEBUG_VM_SLOW))
	[ "$stall" -le 300 ] || stall=300
	cat >"$dest/env.tmp" <<-EOF
	SERIES=$DEBUG_SERIES
	KVER=$kver
	VMLINUZ=$dest/boot/vmlinuz-$kver
	KSRC=$dest/build
	MODDIR=$dest/lib/modules/$kver
	BUILD_SUITE=
	VM_APPEND="rcupdate.rcu_cpu_stall_timeout=$stall iogroupvm.fuzz_count=$DEBUG_FUZZ_COUNT"
	DKMS_FLAGS=""
	VM_SLOW=$DEBUG_VM_SLOW
	VM_MEM=$DEBUG_VM_MEM
	CONFIG_SUM=$2
	EOF
	mv "$dest/env.tmp" "$dest/env"
}

# check_debug_config CONFIG: every option of debug.config must have its value
# (a dependency missing silently drops one: fail instead).
check_debug_config() {
	local line name val got bad=
	while IFS= read -r line; do
		line=${line%%#*}
		line=${line//[[:space:]]/}
		[ -n "$line" ] || continue
		name=${line%%=*} val=${line#*=}
		got=$(sed -n "s/^CONFIG_$name=//p" "$1")
		[ "$val" = n ] && { [ -z "$got" ] || bad="$bad $name"; continue; }
		[ "$got" = "$val" ] || bad="$bad $name(=${got:-n})"
	done <"$DEBUG_CONFIG"
	[ -z "$bad" ] || die "$DEBUG_SERIES: options of debug.config not set:$bad"
}

main() {
	local tools_only= s
	[ "${1:-}" = --tools ] && { tools_only=1; shift; }
	mkdir -p "$CACHE/k"
	# Runs from several checkouts share the cache: one fetch at a time.
	exec 8>"$CACHE/fetch.lock"
	flock 8
	fetch_tools
	[ -n "$tools_only" ] && return 0
	[ $# -gt 0 ] || die "usage: $0 [--tools] SERIES..."
	for s in "$@"; do
		[ "$s" = "$DEBUG_SERIES" ] || fetch_series "$s"
	done
	# The debug kernel's long build must not hold up the others' fetches.
	exec 8>&-
	for s in "$@"; do
		[ "$s" = "$DEBUG_SERIES" ] || continue
		exec 7>"$CACHE/k/$DEBUG_SERIES.lock"
		flock 7
		build_debug
		exec 7>&-
	done
}

main "$@"
