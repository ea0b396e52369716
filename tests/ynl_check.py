#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ynl_check.py: compares what the kernel's YNL cli.py decoded with
include/iogroup.yaml against sysfs and against `iogroup -j` (run by ynl.sh
in the test VM).

  ynl_check.py dump YNL.json CLI.json     cli.py --dump group-get
  ynl_check.py events YNL.json DEVICE     cli.py --subscribe events
Prints one line per mismatch; exit 1 if any.
"""
import json
import os
import sys

SYS = '/sys'
errors = []


def err(msg):
    errors.append(msg)
    print('mismatch: ' + msg)


def sysfs_groups():
    """{group id: {device: driver or None}} from /sys/kernel/iommu_groups."""
    groups = {}
    base = SYS + '/kernel/iommu_groups'
    for g in os.listdir(base):
        devs = {}
        for d in os.listdir(f'{base}/{g}/devices'):
            link = f'{base}/{g}/devices/{d}/driver'
            devs[d] = os.path.basename(os.readlink(link)) \
                if os.path.islink(link) else None
        groups[int(g)] = devs
    return groups


def sysfs_hex(dev, name):
    path = f'{SYS}/bus/pci/devices/{dev}/{name}'
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return int(f.read().strip(), 16)


def as_int(v):
    """display-hint: hex attributes come out of YNL as "0x8086"."""
    return int(v, 0) if isinstance(v, str) else v


def check_dump(ynl_file, cli_file):
    with open(ynl_file) as f:
        ynl = json.load(f)
    with open(cli_file) as f:
        cli = json.load(f)
    truth = sysfs_groups()
    y = {g['id']: g for g in ynl}
    c = {g['group']: g for g in cli}
    if sorted(y) != sorted(truth):
        err(f'groups: ynl {sorted(y)}, sysfs {sorted(truth)}')
    if sorted(y) != sorted(c):
        err(f'groups: ynl {sorted(y)}, iogroup list -j {sorted(c)}')
    for gid in sorted(set(y) & set(truth) & set(c)):
        yg, cg, tg = y[gid], c[gid], truth[gid]
        ydevs = {d['name']: d for d in yg.get('device', [])}
        cdevs = {d['name']: d for d in cg['devices']}
        if sorted(ydevs) != sorted(tg):
            err(f'group {gid} devices: ynl {sorted(ydevs)}, sysfs {sorted(tg)}')
        if sorted(ydevs) != sorted(cdevs):
            err(f'group {gid} devices: ynl {sorted(ydevs)}, cli {sorted(cdevs)}')
        for name in sorted(set(ydevs) & set(tg) & set(cdevs)):
            yd = ydevs[name]
            if yd.get('driver') != tg[name]:
                err(f'{name} driver: ynl {yd.get("driver")}, sysfs {tg[name]}')
            if cdevs[name]['driver'] != tg[name]:
                err(f'{name} driver: cli {cdevs[name]["driver"]}, sysfs {tg[name]}')
            for key in ('vendor', 'device', 'class'):
                want = sysfs_hex(name, key)
                if want is not None and as_int(yd.get(key)) != want:
                    err(f'{name} {key}: ynl {yd.get(key)}, sysfs {want:#x}')
            if bool(yd.get('bridge')) != bool(cdevs[name]['bridge']):
                err(f'{name} bridge: ynl {yd.get("bridge")}, cli {cdevs[name]["bridge"]}')
        if yg.get('domain') != cg['domain']:
            err(f'group {gid} domain: ynl {yg.get("domain")}, cli {cg["domain"]}')
        if yg['owner']['kind'] != cg['owner']['kind']:
            err(f'group {gid} owner: ynl {yg["owner"]["kind"]}, cli {cg["owner"]["kind"]}')
        if bool(yg['viable']) != cg['viable']:
            err(f'group {gid} viable: ynl {yg["viable"]}, cli {cg["viable"]}')
        if yg['kernel-users'] != cg['kernel_users']:
            err(f'group {gid} kernel users: ynl {yg["kernel-users"]}, cli {cg["kernel_users"]}')
    print(f'# compared {len(y)} groups, {sum(len(v) for v in truth.values())} devices')


def check_events(ynl_file, dev):
    with open(ynl_file) as f:
        msgs = json.load(f)
    group = int(os.path.basename(os.readlink(f'{SYS}/bus/pci/devices/{dev}/iommu_group')))
    seen = set()
    last_seq = -1
    for m in msgs:
        if m.get('name') != 'event':
            err(f'unexpected notification {m.get("name")}')
            continue
        e = m['msg']
        if e['seq'] <= last_seq:
            err(f'seq {e["seq"]} after {last_seq}')
        last_seq = e['seq']
        if e.get('device') != dev:
            continue
        if e.get('group-id') != group:
            err(f'event {e["type"]} of {dev}: group-id {e.get("group-id")}, sysfs {group}')
        if e['type'] in ('device-bound', 'device-unbound'):
            if e.get('driver') != 'e1000e':
                err(f'event {e["type"]} of {dev}: driver {e.get("driver")}')
            seen.add(e['type'])
    print(f'# {len(msgs)} notifications, {dev}: {sorted(seen)}')
    for t in ('device-bound', 'device-unbound'):
        if t not in seen:
            err(f'no {t} event for {dev}')


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'dump':
        check_dump(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == 'events':
        check_events(sys.argv[2], sys.argv[3])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(1 if errors else 0)
