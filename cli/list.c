// SPDX-License-Identifier: GPL-2.0-only
/* iogroup list: one row per IOMMU group. */
#include "cli.h"
#include "nl.h"
#include "output.h"

int cmd_list(int argc, char **argv, const struct ig_opts *o)
{
	struct ig_group_list l;
	struct ig_nl *nl;
	int err;

	(void)argc;
	(void)argv;
	if (ig_connect(&nl, false, "list"))
		return 1;
	err = ig_nl_group_dump(nl, false, &l);
	if (err) {
		ig_report("list", nl, err, NULL);
		ig_nl_close(nl);
		return 1;
	}
	ig_nl_close(nl);
	err = ig_print_groups(stdout, &l, o->json);
	ig_group_list_free(&l);
	return err ? ig_output_error("list", err) : 0;
}
