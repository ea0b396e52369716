// SPDX-License-Identifier: GPL-2.0-only
/* Human and JSON rendering of groups, stats, events and check results. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "output.h"

/* ------------------------------------------------------------------ */
/* JSON                                                                */

static void owner_json(struct jw *w, const char *key,
		       const struct ig_owner *ow)
{
	size_t i;

	jw_obj_open(w, key);
	jw_str(w, "kind", ig_owner_name(ow->kind));
	if (ow->has_pid)
		jw_int(w, "pid", ow->pid);
	if (ow->comm)
		jw_str(w, "comm", ow->comm);
	if (ow->caller)
		jw_str(w, "caller", ow->caller);
	if (ow->has_since)
		jw_uint(w, "since_ns", ow->since_ns);
	if (ow->kind == IOGROUP_OWNER_IOGROUP) {
		jw_bool(w, "persistent", ow->persistent);
		jw_bool(w, "restore", ow->restore);
		jw_arr_open(w, "unbound");
		for (i = 0; i < ow->n_unbound; i++) {
			jw_obj_open(w, NULL);
			jw_str(w, "device", ow->unbound[i].device);
			jw_str_or_null(w, "driver", ow->unbound[i].driver);
			jw_obj_close(w);
		}
		jw_arr_close(w);
	}
	jw_obj_close(w);
}

static void device_json(struct jw *w, const struct ig_device *d)
{
	char buf[32];

	jw_obj_open(w, NULL);
	jw_str(w, "name", d->name);
	if (d->bus)
		jw_str(w, "bus", d->bus);
	if (d->has_vendor)
		jw_hex(w, "vendor", d->vendor, 4);
	if (d->has_device)
		jw_hex(w, "device", d->device, 4);
	if (d->has_class)
		jw_hex(w, "class", d->class_code, 6);
	jw_bool(w, "bridge", d->bridge);
	jw_str_or_null(w, "driver", d->driver);
	jw_bool(w, "driver_managed_dma", d->driver_managed_dma);
	jw_bool(w, "kernel_dma", d->kernel_dma);
	jw_bool(w, "blocks_viability", d->blocks_viability);
	if (d->has_last_errno) {
		jw_obj_open(w, "last_error");
		jw_int(w, "errno", d->last_errno);
		jw_str(w, "name", ig_errno_name(d->last_errno, buf, sizeof(buf)));
		if (d->last_failed_driver)
			jw_str(w, "driver", d->last_failed_driver);
		jw_obj_close(w);
	}
	jw_obj_close(w);
}

static void group_json(struct jw *w, const struct ig_group *g)
{
	size_t i;

	jw_obj_open(w, NULL);
	jw_int(w, "group", g->id);
	jw_str(w, "domain", ig_domain_name(g->domain));
	if (g->has_default_domain)
		jw_str(w, "default_domain", ig_domain_name(g->default_domain));
	owner_json(w, "owner", &g->owner);
	jw_int(w, "kernel_users", g->kernel_users);
	jw_bool(w, "viable", g->viable);
	if (g->has_kernel_claimed)
		jw_bool(w, "kernel_claimed", g->kernel_claimed);
	if (g->drift)
		jw_str(w, "drift", g->drift);
	jw_uint(w, "generation", g->generation);
	jw_arr_open(w, "devices");
	for (i = 0; i < g->n_devices; i++)
		device_json(w, &g->devices[i]);
	jw_arr_close(w);
	jw_obj_close(w);
}

/* ------------------------------------------------------------------ */
/* Human                                                               */

static void owner_short(const struct ig_owner *o, char *buf, size_t len)
{
	const char *k = ig_owner_name(o->kind);

	if (o->kind != IOGROUP_OWNER_USER && o->kind != IOGROUP_OWNER_IOGROUP) {
		snprintf(buf, len, "%s", k);
		return;
	}
	if (o->has_pid && o->comm)
		snprintf(buf, len, "%s %u/%s", k, o->pid, o->comm);
	else if (o->has_pid)
		snprintf(buf, len, "%s %u", k, o->pid);
	else if (o->comm)
		snprintf(buf, len, "%s %s", k, o->comm);
	else
		snprintf(buf, len, "%s", k);
}

