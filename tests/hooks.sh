#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# hooks.sh: contrib's VM-manager hooks (busybox sh, root, in the test VM),
# run with their own argv against the VM's devices and checked against
# sysfs (driver links, driver_override, /dev/vfio) and the module's dump:
#   contrib/libvirt/qemu            DOMAIN prepare begin - / release end -,
#                                   the domain XML on stdin
#   contrib/proxmox/iogroup-hookscript  VMID pre-start / post-stop, with a
#                                   fake /etc/pve/qemu-server/VMID.conf
# The e1000e's single-device group and the PCIe-to-PCI bridge's group
# (e1000 + edu, of which the XML names only the e1000 and the edu) go to
# vfio-pci whole, then back to e1000e, e1000 and no driver.
#
# Helpers next to this script: lib.sh, ktap.sh, jsonq; the hooks as
# hook-libvirt-qemu and hook-proxmox.

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
LIBVIRT=$HERE/hook-libvirt-qemu
PROXMOX=$HERE/hook-proxmox

. /usr/lib/iogroup-vm/topology.sh
topology_find

ktap_plan 6
[ -n "$IOGROUP" ] || ktap_skip_all 6 hooks "no iogroup CLI"
[ -e /sys/module/iogroup ] || modprobe iogroup

drv() { pci_driver "$1"; }

cleanup() {
	for d in $NIC $NIC2 $EDU2; do
		[ "$(drv "$d")" = vfio-pci ] &&
			echo "$d" >/sys/bus/pci/drivers/vfio-pci/unbind
		echo >"$PCI/$d/driver_override"
	done 2>/dev/null
	for d in $NIC $NIC2; do
		[ -e "$PCI/$d/driver" ] || echo "$d" >/sys/bus/pci/drivers_probe
	done 2>/dev/null
}
trap cleanup EXIT

NICG=$(pci_group "$NIC")

# The VM's passthrough state: both groups whole on vfio-pci, viable.
check_detached() {
	expect_eq "$NIC driver" "$(drv "$NIC")" vfio-pci
	expect_eq "$NIC2 driver" "$(drv "$NIC2")" vfio-pci
	expect_eq "$EDU2 driver" "$(drv "$EDU2")" vfio-pci
	expect_eq "$BRIDGE driver" "$(drv "$BRIDGE")" -
	for g in "$NICG" "$MULTI_GROUP"; do
		[ -c "/dev/vfio/$g" ] || fail "/dev/vfio/$g missing"
		"$IOGROUP" -j show "$g" >"$T/g.json" || { fail "show $g"; continue; }
		expect_eq "group $g viable" "$("$JSONQ" .viable <"$T/g.json")" true
		expect_eq "group $g owner (claim released)" \
			"$("$JSONQ" .owner.kind <"$T/g.json")" none
	done
	# Untouched: the edu the XML names as a guest address, the rng.
	expect_eq "$EDU driver" "$(drv "$EDU")" -
	expect_eq "$RNG driver" "$(drv "$RNG")" virtio-pci
}

# Back to the host: the drivers they had, no driver_override left.
check_restored() {
	poll 30 driver_is "$NIC" e1000e
	poll 30 driver_is "$NIC2" e1000
	expect_eq "$NIC driver" "$(drv "$NIC")" e1000e
	expect_eq "$NIC2 driver" "$(drv "$NIC2")" e1000
	expect_eq "$EDU2 driver" "$(drv "$EDU2")" -
	for d in $NIC $NIC2 $EDU2; do
		expect_eq "$d driver_override" "$(cat "$PCI/$d/driver_override")" "(null)"
	done
	for g in "$NICG" "$MULTI_GROUP"; do
		[ -e "/dev/vfio/$g" ] && fail "/dev/vfio/$g still there"
		expect_eq "group $g owner" "$("$IOGROUP" -j show "$g" | "$JSONQ" .owner.kind)" kernel
	done
	return 0
}

xml_addr() {	# BDF -> <address .../> attributes
	echo "$1" | awk -F '[:.]' '{ printf "domain=\x270x%s\x27 bus=\x270x%s\x27 slot=\x270x%s\x27 function=\x270x%s\x27", $1, $2, $3, $4 }'
}

