// SPDX-License-Identifier: GPL-2.0-only
/*
 * iogroup claim GROUP [--unbind [--restore]] [--force] [-- COMMAND...] and
 * iogroup release GROUP; the host-impact guard shared with detach.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "guard.h"
#include "nl.h"
#include "output.h"
#include "sysfs.h"

int ig_guard_group(const char *what, const struct ig_group *g, bool force)
{
	struct ig_guard_dev *devs;
	struct ig_guard_hits hits;
	struct ig_guard_env env;
	size_t i;
	int err;

	devs = calloc(g->n_devices + 1, sizeof(*devs));
	if (!devs)
		return ig_output_error(what, -ENOMEM);
	for (i = 0; i < g->n_devices; i++) {
		devs[i].name = g->devices[i].name;
		devs[i].bridge = g->devices[i].bridge;
	}
	ig_guard_env_default(&env);
	err = ig_guard_check(&env, devs, g->n_devices, &hits);
	free(devs);
	if (err)
		return ig_output_error(what, err);
	for (i = 0; i < hits.n; i++)
		fprintf(stderr, "iogroup: %s: %s%s %s\n", what,
			force ? "warning: --force overrides: " : "",
			hits.hit[i].device, hits.hit[i].reason);
	if (hits.n && !force)
		fprintf(stderr, "iogroup: %s: refusing to take %s away from the host; --force overrides\n",
			what, hits.n == 1 ? "this device" : "these devices");
	err = hits.n && !force;
	ig_guard_hits_free(&hits);
	return err;
}

/* Group number of GROUP|DEVICE, and the group itself when @g. */
static int resolve(struct ig_nl *nl, const char *what, uint32_t id,
		   const char *devname, uint32_t *out, struct ig_group *g)
{
	struct ig_group tmp;

	if (!g && !devname) {
		*out = id;
		return 0;
	}
	if (ig_read_group(nl, what, id, devname, g ? g : &tmp))
		return 1;
	*out = g ? g->id : tmp.id;
	if (!g)
		ig_group_free(&tmp);
	return 0;
}

int cmd_claim(int argc, char **argv, const struct ig_opts *o)
{
	char what[IOGROUP_DEVICE_NAME_MAX + 64];
	const char *devname;
	struct ig_group g = { 0 };
	struct ig_nl *nl;
	uint32_t id, flags = 0;
	int err, status;

	(void)argc;
	err = ig_parse_group_arg("claim", argv[0], &id, &devname);
	if (err)
		return err;
	snprintf(what, sizeof(what), "claim '%s'", argv[0]);
	if (ig_connect(&nl, false, what))
		return 1;
	if (resolve(nl, what, id, devname, &id, o->unbind ? &g : NULL))
		goto fail;
	snprintf(what, sizeof(what), "claim group %u", id);
	if (o->unbind) {
		err = ig_guard_group(what, &g, o->force);
		ig_group_free(&g);
		if (err)
			goto fail;
		flags |= IOGROUP_CLAIM_F_UNBIND;
		if (o->restore)
			flags |= IOGROUP_CLAIM_F_RESTORE;
	}
	if (!o->exec_argv)
		flags |= IOGROUP_CLAIM_F_PERSISTENT;

	err = ig_nl_claim(nl, id, flags);
	if (err) {
		ig_report_claim(nl, what, id, err, !o->unbind);
		goto fail;
	}
	if (!o->exec_argv) {
		ig_nl_close(nl);
		err = ig_print_claim(stdout, id, flags, o->json);
		return err ? ig_output_error("claim", err) : 0;
	}

	/* The claim lives as long as this socket: run COMMAND under it. */
	err = ig_run(o->exec_argv, true, &status);
	if (err) {
		fprintf(stderr, "iogroup: %s: cannot run %s: %s\n", what,
			o->exec_argv[0], strerror(-err));
		status = 1;
	}
	err = ig_nl_release(nl, id);
	if (err) {
		char rwhat[64];

		snprintf(rwhat, sizeof(rwhat), "release group %u", id);
		ig_report(rwhat, nl, err, NULL);
		if (err != -ENOENT)
			fprintf(stderr, "iogroup: the kernel releases the claim when iogroup exits\n");
	}
	ig_nl_close(nl);
	return status;
fail:
	ig_nl_close(nl);
	return 1;
}

int cmd_release(int argc, char **argv, const struct ig_opts *o)
{
	char what[IOGROUP_DEVICE_NAME_MAX + 64];
	const char *devname;
	struct ig_nl *nl;
	uint32_t id;
	int err;

	(void)argc;
	err = ig_parse_group_arg("release", argv[0], &id, &devname);
	if (err)
		return err;
	snprintf(what, sizeof(what), "release '%s'", argv[0]);
	if (ig_connect(&nl, false, what))
		return 1;
	if (resolve(nl, what, id, devname, &id, NULL))
		goto fail;
	snprintf(what, sizeof(what), "release group %u", id);
	err = ig_nl_release(nl, id);
	if (err) {
		ig_report(what, nl, err, NULL);
		if (err == -EPERM)
			fprintf(stderr, "iogroup: releasing a claim needs CAP_SYS_ADMIN (run as root)\n");
		goto fail;
	}
	ig_nl_close(nl);
	err = ig_print_release(stdout, id, o->json);
	return err ? ig_output_error("release", err) : 0;
fail:
	ig_nl_close(nl);
	return 1;
}