/* "12.3 s", "3m 2s", "2h 5m", "1d 3h": how long ago @ns (BOOTTIME) was. */
static bool ago(uint64_t ns, char *buf, size_t len)
{
	struct timespec now;
	uint64_t n, d, s;

	if (clock_gettime(CLOCK_BOOTTIME, &now))
		return false;
	n = (uint64_t)now.tv_sec * 1000000000 + (uint64_t)now.tv_nsec;
	if (n < ns)
		return false;
	d = n - ns;
	s = d / 1000000000;
	if (s >= 86400)
		snprintf(buf, len, "%" PRIu64 "d %" PRIu64 "h", s / 86400,
			 s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%" PRIu64 "h %" PRIu64 "m", s / 3600,
			 s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%" PRIu64 "m %" PRIu64 "s", s / 60, s % 60);
	else
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " s", s,
			 d % 1000000000 / 100000000);
	return true;
}

/* "iogroup claim by pid 123 (qemu), persistent, since 12.3 s ago" */
static void print_iogroup_owner(FILE *f, const struct ig_owner *o)
{
	char buf[64];
	size_t i;

	fprintf(f, "iogroup claim");
	if (o->has_pid) {
		fprintf(f, " by pid %u", o->pid);
		if (o->comm)
			fprintf(f, " (%s)", o->comm);
	} else if (o->comm) {
		fprintf(f, " by %s", o->comm);
	}
	fprintf(f, ", %s", o->persistent ? "persistent" :
		"released when its process exits");
	if (o->restore)
		fprintf(f, ", restores drivers on release");
	if (o->has_since && ago(o->since_ns, buf, sizeof(buf)))
		fprintf(f, ", since %s ago", buf);
	fputc('\n', f);
	if (o->caller)
		fprintf(f, "    claimed by:     %s\n", o->caller);
	for (i = 0; i < o->n_unbound; i++)
		fprintf(f, "    %-16s%s (was %s)\n", i ? "" : "unbound:",
			o->unbound[i].device,
			o->unbound[i].driver ? o->unbound[i].driver : "?");
}

static void dma_role(const struct ig_device *d, char *buf, size_t len)
{
	const char *parts[3];
	size_t n = 0, i, off = 0;

	if (d->driver_managed_dma)
		parts[n++] = "manages DMA";
	if (d->kernel_dma)
		parts[n++] = "kernel DMA";
	if (d->bridge)
		parts[n++] = "bridge";
	buf[0] = '\0';
	if (!n) {
		snprintf(buf, len, "-");
		return;
	}
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? ", " : "", parts[i]);
}

static void last_failure(const struct ig_device *d, char *buf, size_t len)
{
	char nb[32];

	if (!d->has_last_errno) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%s%s%s", d->last_failed_driver ?
		 d->last_failed_driver : "", d->last_failed_driver ? ": " : "",
		 ig_errno_name(d->last_errno, nb, sizeof(nb)));
}

