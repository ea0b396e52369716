// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rendering of the model in the Prometheus text exposition format (version
 * 0.0.4): HELP and TYPE before each family's samples, label values escaped.
 * "iogroup metrics" (metrics.c) prints it; tests/test_metrics.c checks it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "metrics.h"

/* A label value with \, " and newline escaped as the format wants. */
static void label(FILE *f, const char *name, const char *val, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; val && *val; val++) {
		if (*val == '\\')
			fputs("\\\\", f);
		else if (*val == '"')
			fputs("\\\"", f);
		else if (*val == '\n')
			fputs("\\n", f);
		else
			fputc(*val, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{group="N"} value */
static void group_sample(FILE *f, const char *name, const struct ig_group *g,
			 uint64_t val)
{
	fprintf(f, "%s{group=\"%" PRIu32 "\"} %" PRIu64 "\n", name, g->id, val);
}

static const struct {
	int attr;
	const char *name;
	bool counter;
	const char *help;
} stats_metrics[] = {
	{ IOGROUP_A_STATS_PROBE_HITS, "iogroup_probe_hits_total", true,
	  "Driver probes (really_probe returns) the module saw." },
	{ IOGROUP_A_STATS_PROBE_BOUND, "iogroup_probe_bound_total", true,
	  "Driver probes that bound the driver." },
	{ IOGROUP_A_STATS_PROBE_FAILED, "iogroup_probe_failed_total", true,
	  "Driver probes that failed." },
	{ IOGROUP_A_STATS_RELEASE_HITS, "iogroup_release_hits_total", true,
	  "Driver releases the module saw." },
	{ IOGROUP_A_STATS_CLAIM_HITS, "iogroup_claim_hits_total", true,
	  "Kernel DMA-owner claims the module saw." },
	{ IOGROUP_A_STATS_UNCLAIM_HITS, "iogroup_unclaim_hits_total", true,
	  "Kernel DMA-owner releases the module saw." },
	{ IOGROUP_A_STATS_PROBE_MISSED, "iogroup_probe_missed_total", true,
	  "really_probe kretprobe instances missed." },
	{ IOGROUP_A_STATS_KPROBE_MISSED, "iogroup_kprobe_missed_total", true,
	  "Kprobe hits missed, over all of the module's kprobes." },
	{ IOGROUP_A_STATS_EVENTS_SENT, "iogroup_events_sent_total", true,
	  "Ownership events sent." },
	{ IOGROUP_A_STATS_EVENTS_DROPPED, "iogroup_events_dropped_total", true,
	  "Ownership events lost." },
	{ IOGROUP_A_STATS_RESYNCS, "iogroup_resyncs_total", true,
	  "Rebuilds of the shadow from the kernel." },
	{ IOGROUP_A_STATS_DRIFT_CHECKS, "iogroup_drift_checks_total", true,
	  "Group checks against the kernel." },
	{ IOGROUP_A_STATS_DRIFT_FOUND, "iogroup_drift_found_total", true,
	  "Group checks that found the shadow disagreeing with the kernel." },
	{ IOGROUP_A_STATS_VETOES, "iogroup_vetoes_total", true,
	  "Kernel DMA-API driver binds refused because of a claim." },
	{ IOGROUP_A_STATS_CLAIMS_TOTAL, "iogroup_claims_taken_total", true,
	  "Claims taken since the module was loaded." },
	{ IOGROUP_A_STATS_AUTO_RELEASES, "iogroup_auto_releases_total", true,
	  "Claims released because the socket that held them closed." },
	{ IOGROUP_A_STATS_DRIFT_GROUPS, "iogroup_drift_groups", false,
	  "Groups whose shadow disagrees with the kernel now." },
	{ IOGROUP_A_STATS_GROUPS, "iogroup_groups", false,
	  "IOMMU groups in the shadow." },
	{ IOGROUP_A_STATS_DEVICES, "iogroup_devices", false,
	  "Devices in the shadow." },
	{ IOGROUP_A_STATS_BYTES, "iogroup_shadow_bytes", false,
	  "Memory the shadow holds, in bytes." },
	{ IOGROUP_A_STATS_CLAIMS, "iogroup_claims", false,
	  "Claims iogroup holds now." },
};

int ig_print_metrics(FILE *f, const struct ig_group_list *l,
		     const struct ig_stats *s)
{
	size_t i, j;

	family(f, "iogroup_group_info", "gauge",
	       "IOMMU group (value 1): owner none, kernel, user or iogroup; current and default domain.");
	for (i = 0; i < l->n; i++) {
		const struct ig_group *g = &l->groups[i];
		char id[16];

		snprintf(id, sizeof(id), "%" PRIu32, g->id);
		fputs("iogroup_group_info{", f);
		label(f, "group", id, true);
		label(f, "owner", ig_owner_name(g->owner.kind), false);
		label(f, "domain", ig_domain_name(g->domain), false);
		label(f, "default_domain", g->has_default_domain ?
		      ig_domain_name(g->default_domain) : "", false);
		fputs("} 1\n", f);
	}
	family(f, "iogroup_group_owner_pid", "gauge",
	       "Pid of the user-space owner or iogroup claimer of the group, with its command.");
	for (i = 0; i < l->n; i++) {
		const struct ig_group *g = &l->groups[i];
		char id[16];

		if (!g->owner.has_pid)
			continue;
		snprintf(id, sizeof(id), "%" PRIu32, g->id);
		fputs("iogroup_group_owner_pid{", f);
		label(f, "group", id, true);
		label(f, "owner", ig_owner_name(g->owner.kind), false);
		label(f, "comm", g->owner.comm ? g->owner.comm : "", false);
		fprintf(f, "} %" PRIu32 "\n", g->owner.pid);
	}
	family(f, "iogroup_group_claimed", "gauge",
	       "1 if iogroup holds a claim on the group (DMA blocked, kernel drivers refused).");
	for (i = 0; i < l->n; i++)
		group_sample(f, "iogroup_group_claimed", &l->groups[i],
			     l->groups[i].owner.kind == IOGROUP_OWNER_IOGROUP);
	family(f, "iogroup_group_viable", "gauge",
	       "1 if VFIO would accept the group.");
	for (i = 0; i < l->n; i++)
		group_sample(f, "iogroup_group_viable", &l->groups[i],
			     l->groups[i].viable);
	family(f, "iogroup_group_devices", "gauge",
	       "Devices in the group.");
	for (i = 0; i < l->n; i++)
		group_sample(f, "iogroup_group_devices", &l->groups[i],
			     l->groups[i].n_devices);
	family(f, "iogroup_group_kernel_users", "gauge",
	       "Devices of the group bound to a driver that uses the kernel DMA API.");
	for (i = 0; i < l->n; i++)
		group_sample(f, "iogroup_group_kernel_users", &l->groups[i],
			     l->groups[i].kernel_users);
	family(f, "iogroup_group_drift", "gauge",
	       "1 if the module's shadow of the group disagrees with the kernel.");
	for (i = 0; i < l->n; i++)
		group_sample(f, "iogroup_group_drift", &l->groups[i],
			     l->groups[i].drift != NULL);

	family(f, "iogroup_device_info", "gauge",
	       "Device of an IOMMU group (value 1) and its bound driver (empty: none).");
	for (i = 0; i < l->n; i++) {
		const struct ig_group *g = &l->groups[i];
		char id[16];

		snprintf(id, sizeof(id), "%" PRIu32, g->id);
		for (j = 0; j < g->n_devices; j++) {
			fputs("iogroup_device_info{", f);
			label(f, "group", id, true);
			label(f, "device", g->devices[j].name, false);
			label(f, "driver", g->devices[j].driver, false);
			fputs("} 1\n", f);
		}
	}
	family(f, "iogroup_device_blocks_viability", "gauge",
	       "1 if this device is why its group is not viable for VFIO.");
	for (i = 0; i < l->n; i++) {
		const struct ig_group *g = &l->groups[i];
		char id[16];

		snprintf(id, sizeof(id), "%" PRIu32, g->id);
		for (j = 0; j < g->n_devices; j++) {
			fputs("iogroup_device_blocks_viability{", f);
			label(f, "group", id, true);
			label(f, "device", g->devices[j].name, false);
			fprintf(f, "} %d\n", g->devices[j].blocks_viability);
		}
	}

	for (i = 0; i < sizeof(stats_metrics) / sizeof(stats_metrics[0]); i++) {
		if (!s->has[stats_metrics[i].attr])
			continue;
		family(f, stats_metrics[i].name,
		       stats_metrics[i].counter ? "counter" : "gauge",
		       stats_metrics[i].help);
		fprintf(f, "%s %" PRIu64 "\n", stats_metrics[i].name,
			s->val[stats_metrics[i].attr]);
	}
	return ferror(f) ? -EIO : 0;
}
