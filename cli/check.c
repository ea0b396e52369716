// SPDX-License-Identifier: GPL-2.0-only
/* iogroup check: does the module's shadow agree with the kernel? */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "nl.h"
#include "output.h"

int cmd_check(int argc, char **argv, const struct ig_opts *o)
{
	struct ig_check_drift *drift = NULL;
	struct ig_group_list l;
	struct ig_nl *nl;
	size_t i, n = 0;
	int err;

	(void)argc;
	(void)argv;
	if (ig_connect(&nl, false, "check"))
		return 1;
	/* VERIFY: have the module check each group against the kernel now. */
	err = ig_nl_group_dump(nl, true, &l);
	if (err == -EINVAL) {
		/* A module older than VERIFY refuses the unknown attribute. */
		fprintf(stderr, "iogroup: check: the module cannot verify on request; drift is as of its last check\n");
		err = ig_nl_group_dump(nl, false, &l);
	}
	if (err) {
		ig_report("check", nl, err, NULL);
		ig_nl_close(nl);
		return 1;
	}
	ig_nl_close(nl);
	if (l.n) {
		drift = calloc(l.n, sizeof(*drift));
		if (!drift) {
			ig_group_list_free(&l);
			return ig_output_error("check", -ENOMEM);
		}
	}
	for (i = 0; i < l.n; i++) {
		if (!l.groups[i].drift)
			continue;
		drift[n].group = l.groups[i].id;
		drift[n].drift = l.groups[i].drift;
		n++;
	}
	err = ig_print_check(stdout, l.n, drift, n, o->json);
	free(drift);
	ig_group_list_free(&l);
	if (err)
		return ig_output_error("check", err);
	return n ? 1 : 0;
}