int ig_print_groups(FILE *f, const struct ig_group_list *l, bool json)
{
	int wgroup = 5, wowner = 5, wdomain = 6;
	bool any_drift = false;
	char buf[128];
	size_t i, j;

	if (json) {
		struct jw w;

		jw_init(&w, f, true);
		jw_arr_open(&w, NULL);
		for (i = 0; i < l->n; i++)
			group_json(&w, &l->groups[i]);
		jw_arr_close(&w);
		return jw_finish(&w);
	}

	for (i = 0; i < l->n; i++) {
		const struct ig_group *g = &l->groups[i];
		int n;

		n = snprintf(buf, sizeof(buf), "%u%s", g->id, g->drift ? "!" : "");
		if (n > wgroup)
			wgroup = n;
		owner_short(&g->owner, buf, sizeof(buf));
		if ((int)strlen(buf) > wowner)
			wowner = (int)strlen(buf);
		n = (int)strlen(ig_domain_name(g->domain));
		if (n > wdomain)
			wdomain = n;
		any_drift |= !!g->drift;
	}
	fprintf(f, "%-*s  %-*s  %-*s  %-6s  %s\n", wgroup, "GROUP", wowner,
		"OWNER", wdomain, "DOMAIN", "VIABLE", "DEVICES");
	for (i = 0; i < l->n; i++) {
		const struct ig_group *g = &l->groups[i];
		char id[16];

		snprintf(id, sizeof(id), "%u%s", g->id, g->drift ? "!" : "");
		owner_short(&g->owner, buf, sizeof(buf));
		fprintf(f, "%-*s  %-*s  %-*s  %-6s  ", wgroup, id, wowner, buf,
			wdomain, ig_domain_name(g->domain),
			g->viable ? "yes" : "no");
		for (j = 0; j < g->n_devices; j++)
			fprintf(f, "%s%s[%s]", j ? ", " : "",
				g->devices[j].name,
				g->devices[j].driver ? g->devices[j].driver : "-");
		fputs(g->n_devices ? "\n" : "-\n", f);
	}
	if (!l->n)
		fprintf(f, "(no IOMMU groups)\n");
	if (any_drift) {
		fprintf(f, "\n! the module's shadow disagrees with the kernel:\n");
		for (i = 0; i < l->n; i++)
			if (l->groups[i].drift)
				fprintf(f, "  group %u: %s\n", l->groups[i].id,
					l->groups[i].drift);
	}
	return 0;
}

static void print_boottime(FILE *f, uint64_t ns)
{
	struct timespec now;

	fprintf(f, "%" PRIu64 ".%06" PRIu64 " s after boot", ns / 1000000000,
		ns % 1000000000 / 1000);
	if (!clock_gettime(CLOCK_BOOTTIME, &now)) {
		uint64_t n = (uint64_t)now.tv_sec * 1000000000 +
			     (uint64_t)now.tv_nsec;

		if (n >= ns) {
			uint64_t s = (n - ns) / 1000000000;

			if (s >= 86400)
				fprintf(f, " (%" PRIu64 "d %" PRIu64 "h ago)",
					s / 86400, s % 86400 / 3600);
			else if (s >= 3600)
				fprintf(f, " (%" PRIu64 "h %" PRIu64 "m ago)",
					s / 3600, s % 3600 / 60);
			else if (s >= 60)
				fprintf(f, " (%" PRIu64 "m %" PRIu64 "s ago)",
					s / 60, s % 60);
			else
				fprintf(f, " (%" PRIu64 "s ago)", s);
		}
	}
	fputc('\n', f);
}

#define DEV_COLS 6

