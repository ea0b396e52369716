// SPDX-License-Identifier: GPL-2.0-only
/* GROUP|DEVICE arguments, reading a group, reporting a refused claim. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nl.h"

/* 1: a group number, 0: a device name, -1: a number out of range. */
static int parse_group_number(const char *s, uint32_t *id)
{
	unsigned long long v;
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*id = (uint32_t)v;
	return 1;
}

int ig_parse_group_arg(const char *cmd, const char *arg, uint32_t *id,
		       const char **devname)
{
	int kind = parse_group_number(arg, id);

	*devname = NULL;
	if (kind < 0)
		return ig_usage_error_arg(cmd, arg,
					  "group number out of range (0-4294967295)");
	if (kind)
		return 0;
	if (!*arg)
		return ig_usage_error_arg(cmd, arg, "empty device name");
	if (strlen(arg) >= IOGROUP_DEVICE_NAME_MAX) {
		char msg[64];

		snprintf(msg, sizeof(msg),
			 "device name too long (at most %d characters)",
			 IOGROUP_DEVICE_NAME_MAX - 1);
		return ig_usage_error_arg(cmd, arg, msg);
	}
	*devname = arg;
	return 0;
}

int ig_read_group(struct ig_nl *nl, const char *what, uint32_t id,
		  const char *devname, struct ig_group *g)
{
	int err = ig_nl_group_get(nl, id, devname, g);
	const char *msg = NULL;

	if (!err)
		return 0;
	if (err == -ENOENT)
		msg = "no such group";
	else if (err == -ENODEV)
		msg = "no such device";
	ig_report(what, nl, err, msg);
	return 1;
}

void ig_report_claim(struct ig_nl *nl, const char *what, uint32_t id, int err,
		     bool hint_unbind)
{
	bool extack = ig_nl_extack(nl) != NULL;
	struct ig_group g;
	size_t i, n = 0;

	ig_report(what, nl, err, NULL);
	if (err == -EPERM)
		fprintf(stderr, "iogroup: claiming a group needs CAP_SYS_ADMIN (run as root)\n");
	if (err != -EBUSY)
		return;
	/* Owned already (VFIO or iogroup): the extack said by whom. */
	/* (re-reading the group resets the extack: extack was saved above) */
	if (ig_nl_group_get(nl, id, NULL, &g))
		return;
	if (g.owner.kind == IOGROUP_OWNER_USER ||
	    g.owner.kind == IOGROUP_OWNER_IOGROUP) {
		if (!extack)
			fprintf(stderr, "iogroup:   the group is owned by %s%s\n",
				g.owner.kind == IOGROUP_OWNER_USER ?
				"user space" : "iogroup",
				g.owner.kind == IOGROUP_OWNER_USER ?
				" (VFIO in use)" : "");
		ig_group_free(&g);
		return;
	}
	for (i = 0; i < g.n_devices; i++) {
		const struct ig_device *d = &g.devices[i];

		if (!d->blocks_viability)
			continue;
		n++;
		if (!d->driver)
			fprintf(stderr, "iogroup:   %s has no driver\n", d->name);
		else
			fprintf(stderr, "iogroup:   %s is bound to %s%s\n",
				d->name, d->driver,
				d->kernel_dma ? " (kernel DMA API)" : "");
	}
	if (n && hint_unbind)
		fprintf(stderr, "iogroup: use --unbind to unbind them\n");
	ig_group_free(&g);
}
