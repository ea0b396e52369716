// SPDX-License-Identifier: GPL-2.0-only
/* Human and JSON rendering of groups, stats, events and check results. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "output.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)
#define JSON_LINE_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* ------------------------------------------------------------------ */
/* JSON                                                                */

/* json-c objects are built with an "ok" flag so one check covers all. */
struct jb {
	bool ok;
};

static void jadd(struct jb *b, json_object *o, const char *key, json_object *v,
		 bool allow_null)
{
	if (!v && !allow_null) {
		b->ok = false;
		return;
	}
	if (json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		b->ok = false;
	}
}

static void jstr(struct jb *b, json_object *o, const char *key, const char *s)
{
	jadd(b, o, key, json_object_new_string(s), false);
}

static void jint(struct jb *b, json_object *o, const char *key, int64_t v)
{
	jadd(b, o, key, json_object_new_int64(v), false);
}

static void juint(struct jb *b, json_object *o, const char *key, uint64_t v)
{
	jadd(b, o, key, json_object_new_uint64(v), false);
}

static void jbool(struct jb *b, json_object *o, const char *key, bool v)
{
	jadd(b, o, key, json_object_new_boolean(v), false);
}

static void jhex(struct jb *b, json_object *o, const char *key,
		 const char *fmt, unsigned int v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), fmt, v);
	jstr(b, o, key, buf);
}

static json_object *jnew(struct jb *b, json_object *o)
{
	if (!o)
		b->ok = false;
	return o;
}

static json_object *owner_json(struct jb *b, const struct ig_owner *ow)
{
	json_object *o = jnew(b, json_object_new_object());

	if (!o)
		return NULL;
	jstr(b, o, "kind", ig_owner_name(ow->kind));
	if (ow->has_pid)
		jint(b, o, "pid", ow->pid);
	if (ow->comm)
		jstr(b, o, "comm", ow->comm);
	if (ow->caller)
		jstr(b, o, "caller", ow->caller);
	if (ow->has_since)
		juint(b, o, "since_ns", ow->since_ns);
	if (ow->kind == IOGROUP_OWNER_IOGROUP) {
		json_object *a = jnew(b, json_object_new_array());
		size_t i;

		jbool(b, o, "persistent", ow->persistent);
		jbool(b, o, "restore", ow->restore);
		for (i = 0; a && i < ow->n_unbound; i++) {
			const struct ig_unbound *u = &ow->unbound[i];
			json_object *e = jnew(b, json_object_new_object());

			if (!e)
				break;
			jstr(b, e, "device", u->device);
			jadd(b, e, "driver",
			     u->driver ? json_object_new_string(u->driver) : NULL,
			     !u->driver);
			if (json_object_array_add(a, e) < 0) {
				json_object_put(e);
				b->ok = false;
			}
		}
		if (a)
			jadd(b, o, "unbound", a, false);
	}
	return o;
}

static json_object *device_json(struct jb *b, const struct ig_device *d)
{
	json_object *o = jnew(b, json_object_new_object());
	char buf[32];

	if (!o)
		return NULL;
	jstr(b, o, "name", d->name);
	if (d->bus)
		jstr(b, o, "bus", d->bus);
	if (d->has_vendor)
		jhex(b, o, "vendor", "0x%04x", d->vendor);
	if (d->has_device)
		jhex(b, o, "device", "0x%04x", d->device);
	if (d->has_class)
		jhex(b, o, "class", "0x%06x", d->class_code);
	jbool(b, o, "bridge", d->bridge);
	jadd(b, o, "driver",
	     d->driver ? json_object_new_string(d->driver) : NULL,
	     !d->driver);
	jbool(b, o, "driver_managed_dma", d->driver_managed_dma);
	jbool(b, o, "kernel_dma", d->kernel_dma);
	jbool(b, o, "blocks_viability", d->blocks_viability);
	if (d->has_last_errno) {
		json_object *e = jnew(b, json_object_new_object());

		if (e) {
			jint(b, e, "errno", d->last_errno);
			jstr(b, e, "name",
			     ig_errno_name(d->last_errno, buf, sizeof(buf)));
			if (d->last_failed_driver)
				jstr(b, e, "driver", d->last_failed_driver);
			jadd(b, o, "last_error", e, false);
		}
	}
	return o;
}

