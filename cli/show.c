// SPDX-License-Identifier: GPL-2.0-only
/* iogroup show GROUP|DEVICE: one group in detail. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nl.h"
#include "output.h"

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

int cmd_show(int argc, char **argv, const struct ig_opts *o)
{
	const char *arg = argv[0];
	const char *devname = NULL;
	struct ig_group g;
	struct ig_nl *nl;
	char what[IOGROUP_DEVICE_NAME_MAX + 64];
	uint32_t id = 0;
	int err, kind;

	(void)argc;
	kind = parse_group_number(arg, &id);
	if (kind < 0)
		return ig_usage_error_arg("show", arg,
					  "group number out of range (0-4294967295)");
	if (!kind) {
		if (!*arg)
			return ig_usage_error_arg("show", arg, "empty device name");
		if (strlen(arg) >= IOGROUP_DEVICE_NAME_MAX) {
			char msg[64];

			snprintf(msg, sizeof(msg),
				 "device name too long (at most %d characters)",
				 IOGROUP_DEVICE_NAME_MAX - 1);
			return ig_usage_error_arg("show", arg, msg);
		}
		devname = arg;
	}
	snprintf(what, sizeof(what), "show '%s'", arg);

	if (ig_connect(&nl, false, what))
		return 1;
	err = ig_nl_group_get(nl, id, devname, &g);
	if (err) {
		const char *msg = NULL;

		if (err == -ENOENT)
			msg = "no such group";
		else if (err == -ENODEV)
			msg = "no such device";
		ig_report(what, nl, err, msg);
		ig_nl_close(nl);
		return 1;
	}
	ig_nl_close(nl);
	err = ig_print_group(stdout, &g, o->json);
	ig_group_free(&g);
	return err ? ig_output_error("show", err) : 0;
}
