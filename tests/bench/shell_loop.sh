#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The loop passthrough guides tell users to paste, with lspci replaced by
# the same facts iogroup and sysfs_walk give (driver and domain type), so
# that its output can be compared with theirs:
#   GROUP<TAB>TYPE<TAB>DEVICE<TAB>DRIVER   (TYPE lower case, "-" if none)
shopt -s nullglob
for g in /sys/kernel/iommu_groups/*; do
	t=$(cat "$g/type" 2>/dev/null || echo -)
	for d in "$g"/devices/*; do
		if [ -e "$d/driver" ]; then
			drv=$(basename "$(readlink "$d/driver")")
		else
			drv=-
		fi
		printf '%s\t%s\t%s\t%s\n' "${g##*/}" "${t,,}" "${d##*/}" "$drv"
	done
done
