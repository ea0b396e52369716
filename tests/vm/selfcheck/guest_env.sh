#!/bin/sh
# The guest's environment: topology variables, as-user, the CLI.
n=0
fails=0
t() {	# t NAME CMD...
	n=$((n + 1)); name=$1; shift
	if "$@" >/tmp/t.out 2>&1; then echo "ok $n $name"
	else sed 's/^/# /' /tmp/t.out; echo "not ok $n $name"; fails=$((fails + 1)); fi
}
echo "TAP version 13"
echo "1..5"
t "topology variables" test -n "$IOGROUP_VM_NIC" -a -n "$IOGROUP_VM_MULTI_GROUP" \
	-a -n "$IOGROUP_VM_EDU" -a -n "$IOGROUP_VM_MULTI_NIC"
t "as-user runs as uid 1000" sh -c '[ "$(as-user id -u)" = 1000 ] && [ "$(as-user id -G)" = 1000 ]'
t "uid 1000 cannot unbind" sh -c "! as-user sh -c 'echo $IOGROUP_VM_NIC > /sys/bus/pci/drivers/e1000e/unbind' 2>/dev/null"
t "su to user" sh -c '[ "$(su -s /bin/sh user -c "id -un")" = user ]'
t "cwd is the tests directory" sh -c '[ "$(pwd)" = /tests ]'
[ "$fails" = 0 ]
