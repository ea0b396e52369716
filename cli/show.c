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

int cmd_show(int argc, char **argv, const struct ig_opts *o)
{
	const char *arg = argv[0];
	const char *devname = NULL;
	struct ig_group g;
	struct ig_nl *nl;
	char what[IOGROUP_DEVICE_NAME_MAX + 64];
	uint32_t id = 0;
	int err;

	(void)argc;
	err = ig_parse_group_arg("show", arg, &id, &devname);
	if (err)
		return err;
	snprintf(what, sizeof(what), "show '%s'", arg);

	if (ig_connect(&nl, false, what))
		return 1;
	if (ig_read_group(nl, what, id, devname, &g)) {
		ig_nl_close(nl);
		return 1;
	}
	ig_nl_close(nl);
	err = ig_print_group(stdout, &g, o->json);
	ig_group_free(&g);
	return err ? ig_output_error("show", err) : 0;
}
