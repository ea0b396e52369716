# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest's /init, runner and demo (busybox sh).
#
# The VM's devices are recognised by PCI vendor:device, not by address:
#   8086:10d3 e1000e NIC on pcie.0           single-device group, has a driver
#   1234:11e8 edu on pcie.0                  single-device group, no driver
#   1b36:000e pcie-pci-bridge behind a root port, with an e1000 (8086:100e)
#             and a second edu behind it     one multi-device group
#   1af4:1044 virtio-rng behind a root port  has a driver (virtio-pci)
#   a second e1000e and a third edu, each alone behind a root port: the
#             hot-plug devices (qemu ids hpnic, hpedu; tests/stress)

pci_id() {	# BDF -> vendor:device
	local d=/sys/bus/pci/devices/$1
	echo "$(sed 's/^0x//' "$d/vendor"):$(sed 's/^0x//' "$d/device")"
}

pci_driver() {	# BDF -> driver name or "-"
	local l=/sys/bus/pci/devices/$1/driver
	if [ -e "$l" ]; then basename "$(readlink "$l")"; else echo -; fi
}

pci_group() {	# BDF -> IOMMU group number or "-"
	local l=/sys/bus/pci/devices/$1/iommu_group
	if [ -e "$l" ]; then basename "$(readlink "$l")"; else echo -; fi
}

pci_find() {	# vendor:device -> BDFs, sorted
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(pci_id "${d##*/}")" = "$1" ] && echo "${d##*/}"
	done | sort
}

group_devices() {	# group -> its devices
	ls /sys/kernel/iommu_groups/"$1"/devices 2>/dev/null | sort
}

topology_print() {
	local g d n=0
	echo "iogroup-vm: IOMMU groups:"
	for g in $(ls /sys/kernel/iommu_groups 2>/dev/null | sort -n); do
		n=$((n + 1))
		for d in $(group_devices "$g"); do
			printf 'iogroup-vm:   group %-3s %s [%s] driver=%s\n' \
				"$g" "$d" "$(pci_id "$d")" "$(pci_driver "$d")"
		done
	done
	[ "$n" -gt 0 ] || echo "iogroup-vm:   (none: is the IOMMU enabled?)"
}

# Sets NIC EDU EDU2 BRIDGE NIC2 RNG (first match of each), HP_NIC HP_EDU
# and MULTI_GROUP.
topology_find() {
	NIC=$(pci_find 8086:10d3 | head -n 1)
	NIC2=$(pci_find 8086:100e | head -n 1)
	BRIDGE=$(pci_find 1b36:000e | head -n 1)
	RNG=$(pci_find 1af4:1044 | head -n 1)
	EDU= EDU2= HP_EDU=
	for d in $(pci_find 1234:11e8); do
		if [ "$(group_devices "$(pci_group "$d")" | wc -l)" -ne 1 ]; then
			EDU2=$d
		elif [ -z "$EDU" ]; then
			EDU=$d
		else
			HP_EDU=$d
		fi
	done
	# the hot-plug devices (qemu ids hpnic, hpedu), behind root ports
	HP_NIC=$(pci_find 8086:10d3 | sed -n 2p)
	MULTI_GROUP=
	[ -n "$BRIDGE" ] && MULTI_GROUP=$(pci_group "$BRIDGE")
}

# Environment for the tests (also written to /run/iogroup-vm.env).
topology_env() {
	topology_find
	cat <<-EOF
	IOGROUP_VM_NIC=$NIC
	IOGROUP_VM_NIC_GROUP=$(pci_group "$NIC")
	IOGROUP_VM_EDU=$EDU
	IOGROUP_VM_EDU_GROUP=$(pci_group "$EDU")
	IOGROUP_VM_MULTI_GROUP=$MULTI_GROUP
	IOGROUP_VM_MULTI_NIC=$NIC2
	IOGROUP_VM_MULTI_EDU=$EDU2
	IOGROUP_VM_BRIDGE=$BRIDGE
	IOGROUP_VM_RNG=$RNG
	IOGROUP_VM_HP_NIC=$HP_NIC
	IOGROUP_VM_HP_EDU=$HP_EDU
	EOF
}

# topology_check: prints "# ..." diagnostics, returns non-zero on mismatch.
topology_check() {
	local rc=0 g
	topology_find
	[ -n "$(ls /sys/kernel/iommu_groups 2>/dev/null)" ] ||
		{ echo "# /sys/kernel/iommu_groups is empty"; return 1; }
	for v in NIC EDU EDU2 BRIDGE NIC2; do
		eval "[ -n \"\$$v\" ]" || { echo "# device $v not found"; rc=1; }
	done
	[ $rc -eq 0 ] || return $rc
	for d in $NIC $EDU; do
		g=$(pci_group "$d")
		[ "$(group_devices "$g")" = "$d" ] ||
			{ echo "# $d: group $g is not a single-device group: $(group_devices "$g")"; rc=1; }
	done
	for d in $NIC2 $EDU2; do
		[ "$(pci_group "$d")" = "$MULTI_GROUP" ] ||
			{ echo "# $d is not in the bridge's group $MULTI_GROUP"; rc=1; }
	done
	[ "$(pci_driver "$NIC")" = e1000e ] ||
		{ echo "# $NIC: driver $(pci_driver "$NIC"), expected e1000e"; rc=1; }
	[ "$(pci_driver "$EDU")" = - ] ||
		{ echo "# $EDU: has driver $(pci_driver "$EDU")"; rc=1; }
	return $rc
}