int ig_print_group(FILE *f, const struct ig_group *g, bool json)
{
	static const char *const head[DEV_COLS] = {
		"DEVICE", "ID", "CLASS", "DRIVER", "DMA", "LAST FAILED PROBE"
	};
	int w[DEV_COLS];
	char (*cells)[DEV_COLS][160];
	size_t i, nblock = 0;
	int c;

	if (json) {
		struct jw w;

		jw_init(&w, f, true);
		group_json(&w, g);
		return jw_finish(&w);
	}

	fprintf(f, "group %u\n", g->id);
	if (g->drift) {
		fprintf(f, "  !!! DRIFT: the module's shadow disagrees with the kernel:\n");
		fprintf(f, "  !!! %s\n", g->drift);
	}
	fprintf(f, "  domain:           %s", ig_domain_name(g->domain));
	if (g->has_default_domain)
		fprintf(f, " (default domain: %s)",
			ig_domain_name(g->default_domain));
	fputc('\n', f);

	fprintf(f, "  owner:            ");
	switch (g->owner.kind) {
	case IOGROUP_OWNER_NONE:
		fprintf(f, "none (no kernel DMA user, no user-space owner)\n");
		break;
	case IOGROUP_OWNER_KERNEL:
		fprintf(f, "kernel (drivers using the kernel DMA API)\n");
		break;
	case IOGROUP_OWNER_USER:
		fprintf(f, "user space\n");
		if (g->owner.has_pid)
			fprintf(f, "    pid:            %u\n", g->owner.pid);
		if (g->owner.comm)
			fprintf(f, "    comm:           %s\n", g->owner.comm);
		if (g->owner.caller)
			fprintf(f, "    claimed by:     %s\n", g->owner.caller);
		if (g->owner.has_since) {
			fprintf(f, "    since:          ");
			print_boottime(f, g->owner.since_ns);
		}
		break;
	case IOGROUP_OWNER_IOGROUP:
		print_iogroup_owner(f, &g->owner);
		break;
	default:
		fprintf(f, "unknown (%u)\n", g->owner.kind);
		break;
	}
	fprintf(f, "  kernel DMA users: %u\n", g->kernel_users);
	if (g->has_kernel_claimed)
		fprintf(f, "  kernel claimed:   %s\n",
			g->kernel_claimed ? "yes" : "no");
	fprintf(f, "  viable for VFIO:  %s\n", g->viable ? "yes" : "no");
	if (!g->viable) {
		fprintf(f, "  not viable because:\n");
		for (i = 0; i < g->n_devices; i++) {
			const struct ig_device *d = &g->devices[i];

			if (!d->blocks_viability)
				continue;
			nblock++;
			if (!d->driver)
				fprintf(f, "    %s (no driver)\n", d->name);
			else
				fprintf(f, "    %s is bound to %s%s\n", d->name,
					d->driver, d->kernel_dma ?
					", which uses the kernel DMA API" : "");
		}
		if (!nblock)
			fprintf(f, "    (the module named no device)\n");
	}
	fprintf(f, "  generation:       %" PRIu64 "\n", g->generation);

	if (!g->n_devices) {
		fprintf(f, "\n  (no devices)\n");
		return 0;
	}
	cells = calloc(g->n_devices, sizeof(*cells));
	if (!cells)
		return -ENOMEM;
	for (c = 0; c < DEV_COLS; c++)
		w[c] = (int)strlen(head[c]);
	for (i = 0; i < g->n_devices; i++) {
		const struct ig_device *d = &g->devices[i];
		char *row[DEV_COLS];

		for (c = 0; c < DEV_COLS; c++)
			row[c] = cells[i][c];
		snprintf(row[0], 160, "%s", d->name);
		if (d->has_vendor && d->has_device)
			snprintf(row[1], 160, "%04x:%04x", d->vendor, d->device);
		else
			snprintf(row[1], 160, "%s", d->bus ? d->bus : "-");
		if (d->has_class)
			snprintf(row[2], 160, "0x%06x", d->class_code);
		else
			snprintf(row[2], 160, "-");
		snprintf(row[3], 160, "%s", d->driver ? d->driver : "-");
		dma_role(d, row[4], 160);
		last_failure(d, row[5], 160);
		for (c = 0; c < DEV_COLS; c++)
			if ((int)strlen(row[c]) > w[c])
				w[c] = (int)strlen(row[c]);
	}
	fputc('\n', f);
	for (c = 0; c < DEV_COLS - 1; c++)
		fprintf(f, "  %-*s", w[c], head[c]);
	fprintf(f, "  %s\n", head[c]);
	for (i = 0; i < g->n_devices; i++) {
		for (c = 0; c < DEV_COLS - 1; c++)
			fprintf(f, "  %-*s", w[c], cells[i][c]);
		fprintf(f, "  %s\n", cells[i][c]);
	}
	free(cells);
	return 0;
}

