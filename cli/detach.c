// SPDX-License-Identifier: GPL-2.0-only
/*
 * iogroup detach GROUP [--driver vfio-pci|pci-stub] [--force]: hand a group
 * to VFIO under a claim, so that no kernel driver binds in between.
 * iogroup reattach GROUP: give it back to the host drivers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "nl.h"
#include "output.h"
#include "sysfs.h"

#define PROBE_WAIT_MS	1000	/* reattach: wait this long for a driver */

static bool is_pci(const struct ig_device *d)
{
	return d->bus && !strcmp(d->bus, "pci");
}

/* The driver bound to PCI device @dev per sysfs, "" if none. */
static void sysfs_driver(const char *dev, char *buf, size_t len)
{
	char p[4096];

	buf[0] = '\0';
	if (ig_path(p, sizeof(p), "%s/bus/pci/devices/%s/driver",
		    ig_sysfs_root(), dev) && ig_link_name(p, buf, len))
		buf[0] = '\0';
}

static int driver_present(const char *drv)
{
	char p[4096];

	return ig_path(p, sizeof(p), "%s/bus/pci/drivers/%s", ig_sysfs_root(),
		       drv) && !access(p, F_OK);
}

/* Make sure /sys/bus/pci/drivers/@drv exists, loading the module if not. */
static int load_driver(const char *what, const char *drv)
{
	char *argv[] = { "modprobe", (char *)drv, NULL };
	int err, status;

	if (driver_present(drv))
		return 0;
	err = ig_run(argv, false, &status);
	if (err) {
		fprintf(stderr, "iogroup: %s: cannot run modprobe: %s\n", what,
			strerror(-err));
		return 1;
	}
	if (driver_present(drv))
		return 0;
	fprintf(stderr, "iogroup: %s: driver %s is not available (modprobe %s: exit status %d)\n",
		what, drv, drv, status);
	return 1;
}

/* driver_override, unbind from another driver, bind to @drv. */
static int bind_to(const char *dev, const char *cur, const char *drv)
{
	const char *root = ig_sysfs_root();
	char p[4096];

	if (!ig_path(p, sizeof(p), "%s/bus/pci/devices/%s/driver_override",
		     root, dev) || ig_write_file(p, drv))
		return 1;
	if (*cur && (!ig_path(p, sizeof(p), "%s/bus/pci/devices/%s/driver/unbind",
			      root, dev) || ig_write_file(p, dev)))
		return 1;
	if (!ig_path(p, sizeof(p), "%s/bus/pci/drivers/%s/bind", root, drv) ||
	    ig_write_file(p, dev))
		return 1;
	return 0;
}