# The domain: the e1000e (managed, with a guest address that is the edu's
# host address: must not be taken), the e1000 and the edu behind the bridge
# (unmanaged, double quotes), a USB host device and an interface to ignore.
cat >"$T/domain.xml" <<EOF
<domain type='kvm'>
  <name>vm1</name>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio'/>
      <source>
        <address $(xml_addr "$NIC")/>
      </source>
      <address type='pci' $(xml_addr "$EDU")/>
    </hostdev>
    <hostdev mode="subsystem" type="pci" managed="no">
      <source><address $(xml_addr "$NIC2" | tr "\047" '"')/></source>
    </hostdev>
    <hostdev mode='subsystem' type='usb' managed='yes'>
      <source><vendor id='0x1234'/><product id='0xbeef'/></source>
    </hostdev>
    <interface type='network'><source network='default'/><address type='pci' $(xml_addr "$RNG")/></interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address $(xml_addr "$EDU2")/>
      </source>
    </hostdev>
  </devices>
</domain>
EOF

t_libvirt_other_ops() {
	for op in "started begin -" "stopped end -" "prepare end -" "release begin -"; do
		# shellcheck disable=SC2086
		cmd_ok "qemu vm1 $op" "$LIBVIRT" vm1 $op <"$T/domain.xml"
	done
	expect_eq "$NIC driver" "$(drv "$NIC")" e1000e
	expect_eq "$NIC2 driver" "$(drv "$NIC2")" e1000
}

t_libvirt_prepare() {
	cmd_ok "qemu vm1 prepare begin -" "$LIBVIRT" vm1 prepare begin - \
		<"$T/domain.xml" || return
	check_detached
	# Each group once: two detach reports, not three.
	n=$(grep -c "detached to vfio-pci" "$CMD_ERR")
	expect_eq "detach reports" "$n" 2
}

t_libvirt_release() {
	cmd_ok "qemu vm1 release end -" "$LIBVIRT" vm1 release end - \
		<"$T/domain.xml" || return
	check_restored
}

t_libvirt_bad() {
	sed "s/$(xml_addr "$NIC")/domain='0x0000' bus='0x00' slot='0x1f' function='0x7'/" \
		"$T/domain.xml" >"$T/bad.xml"
	cmd_fail "prepare with a missing device" 1 "$LIBVIRT" vm1 prepare begin - <"$T/bad.xml"
	grep -q "0000:00:1f.7: no such PCI device" "$CMD_ERR" || fail "no message"
	# Nothing was detached.
	expect_eq "$NIC2 driver" "$(drv "$NIC2")" e1000
	expect_eq "$EDU2 driver" "$(drv "$EDU2")" -
	expect_eq "$NIC driver" "$(drv "$NIC")" e1000e
}

t_proxmox_start() {
	mkdir -p "$T/pve"
	cat >"$T/pve/100.conf" <<-EOF
	boot: order=scsi0
	hostpci0: ${NIC#0000:},pcie=1
	hostpci1: mapping=gpu,pcie=1
	hostpci2: host=$NIC2;${EDU2#0000:},rombar=0
	memory: 2048

	[snap1]
	hostpci3: 0000:00:1f.7
	EOF
	IOGROUP_PVE_CONF_DIR=$T/pve cmd_ok "hookscript 100 pre-start" \
		"$PROXMOX" 100 pre-start || return
	grep -q "mapping=gpu.*not supported" "$CMD_ERR" || fail "mapping not reported"
	check_detached
	IOGROUP_PVE_CONF_DIR=$T/pve cmd_ok "hookscript 100 post-start" \
		"$PROXMOX" 100 post-start
	IOGROUP_PVE_CONF_DIR=$T/pve cmd_fail "hookscript 101 pre-start (no conf)" 1 \
		"$PROXMOX" 101 pre-start
}

t_proxmox_stop() {
	IOGROUP_PVE_CONF_DIR=$T/pve cmd_ok "hookscript 100 post-stop" \
		"$PROXMOX" 100 post-stop || return
	check_restored
}

ktap_run "libvirt hook: other operations do nothing" t_libvirt_other_ops
ktap_run "libvirt hook: prepare begin detaches the groups whole" t_libvirt_prepare
ktap_run "libvirt hook: release end gives them back" t_libvirt_release
ktap_run "libvirt hook: a missing device fails prepare, nothing detached" t_libvirt_bad
ktap_run "proxmox hookscript: pre-start detaches the groups whole" t_proxmox_start
ktap_run "proxmox hookscript: post-stop gives them back" t_proxmox_stop
ktap_finish