static const struct {
	int attr;
	const char *name;
} stats_keys[] = {
	{ IOGROUP_A_STATS_PROBE_HITS, "probe_hits" },
	{ IOGROUP_A_STATS_PROBE_BOUND, "probe_bound" },
	{ IOGROUP_A_STATS_PROBE_FAILED, "probe_failed" },
	{ IOGROUP_A_STATS_RELEASE_HITS, "release_hits" },
	{ IOGROUP_A_STATS_CLAIM_HITS, "claim_hits" },
	{ IOGROUP_A_STATS_UNCLAIM_HITS, "unclaim_hits" },
	{ IOGROUP_A_STATS_PROBE_MISSED, "probe_missed" },
	{ IOGROUP_A_STATS_KPROBE_MISSED, "kprobe_missed" },
	{ IOGROUP_A_STATS_EVENTS_SENT, "events_sent" },
	{ IOGROUP_A_STATS_EVENTS_DROPPED, "events_dropped" },
	{ IOGROUP_A_STATS_RESYNCS, "resyncs" },
	{ IOGROUP_A_STATS_DRIFT_CHECKS, "drift_checks" },
	{ IOGROUP_A_STATS_DRIFT_FOUND, "drift_found" },
	{ IOGROUP_A_STATS_DRIFT_GROUPS, "drift_groups" },
	{ IOGROUP_A_STATS_GROUPS, "groups" },
	{ IOGROUP_A_STATS_DEVICES, "devices" },
	{ IOGROUP_A_STATS_BYTES, "bytes" },
	{ IOGROUP_A_STATS_VETOES, "vetoes" },
	{ IOGROUP_A_STATS_CLAIMS, "claims" },
	{ IOGROUP_A_STATS_CLAIMS_TOTAL, "claims_total" },
	{ IOGROUP_A_STATS_AUTO_RELEASES, "auto_releases" },
	{ IOGROUP_A_STATS_GROUP_BYTES, "group_bytes" },
	{ IOGROUP_A_STATS_DEVICE_BYTES, "device_bytes" },
	{ IOGROUP_A_STATS_RING_BYTES, "ring_bytes" },
};

int ig_print_stats(FILE *f, const struct ig_stats *s, bool json)
{
	size_t i;

	if (json) {
		struct jw w;

		jw_init(&w, f, true);
		jw_obj_open(&w, NULL);
		for (i = 0; i < sizeof(stats_keys) / sizeof(stats_keys[0]); i++)
			if (s->has[stats_keys[i].attr])
				jw_uint(&w, stats_keys[i].name,
					s->val[stats_keys[i].attr]);
		if (s->hooks)
			jw_str(&w, "hooks", s->hooks);
		jw_obj_close(&w);
		return jw_finish(&w);
	}
	for (i = 0; i < sizeof(stats_keys) / sizeof(stats_keys[0]); i++)
		if (s->has[stats_keys[i].attr])
			fprintf(f, "%-15s %" PRIu64 "\n", stats_keys[i].name,
				s->val[stats_keys[i].attr]);
	if (s->hooks)
		fprintf(f, "%-15s %s\n", "hooks", s->hooks);
	return 0;
}