static json_object *group_json(struct jb *b, const struct ig_group *g)
{
	json_object *o = jnew(b, json_object_new_object());
	json_object *devs;
	size_t i;

	if (!o)
		return NULL;
	jint(b, o, "group", g->id);
	jstr(b, o, "domain", ig_domain_name(g->domain));
	if (g->has_default_domain)
		jstr(b, o, "default_domain", ig_domain_name(g->default_domain));
	jadd(b, o, "owner", owner_json(b, &g->owner), false);
	jint(b, o, "kernel_users", g->kernel_users);
	jbool(b, o, "viable", g->viable);
	if (g->has_kernel_claimed)
		jbool(b, o, "kernel_claimed", g->kernel_claimed);
	if (g->drift)
		jstr(b, o, "drift", g->drift);
	juint(b, o, "generation", g->generation);
	devs = jnew(b, json_object_new_array());
	if (devs) {
		for (i = 0; i < g->n_devices; i++) {
			json_object *d = device_json(b, &g->devices[i]);

			if (!d || json_object_array_add(devs, d) < 0) {
				json_object_put(d);
				b->ok = false;
			}
		}
		jadd(b, o, "devices", devs, false);
	}
	return o;
}

/* Print and release @o; @b tells whether building it went well. */
static int jprint(FILE *f, struct jb *b, json_object *o, int flags)
{
	int ret = -ENOMEM;

	if (b->ok && o) {
		const char *s = json_object_to_json_string_ext(o, flags);

		if (s) {
			fputs(s, f);
			fputc('\n', f);
			ret = 0;
		}
	}
	json_object_put(o);
	return ret;
}

/*
 * Print @o as the next element of a JSON array being printed with
 * JSON_FLAGS, byte for byte as json-c prints a whole array (each element
 * indented one level deeper: two spaces after each of its newlines; JSON
 * strings hold none), and release it.  A listing of hundreds of groups
 * thus never holds more than one group's objects: building the whole tree
 * first cost a megabyte and more time than the rest of the listing.
 */
static int jprint_elem(FILE *f, struct jb *b, json_object *o, bool first)
{
	const char *s = NULL, *nl;
	int ret = -ENOMEM;

	if (b->ok && o)
		s = json_object_to_json_string_ext(o, JSON_FLAGS);
	if (s) {
		fputs(first ? "  " : ",\n  ", f);
		for (; (nl = strchr(s, '\n')); s = nl + 1) {
			fwrite(s, 1, (size_t)(nl - s) + 1, f);
			fputs("  ", f);
		}
		fputs(s, f);
		ret = 0;
	}
	json_object_put(o);
	return ret;
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
		/* as jprint() of the array, one group at a time */
		fputs("[\n", f);
		for (i = 0; i < l->n; i++) {
			struct jb b = { .ok = true };

			if (jprint_elem(f, &b, group_json(&b, &l->groups[i]),
					i == 0))
				return -ENOMEM;
		}
		fputs(l->n ? "\n]\n" : "]\n", f);
		return 0;
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
		struct jb b = { .ok = true };

		return jprint(f, &b, group_json(&b, g), JSON_FLAGS);
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
		struct jb b = { .ok = true };
		json_object *o = jnew(&b, json_object_new_object());

		for (i = 0; o && i < sizeof(stats_keys) / sizeof(stats_keys[0]); i++)
			if (s->has[stats_keys[i].attr])
				juint(&b, o, stats_keys[i].name,
				      s->val[stats_keys[i].attr]);
		if (o && s->hooks)
			jstr(&b, o, "hooks", s->hooks);
		return jprint(f, &b, o, JSON_FLAGS);
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
		struct jb b = { .ok = true };
		json_object *o = jnew(&b, json_object_new_object());

		if (o) {
			jstr(&b, o, "event", name);
			if (e->has_seq)
				juint(&b, o, "seq", e->seq);
			if (e->has_timestamp)
				juint(&b, o, "timestamp_ns", e->timestamp_ns);
			if (e->has_group)
				jint(&b, o, "group", e->group);
			if (e->device)
				jstr(&b, o, "device", e->device);
			if (e->driver)
				jstr(&b, o, "driver", e->driver);
			if (e->has_errno) {
				jint(&b, o, "errno", e->err);
				jstr(&b, o, "errno_name",
				     ig_errno_name(e->err, eb, sizeof(eb)));
			}
			if (e->has_owner)
				jstr(&b, o, "owner", ig_owner_name(e->owner));
			if (e->has_pid)
				jint(&b, o, "pid", e->pid);
			if (e->comm)
				jstr(&b, o, "comm", e->comm);
			if (e->has_domain)
				jstr(&b, o, "domain", ig_domain_name(e->domain));
			if (e->drift)
				jstr(&b, o, "drift", e->drift);
		}
		return jprint(f, &b, o, JSON_LINE_FLAGS);
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
		struct jb b = { .ok = true };
		json_object *o = jnew(&b, json_object_new_object());
		json_object *a;

		if (!o)
			return -ENOMEM;
		jbool(&b, o, "ok", n_drift == 0);
		juint(&b, o, "groups_checked", groups_checked);
		a = jnew(&b, json_object_new_array());
		for (i = 0; a && i < n_drift; i++) {
			json_object *d = jnew(&b, json_object_new_object());

			if (!d)
				break;
			jint(&b, d, "group", drift[i].group);
			jstr(&b, d, "drift", drift[i].drift);
			if (json_object_array_add(a, d) < 0) {
				json_object_put(d);
				b.ok = false;
			}
		}
		if (a)
			jadd(&b, o, "drift", a, false);
		return jprint(f, &b, o, JSON_FLAGS);
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
		struct jb b = { .ok = true };
		json_object *o = jnew(&b, json_object_new_object());

		if (o) {
			jint(&b, o, "group", group);
			jbool(&b, o, "claimed", true);
			jbool(&b, o, "persistent",
			      flags & IOGROUP_CLAIM_F_PERSISTENT);
			jbool(&b, o, "unbind", flags & IOGROUP_CLAIM_F_UNBIND);
			jbool(&b, o, "restore", flags & IOGROUP_CLAIM_F_RESTORE);
		}
		return jprint(f, &b, o, JSON_FLAGS);
	}
	fprintf(f, "claimed group %u\n", group);
	return 0;
}

