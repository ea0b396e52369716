# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the shell tests (busybox sh).  A test sets HERE to its
# own directory and sources this file, which sources ktap.sh:
#
#   HERE=$(cd "$(dirname "$0")" && pwd)
#   . "$HERE/lib.sh"
#
# Variables: JSONQ ASUSER SYSFSWRITE (the helper programs next to the
# tests), IOGROUP (the CLI, $IOGROUP or the one in PATH), UNPRIV_UID (1000),
# T (the test's scratch directory, $KTAP_TMP), PCI (/sys/bus/pci/devices),
# NO_DRIVER (what sys_driver prints for a device without a driver: "null",
# as in the CLI's JSON; a test may set it before use).
#
# Ground truth from sysfs:
#   sys_groups                  group ids, ascending
#   sys_group_devs GROUP        its devices, sorted
#   sys_ndevs                   the number of devices in all groups
#   sys_group_of DEV            its group
#   sys_driver DEV              its driver, or $NO_DRIVER
#   sys_bridge DEV              "true" if it is a bridge, else "false"
#   sys_domain GROUP            sysfs type in lower case (dma-fq, dma, ...)
#   drv_manages_dma DRIVER      0 if the driver is driver_managed_dma
#   find_nic                    the e1000e NIC bound to e1000e
#   driver_is DEV DRIVER        0 if DEV's driver is DRIVER
# Waiting (bounds, not timing assertions):
#   poll TENTHS CMD...          run CMD every 0.1 s until it succeeds, at
#                               most TENTHS times; 0 if it did
#   wait_driver DEV DRIVER      up to 30 s until DEV's driver is DRIVER
# The CLI:
#   need_cli N NAME             without a CLI, skip the N cases ("NAME 1",
#                               ...) and exit
#   owner_kind GROUP            the owner kind `iogroup show -j` gives
#   owner_is GROUP KIND / owner_is_not GROUP KIND (and the group is listed)
#   first_err_line              the first line of the last cmd_*'s stderr
#   expect_msg WHAT             fail() unless it starts with "iogroup: "

# shellcheck disable=SC2034 # the variables are for the tests sourcing this
. "$HERE/ktap.sh"

JSONQ=$HERE/jsonq
ASUSER=$HERE/asuser
SYSFSWRITE=$HERE/sysfswrite
IOGROUP=${IOGROUP:-$(command -v iogroup)}
UNPRIV_UID=1000
T=$KTAP_TMP
PCI=/sys/bus/pci/devices
NO_DRIVER=null

# ------------------------------------------------------- ground truth ---

sys_groups() {
	ls /sys/kernel/iommu_groups 2>/dev/null | sort -n
}

sys_group_devs() {
	ls "/sys/kernel/iommu_groups/$1/devices" 2>/dev/null | sort
}

sys_ndevs() {
	ls -d /sys/kernel/iommu_groups/*/devices/* 2>/dev/null | grep -c .
}

sys_group_of() {
	basename "$(readlink "$PCI/$1/iommu_group")"
}

sys_driver() {
	if [ -e "$PCI/$1/driver" ]; then
		basename "$(readlink "$PCI/$1/driver")"
	else
		echo "$NO_DRIVER"
	fi
}

# A bridge by its header type (what pci_is_bridge() looks at), by its
# class where config space cannot be read.
sys_bridge() {
	_h=$(od -An -tu1 -j14 -N1 "$PCI/$1/config" 2>/dev/null | tr -d ' ')
	if [ -n "$_h" ]; then
		[ $((_h & 127)) -ne 0 ] && echo true || echo false
		return
	fi
	case $(cat "$PCI/$1/class") in
	0x0604*|0x0607*|0x0609*) echo true ;;
	*) echo false ;;
	esac
}

sys_domain() {
	tr 'A-Z' 'a-z' <"/sys/kernel/iommu_groups/$1/type" 2>/dev/null
}

drv_manages_dma() {
	case $1 in
	vfio-pci|pci-stub|pcieport) return 0 ;;
	hisi_acc_vfio_pci|mlx5_vfio_pci|virtio_vfio_pci|pds_vfio_pci) return 0 ;;
	nvgrace_gpu_vfio_pci|qat_vfio_pci) return 0 ;;
	vfio-platform|vfio-amba|vfio-fsl-mc) return 0 ;;
	esac
	return 1
}

# The VM's own NIC (topology.sh's, /run/iogroup-vm.env) if it is on
# e1000e, else the first device bound to e1000e.
find_nic() {
	if [ -n "${IOGROUP_VM_NIC:-}" ] &&
	   [ "$(sys_driver "$IOGROUP_VM_NIC")" = e1000e ]; then
		echo "$IOGROUP_VM_NIC"
		return 0
	fi
	for _d in /sys/bus/pci/drivers/e1000e/0000:*; do
		[ -e "$_d" ] && { basename "$_d"; return 0; }
	done
	return 1
}

driver_is() {
	[ "$(sys_driver "$1")" = "$2" ]
}

# ------------------------------------------------------------ waiting ---

poll() {
	_n=$1
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

wait_driver() {
	poll 300 driver_is "$1" "$2"
}

# ------------------------------------------------------------ the CLI ---

need_cli() {
	[ -n "$IOGROUP" ] && [ -x "$IOGROUP" ] && return 0
	ktap_skip_all "$1" "$2" "no iogroup CLI in PATH"
}

owner_kind() {
	"$IOGROUP" show -j "$1" 2>/dev/null | "$JSONQ" .owner.kind 2>/dev/null
}

owner_is() {
	[ "$(owner_kind "$1")" = "$2" ]
}

owner_is_not() {
	_ok=$(owner_kind "$1")
	[ -n "$_ok" ] && [ "$_ok" != "$2" ]
}

first_err_line() {
	head -n 1 "$CMD_ERR"
}

expect_msg() {
	case $(first_err_line) in
	"iogroup: "?*) return 0 ;;
	esac
	fail "$1: stderr does not start with 'iogroup: ': '$(first_err_line)'"
}
