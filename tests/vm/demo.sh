#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iogroup demo, run inside the test VM by `make demo` (tests/vm/run.sh --demo).
# busybox sh; everything goes to the console.
. /usr/lib/iogroup-vm/topology.sh
topology_find

step() {
	echo
	echo "==> $*"
}

run() {
	echo "\$ $*"
	"$@"
	rc=$?
	[ $rc -eq 0 ] || echo "(exit status $rc)"
	return $rc
}

run_sh() {	# run_sh 'SHELL CODE': shows and runs it
	echo "\$ $1"
	sh -c "$1"
}

echo
echo "================ iogroup demo ================"
echo "kernel $(uname -r); devices: NIC $NIC (group $(pci_group "$NIC")),"
echo "edu $EDU (no driver), bridge $BRIDGE with $NIC2 and $EDU2 (group $MULTI_GROUP)"

if ! command -v iogroup >/dev/null; then
	echo "the iogroup CLI is not in this image (cli/ not built): nothing to show"
	exit 1
fi

step "iogroup is not loaded yet"
run_sh 'lsmod | grep -w iogroup || echo "(not loaded)"'

step "All IOMMU groups: the CLI resolves the genl family, the kernel autoloads iogroup"
run iogroup list
run_sh 'lsmod | grep -w iogroup'

step "The multi-device group $MULTI_GROUP (the PCIe-to-PCI bridge and its devices)"
run iogroup show "$MULTI_GROUP"

step "Watching events in the background"
echo "\$ iogroup watch &"
iogroup watch >/tmp/watch.log 2>&1 &
watch_pid=$!
sleep 1

step "Unbinding the NIC $NIC from e1000e"
run_sh "echo $NIC > /sys/bus/pci/drivers/e1000e/unbind"
sleep 1
run iogroup show "$(pci_group "$NIC")"

step "Binding it again"
run_sh "echo $NIC > /sys/bus/pci/drivers/e1000e/bind"
sleep 1
run iogroup show "$(pci_group "$NIC")"

sleep 1
kill "$watch_pid" 2>/dev/null
wait "$watch_pid" 2>/dev/null

step "What iogroup watch printed"
cat /tmp/watch.log

step "Module counters"
run iogroup stats

echo
echo "================ end of demo ================"
exit 0