int ig_print_release(FILE *f, uint32_t group, bool json)
{
	if (json) {
		struct jb b = { .ok = true };
		json_object *o = jnew(&b, json_object_new_object());

		if (o) {
			jint(&b, o, "group", group);
			jbool(&b, o, "released", true);
		}
		return jprint(f, &b, o, JSON_FLAGS);
	}
	fprintf(f, "released group %u\n", group);
	return 0;
}

int ig_print_detach(FILE *f, const struct ig_detach_result *r, bool json)
{
	size_t i;

	if (json) {
		struct jb b = { .ok = true };
		json_object *o = jnew(&b, json_object_new_object());
		json_object *a;

		if (!o)
			return -ENOMEM;
		jint(&b, o, "group", r->group);
		jstr(&b, o, "driver", r->driver);
		a = jnew(&b, json_object_new_array());
		for (i = 0; a && i < r->n_devices; i++) {
			json_object *s = json_object_new_string(r->devices[i]);

			if (!s || json_object_array_add(a, s) < 0) {
				json_object_put(s);
				b.ok = false;
			}
		}
		if (a)
			jadd(&b, o, "devices", a, false);
		jbool(&b, o, "viable", r->viable);
		return jprint(f, &b, o, JSON_FLAGS);
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
		struct jb b = { .ok = true };
		json_object *o = jnew(&b, json_object_new_object());
		json_object *a;

		if (!o)
			return -ENOMEM;
		jint(&b, o, "group", group);
		a = jnew(&b, json_object_new_array());
		for (i = 0; a && i < n; i++) {
			json_object *e = jnew(&b, json_object_new_object());

			if (!e)
				break;
			jstr(&b, e, "device", d[i].device);
			jadd(&b, e, "driver",
			     d[i].driver ? json_object_new_string(d[i].driver)
					 : NULL, !d[i].driver);
			if (json_object_array_add(a, e) < 0) {
				json_object_put(e);
				b.ok = false;
			}
		}
		if (a)
			jadd(&b, o, "devices", a, false);
		return jprint(f, &b, o, JSON_FLAGS);
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
		struct jb b = { .ok = true };
		json_object *a = jnew(&b, json_object_new_array());

		for (i = 0; a && i < n; i++) {
			json_object *e = jnew(&b, json_object_new_object());
			json_object *d = jnew(&b, json_object_new_array());
			const char *p = it[i].devices;

			if (!e || !d) {
				json_object_put(e);
				json_object_put(d);
				break;
			}
			jint(&b, e, "line", it[i].line);
			jstr(&b, e, "action", it[i].action);
			jstr(&b, e, "selector", it[i].selector);
			jint(&b, e, "group", it[i].group);
			while (*p) {
				size_t len = strcspn(p, ",");
				json_object *s =
					json_object_new_string_len(p, (int)len);

				if (!s || json_object_array_add(d, s) < 0) {
					json_object_put(s);
					b.ok = false;
				}
				p += len;
				p += strspn(p, ", ");
			}
			jadd(&b, e, "devices", d, false);
			if (it[i].driver)
				jstr(&b, e, "driver", it[i].driver);
			jstr(&b, e, "result", it[i].result);
			if (json_object_array_add(a, e) < 0) {
				json_object_put(e);
				b.ok = false;
			}
		}
		return jprint(f, &b, a, JSON_FLAGS);
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
