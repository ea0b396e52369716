// SPDX-License-Identifier: GPL-2.0-only
/* iogroup stats: the module's counters. */
#include "cli.h"
#include "nl.h"
#include "output.h"

int cmd_stats(int argc, char **argv, const struct ig_opts *o)
{
	struct ig_stats s;
	struct ig_nl *nl;
	int err;

	(void)argc;
	(void)argv;
	if (ig_connect(&nl, false, "stats"))
		return 1;
	err = ig_nl_stats_get(nl, &s);
	if (err) {
		ig_report("stats", nl, err, NULL);
		ig_nl_close(nl);
		return 1;
	}
	ig_nl_close(nl);
	err = ig_print_stats(stdout, &s, o->json);
	ig_stats_free(&s);
	return err ? ig_output_error("stats", err) : 0;
}