int cmd_detach(int argc, char **argv, const struct ig_opts *o)
{
	const char *drv = o->driver ? o->driver : "vfio-pci";
	char what[IOGROUP_DEVICE_NAME_MAX + 64], cur[256];
	struct ig_group g = { 0 };
	const char **names = NULL;
	struct ig_detach_result r = { .driver = drv };
	const char *devname;
	bool claimed = false;
	struct ig_nl *nl;
	uint32_t id;
	size_t i, n = 0;
	int err, ret = 1;

	(void)argc;
	err = ig_parse_group_arg("detach", argv[0], &id, &devname);
	if (err)
		return err;
	snprintf(what, sizeof(what), "detach '%s'", argv[0]);
	if (ig_connect(&nl, false, what))
		return 1;
	if (ig_read_group(nl, what, id, devname, &g))
		goto out;
	id = g.id;
	snprintf(what, sizeof(what), "detach group %u", id);
	for (i = 0; i < g.n_devices; i++) {
		if (g.devices[i].bridge || is_pci(&g.devices[i]))
			continue;
		fprintf(stderr, "iogroup: %s: %s is not a PCI device, it cannot be bound to %s\n",
			what, g.devices[i].name, drv);
		goto out;
	}

	/* (a) host impact, (b) the claim: no kernel driver binds from now. */
	if (ig_guard_group(what, &g, o->force))
		goto out;
	err = ig_nl_claim(nl, id, IOGROUP_CLAIM_F_UNBIND);
	if (err) {
		ig_report_claim(nl, what, id, err, false);
		goto out;
	}
	claimed = true;

	/* (c) the driver, (d) bind each device but bridges to it. */
	if (load_driver(what, drv))
		goto out;
	ig_group_free(&g);
	if (ig_read_group(nl, what, id, NULL, &g))
		goto out;
	for (i = 0; i < g.n_devices; i++) {
		const struct ig_device *d = &g.devices[i];

		if (d->bridge)
			continue;
		sysfs_driver(d->name, cur, sizeof(cur));
		if (!strcmp(cur, drv))
			continue;
		if (bind_to(d->name, cur, drv)) {
			fprintf(stderr, "iogroup: %s: cannot bind %s to %s\n",
				what, d->name, drv);
			goto out;
		}
	}

	/* (e) release, (f) verify. */
	err = ig_nl_release(nl, id);
	claimed = false;
	if (err) {
		char rwhat[64];

		snprintf(rwhat, sizeof(rwhat), "release group %u", id);
		ig_report(rwhat, nl, err, NULL);
		goto out;
	}
	ig_group_free(&g);
	if (ig_read_group(nl, what, id, NULL, &g))
		goto out;
	names = calloc(g.n_devices + 1, sizeof(*names));
	if (!names) {
		ig_output_error(what, -ENOMEM);
		goto out;
	}
	err = 0;
	for (i = 0; i < g.n_devices; i++) {
		const struct ig_device *d = &g.devices[i];

		if (d->bridge)
			continue;
		if (!d->driver || strcmp(d->driver, drv)) {
			fprintf(stderr, "iogroup: %s: %s is bound to %s, not %s\n",
				what, d->name, d->driver ? d->driver : "no driver",
				drv);
			err = 1;
		}
		names[n++] = d->name;
	}
	if (!g.viable) {
		fprintf(stderr, "iogroup: %s: the group is not viable for VFIO\n",
			what);
		err = 1;
	}
	r.group = id;
	r.devices = names;
	r.n_devices = n;
	r.viable = g.viable;
	if (err) {
		fprintf(stderr, "iogroup: %s: 'iogroup show %u' tells more\n",
			what, id);
		goto out;
	}
	err = o->quiet ? 0 : ig_print_detach(stdout, &r, o->json);
	ret = err ? ig_output_error("detach", err) : 0;
out:
	if (claimed) {
		err = ig_nl_release(nl, id);
		if (err) {
			char rwhat[64];

			snprintf(rwhat, sizeof(rwhat), "release group %u", id);
			ig_report(rwhat, nl, err, NULL);
			fprintf(stderr, "iogroup: the kernel releases the claim when iogroup exits\n");
		} else {
			fprintf(stderr, "iogroup: %s: claim released; devices it unbound stay unbound ('iogroup reattach %u' gives them back)\n",
				what, id);
		}
	}
	free(names);
	ig_group_free(&g);
	ig_nl_close(nl);
	return ret;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Clear driver_override, unbind, probe; the driver it got in @got. */
static int give_back(const char *dev, bool override, const char *cur,
		     char *got, size_t len)
{
	const char *root = ig_sysfs_root();
	char p[4096];
	int waited, ret = 0;

	if (override &&
	    (!ig_path(p, sizeof(p), "%s/bus/pci/devices/%s/driver_override",
		      root, dev) || ig_write_file(p, "\n")))
		ret = 1;
	if (*cur &&
	    (!ig_path(p, sizeof(p), "%s/bus/pci/devices/%s/driver/unbind",
		      root, dev) || ig_write_file(p, dev)))
		return 1;
	if (!ig_path(p, sizeof(p), "%s/bus/pci/drivers_probe", root) ||
	    ig_write_file(p, dev))
		ret = 1;
	/* Probing may be asynchronous: give the driver a moment. */
	for (waited = 0;; waited += 50) {
		sysfs_driver(dev, got, len);
		if (*got || waited >= PROBE_WAIT_MS)
			break;
		sleep_ms(50);
	}
	return ret;
}

int cmd_reattach(int argc, char **argv, const struct ig_opts *o)
{
	char what[IOGROUP_DEVICE_NAME_MAX + 64];
	struct ig_reattach_dev *res = NULL;
	char (*got)[256] = NULL;
	struct ig_group g = { 0 };
	const char *devname;
	struct ig_nl *nl;
	uint32_t id;
	size_t i, n = 0;
	int err, ret = 1;

	(void)argc;
	err = ig_parse_group_arg("reattach", argv[0], &id, &devname);
	if (err)
		return err;
	snprintf(what, sizeof(what), "reattach '%s'", argv[0]);
	if (ig_connect(&nl, false, what))
		return 1;
	if (ig_read_group(nl, what, id, devname, &g))
		goto out;
	id = g.id;
	snprintf(what, sizeof(what), "reattach group %u", id);
	if (g.owner.kind == IOGROUP_OWNER_IOGROUP ||
	    g.owner.kind == IOGROUP_OWNER_USER) {
		char who[128] = "";

		if (g.owner.has_pid)
			snprintf(who, sizeof(who), " (pid %u%s%s)",
				 g.owner.pid, g.owner.comm ? ", " : "",
				 g.owner.comm ? g.owner.comm : "");
		if (g.owner.kind == IOGROUP_OWNER_IOGROUP)
			fprintf(stderr, "iogroup: %s: the group is claimed by iogroup%s; release it first (iogroup release %u)\n",
				what, who, id);
		else
			fprintf(stderr, "iogroup: %s: the group is owned by user space%s: VFIO is in use\n",
				what, who);
		goto out;
	}
	res = calloc(g.n_devices + 1, sizeof(*res));
	got = calloc(g.n_devices + 1, sizeof(*got));
	if (!res || !got) {
		ig_output_error(what, -ENOMEM);
		goto out;
	}
	ret = 0;
	for (i = 0; i < g.n_devices; i++) {
		const struct ig_device *d = &g.devices[i];
		char p[4096], ovr[256] = "", cur[256];
		bool override;

		if (d->bridge || !is_pci(d))
			continue;
		if (ig_path(p, sizeof(p), "%s/bus/pci/devices/%s/driver_override",
			    ig_sysfs_root(), d->name) &&
		    ig_read_line(p, ovr, sizeof(ovr)))
			ovr[0] = '\0';
		override = *ovr && strcmp(ovr, "(null)");
		sysfs_driver(d->name, cur, sizeof(cur));
		if (!override && *cur && strcmp(cur, "vfio-pci") &&
		    strcmp(cur, "pci-stub"))
			continue;	/* the host has it */
		if (give_back(d->name, override, cur, got[n], sizeof(got[n])))
			ret = 1;
		res[n].device = d->name;
		res[n].driver = *got[n] ? got[n] : NULL;
		n++;
	}
	err = ig_print_reattach(stdout, id, res, n, o->json);
	if (err)
		ret = ig_output_error("reattach", err);
out:
	free(res);
	free(got);
	ig_group_free(&g);
	ig_nl_close(nl);
	return ret;
}