int ig_print_event(FILE *f, const struct ig_event *e, bool json)
{
	char nb[32], eb[32];
	const char *name = ig_event_name(e->type, nb, sizeof(nb));

	if (json) {
		struct jw w;

		jw_init(&w, f, false);
		jw_obj_open(&w, NULL);
		jw_str(&w, "event", name);
		if (e->has_seq)
			jw_uint(&w, "seq", e->seq);
		if (e->has_timestamp)
			jw_uint(&w, "timestamp_ns", e->timestamp_ns);
		if (e->has_group)
			jw_int(&w, "group", e->group);
		if (e->device)
			jw_str(&w, "device", e->device);
		if (e->driver)
			jw_str(&w, "driver", e->driver);
		if (e->has_errno) {
			jw_int(&w, "errno", e->err);
			jw_str(&w, "errno_name",
			       ig_errno_name(e->err, eb, sizeof(eb)));
		}
		if (e->has_owner)
			jw_str(&w, "owner", ig_owner_name(e->owner));
		if (e->has_pid)
			jw_int(&w, "pid", e->pid);
		if (e->comm)
			jw_str(&w, "comm", e->comm);
		if (e->has_domain)
			jw_str(&w, "domain", ig_domain_name(e->domain));
		if (e->drift)
			jw_str(&w, "drift", e->drift);
		jw_obj_close(&w);
		return jw_finish(&w);
	}

	if (e->has_timestamp)
		fprintf(f, "[%5" PRIu64 ".%06" PRIu64 "] ",
			e->timestamp_ns / 1000000000,
			e->timestamp_ns % 1000000000 / 1000);
	fputs(name, f);
	if (e->has_group)
		fprintf(f, " group %u", e->group);
	if (e->device)
		fprintf(f, " %s", e->device);
	if (e->driver)
		fprintf(f, " driver %s", e->driver);
	if (e->has_errno)
		fprintf(f, " error %s (%s)", ig_errno_name(e->err, eb, sizeof(eb)),
			ig_errno_desc(e->err));
	if (e->has_owner)
		fprintf(f, " owner %s", ig_owner_name(e->owner));
	if (e->has_pid)
		fprintf(f, " pid %u", e->pid);
	if (e->comm)
		fprintf(f, " comm %s", e->comm);
	if (e->has_domain)
		fprintf(f, " domain %s", ig_domain_name(e->domain));
	if (e->drift)
		fprintf(f, ": %s", e->drift);
	else if (e->type == IOGROUP_EVENT_DRIFT)
		fprintf(f, ": agrees with the kernel again");
	fputc('\n', f);
	return 0;
}

