#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# scripts/version-check.sh: the one version string, said in three places,
# must agree: dkms.conf's PACKAGE_VERSION (what DKMS builds), module/
# version.h's IOGROUP_VERSION (MODULE_VERSION) and the upstream part of
# debian/changelog's newest entry (what the packages are).  Prints the
# version and exits 0, or names the disagreement and exits 1.
cd "$(dirname "$0")/.." || exit 1

dkms=$(sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' dkms.conf)
hdr=$(sed -n 's/^#define IOGROUP_VERSION "\(.*\)"$/\1/p' module/version.h)
deb=
if [ -f debian/changelog ]; then
	# "iogroup (0.1.0-1) unstable; ...": drop an epoch and a Debian revision.
	deb=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog |
		sed -e 's/^[0-9]*://' -e 's/-[^-]*$//')
fi
rc=0
[ -n "$dkms" ] || { echo "version-check: no PACKAGE_VERSION in dkms.conf" >&2; rc=1; }
if [ "$hdr" != "$dkms" ]; then
	echo "version-check: module/version.h says '$hdr', dkms.conf says '$dkms'" >&2
	rc=1
fi
if [ -f debian/changelog ] && [ "$deb" != "$dkms" ]; then
	echo "version-check: debian/changelog says '$deb', dkms.conf says '$dkms'" >&2
	rc=1
fi
[ $rc -eq 0 ] && echo "$dkms"
exit $rc