int ig_print_check(FILE *f, size_t groups_checked,
		   const struct ig_check_drift *drift, size_t n_drift,
		   bool json)
{
	size_t i;

	if (json) {
		struct jw w;

		jw_init(&w, f, true);
		jw_obj_open(&w, NULL);
		jw_bool(&w, "ok", n_drift == 0);
		jw_uint(&w, "groups_checked", groups_checked);
		jw_arr_open(&w, "drift");
		for (i = 0; i < n_drift; i++) {
			jw_obj_open(&w, NULL);
			jw_int(&w, "group", drift[i].group);
			jw_str(&w, "drift", drift[i].drift);
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
		jw_obj_close(&w);
		return jw_finish(&w);
	}
	if (!n_drift) {
		fprintf(f, "ok: all %zu groups agree with the kernel\n",
			groups_checked);
		return 0;
	}
	for (i = 0; i < n_drift; i++)
		fprintf(f, "DRIFT: group %u: %s\n", drift[i].group,
			drift[i].drift);
	fprintf(f, "%zu of %zu group%s disagree%s with the kernel\n", n_drift,
		groups_checked, groups_checked == 1 ? "" : "s",
		n_drift == 1 ? "s" : "");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Write side                                                          */

int ig_print_claim(FILE *f, uint32_t group, uint32_t flags, bool json)
{
	if (json) {
		struct jw w;

		jw_init(&w, f, true);
		jw_obj_open(&w, NULL);
		jw_int(&w, "group", group);
		jw_bool(&w, "claimed", true);
		jw_bool(&w, "persistent", flags & IOGROUP_CLAIM_F_PERSISTENT);
		jw_bool(&w, "unbind", flags & IOGROUP_CLAIM_F_UNBIND);
		jw_bool(&w, "restore", flags & IOGROUP_CLAIM_F_RESTORE);
		jw_obj_close(&w);
		return jw_finish(&w);
	}
	fprintf(f, "claimed group %u\n", group);
	return 0;
}

int ig_print_release(FILE *f, uint32_t group, bool json)
{
	if (json) {
		struct jw w;

		jw_init(&w, f, true);
		jw_obj_open(&w, NULL);
		jw_int(&w, "group", group);
		jw_bool(&w, "released", true);
		jw_obj_close(&w);
		return jw_finish(&w);
	}
	fprintf(f, "released group %u\n", group);
	return 0;
}

int ig_print_detach(FILE *f, const struct ig_detach_result *r, bool json)
{
	size_t i;

	if (json) {
		struct jw w;

		jw_init(&w, f, true);
		jw_obj_open(&w, NULL);
		jw_int(&w, "group", r->group);
		jw_str(&w, "driver", r->driver);
		jw_arr_open(&w, "devices");
		for (i = 0; i < r->n_devices; i++)
			jw_str(&w, NULL, r->devices[i]);
		jw_arr_close(&w);
		jw_bool(&w, "viable", r->viable);
		jw_obj_close(&w);
		return jw_finish(&w);
	}
	fprintf(f, "group %u detached to %s: ", r->group, r->driver);
	for (i = 0; i < r->n_devices; i++)
		fprintf(f, "%s%s", i ? ", " : "", r->devices[i]);
	if (!r->n_devices)
		fputs("(no device)", f);
	if (!strcmp(r->driver, "vfio-pci"))
		fprintf(f, "; /dev/vfio/%u", r->group);
	fputc('\n', f);
	return 0;
}

int ig_print_reattach(FILE *f, uint32_t group, const struct ig_reattach_dev *d,
		      size_t n, bool json)
{
	size_t i;

	if (json) {
		struct jw w;

		jw_init(&w, f, true);
		jw_obj_open(&w, NULL);
		jw_int(&w, "group", group);
		jw_arr_open(&w, "devices");
		for (i = 0; i < n; i++) {
			jw_obj_open(&w, NULL);
			jw_str(&w, "device", d[i].device);
			jw_str_or_null(&w, "driver", d[i].driver);
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
		jw_obj_close(&w);
		return jw_finish(&w);
	}
	if (!n)
		fprintf(f, "group %u: no device to give back to the host\n",
			group);
	for (i = 0; i < n; i++)
		fprintf(f, "%s -> %s\n", d[i].device,
			d[i].driver ? d[i].driver : "none");
	return 0;
}

int ig_print_apply(FILE *f, const struct ig_apply_item *it, size_t n,
		   bool json)
{
	size_t i;

	if (json) {
		struct jw w;

		jw_init(&w, f, true);
		jw_arr_open(&w, NULL);
		for (i = 0; i < n; i++) {
			const char *p = it[i].devices;

			jw_obj_open(&w, NULL);
			jw_int(&w, "line", it[i].line);
			jw_str(&w, "action", it[i].action);
			jw_str(&w, "selector", it[i].selector);
			jw_int(&w, "group", it[i].group);
			jw_arr_open(&w, "devices");
			while (*p) {
				size_t len = strcspn(p, ",");

				jw_strn(&w, NULL, p, len);
				p += len;
				p += strspn(p, ", ");
			}
			jw_arr_close(&w);
			if (it[i].driver)
				jw_str(&w, "driver", it[i].driver);
			jw_str(&w, "result", it[i].result);
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
		return jw_finish(&w);
	}
	for (i = 0; i < n; i++) {
		const struct ig_apply_item *x = &it[i];

		const char *r = x->result;

		fprintf(f, "group %u: ", x->group);
		for (; *r; r++)
			fputc(*r == '-' ? ' ' : *r, f);
		fprintf(f, "%s%s (line %u, %s: %s)\n",
			x->driver ? " to " : "", x->driver ? x->driver : "",
			x->line, x->selector, x->devices);
	}
	return 0;
}
