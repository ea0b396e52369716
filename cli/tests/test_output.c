// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side test of output.c: render a hand-filled model, parse the JSON
 * back with json-c and check the stable schema (docs/cli.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "../json.h"
#include "../output.h"

#include "check.h"


static char *render(int (*fn)(FILE *, const void *, bool), const void *arg,
		    bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	CHECK(fn(f, arg, json) == 0);
	fclose(f);
	return buf;
}

static int r_groups(FILE *f, const void *a, bool j) { return ig_print_groups(f, a, j); }
static int r_group(FILE *f, const void *a, bool j) { return ig_print_group(f, a, j); }
static int r_stats(FILE *f, const void *a, bool j) { return ig_print_stats(f, a, j); }
static int r_event(FILE *f, const void *a, bool j) { return ig_print_event(f, a, j); }

static json_object *parse(const char *s)
{
	json_object *o = json_tokener_parse(s);

	CHECK(o != NULL);
	return o;
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/*
 * @s is laid out as json-c prints the same document (what the CLI printed
 * when it built json-c objects, and what scripts may have come to expect):
 * JSON_C_TO_STRING_PRETTY, or the plain layout for one line, with '/'
 * unescaped, and a newline at the end.
 */
static bool json_c_layout(const char *s, bool pretty)
{
	json_object *o = parse(s);
	const char *j = json_object_to_json_string_ext(o,
		(pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN) |
		JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = j ? strlen(j) : 0;
	bool same = j && strlen(s) == n + 1 && !memcmp(s, j, n) && s[n] == '\n';

	if (!same)
		fprintf(stderr, "not json-c's layout:\n%s\njson-c's:\n%s\n", s,
			j ? j : "(none)");
	json_object_put(o);
	return same;
}

static bool has(json_object *o, const char *key)
{
	return o && json_object_object_get_ex(o, key, NULL);
}

static bool str_is(json_object *o, const char *key, const char *want)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string) &&
	       !strcmp(json_object_get_string(v), want);
}

static bool int_is(json_object *o, const char *key, int64_t want)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_int) &&
	       json_object_get_int64(v) == want;
}

static bool bool_is(json_object *o, const char *key, bool want)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v) == want;
}

static void fill(struct ig_group *g, struct ig_device *d)
{
	memset(g, 0, sizeof(*g));
	memset(d, 0, 2 * sizeof(*d));
	g->id = 5;
	g->domain = IOGROUP_DOMAIN_UNMANAGED;
	g->has_default_domain = true;
	g->default_domain = IOGROUP_DOMAIN_DMA_FQ;
	g->kernel_users = 1;
	g->owner.kind = IOGROUP_OWNER_USER;
	g->owner.has_pid = true;
	g->owner.pid = 1234;
	g->owner.comm = "qemu";
	g->owner.caller = "vfio_container_attach_group [vfio]";
	g->owner.has_since = true;
	g->owner.since_ns = 123456789;
	g->viable = false;
	g->has_kernel_claimed = true;
	g->kernel_claimed = true;
	g->drift = "shadow says user, kernel says \"unclaimed\"";
	g->generation = 12;
	g->n_devices = 2;
	g->devices = d;
	d[0].name = "0000:00:02.0";
	d[0].bus = "pci";
	d[0].has_vendor = d[0].has_device = d[0].has_class = true;
	d[0].vendor = 0x8086;
	d[0].device = 0x10d3;
	d[0].class_code = 0x020000;
	d[0].driver = "e1000e";
	d[0].kernel_dma = true;
	d[0].blocks_viability = true;
	d[0].has_last_errno = true;
	d[0].last_errno = 517;
	d[0].last_failed_driver = "vfio-pci";
	d[1].name = "platform-thing";
	d[1].bus = "platform";
}

static void test_group(void)
{
	struct ig_device d[2];
	struct ig_group g;
	json_object *o, *dev, *own, *err;
	char *s;

	fill(&g, d);
	s = render(r_group, &g, true);
	o = parse(s);
	CHECK(int_is(o, "group", 5));
	CHECK(str_is(o, "domain", "unmanaged"));
	CHECK(str_is(o, "default_domain", "dma-fq"));
	CHECK(int_is(o, "kernel_users", 1));
	CHECK(bool_is(o, "viable", false));
	CHECK(bool_is(o, "kernel_claimed", true));
	CHECK(str_is(o, "drift", g.drift));
	CHECK(int_is(o, "generation", 12));
	own = get(o, "owner");
	CHECK(str_is(own, "kind", "user"));
	CHECK(int_is(own, "pid", 1234));
	CHECK(str_is(own, "comm", "qemu"));
	CHECK(str_is(own, "caller", "vfio_container_attach_group [vfio]"));
	CHECK(int_is(own, "since_ns", 123456789));
	CHECK(json_object_array_length(get(o, "devices")) == 2);
	dev = json_object_array_get_idx(get(o, "devices"), 0);
	CHECK(str_is(dev, "name", "0000:00:02.0"));
	CHECK(str_is(dev, "bus", "pci"));
	CHECK(str_is(dev, "vendor", "0x8086"));
	CHECK(str_is(dev, "device", "0x10d3"));
	CHECK(str_is(dev, "class", "0x020000"));
	CHECK(bool_is(dev, "bridge", false));
	CHECK(str_is(dev, "driver", "e1000e"));
	CHECK(bool_is(dev, "driver_managed_dma", false));
	CHECK(bool_is(dev, "kernel_dma", true));
	CHECK(bool_is(dev, "blocks_viability", true));
	err = get(dev, "last_error");
	CHECK(int_is(err, "errno", 517));
	CHECK(str_is(err, "name", "EPROBE_DEFER"));
	CHECK(str_is(err, "driver", "vfio-pci"));
	dev = json_object_array_get_idx(get(o, "devices"), 1);
	CHECK(has(dev, "driver") && json_object_is_type(get(dev, "driver"), json_type_null));
	CHECK(!has(dev, "vendor") && !has(dev, "device") && !has(dev, "class"));
	CHECK(!has(dev, "last_error"));
	json_object_put(o);
	free(s);

	/* Optional keys vanish; owner none has only "kind". */
	g.has_default_domain = g.has_kernel_claimed = false;
	g.drift = NULL;
	memset(&g.owner, 0, sizeof(g.owner));
	g.n_devices = 0;
	s = render(r_group, &g, true);
	o = parse(s);
	CHECK(!has(o, "default_domain") && !has(o, "kernel_claimed") &&
	      !has(o, "drift"));
	CHECK(str_is(get(o, "owner"), "kind", "none"));
	CHECK(json_object_object_length(get(o, "owner")) == 1);
	CHECK(json_object_is_type(get(o, "devices"), json_type_array));
	json_object_put(o);
	free(s);

	/* Human output: the facts a sysadmin needs are there. */
	fill(&g, d);
	s = render(r_group, &g, false);
	CHECK(strstr(s, "DRIFT"));
	CHECK(strstr(s, "not viable because:"));
	CHECK(strstr(s, "0000:00:02.0 is bound to e1000e"));
	CHECK(strstr(s, "vfio-pci: EPROBE_DEFER"));
	CHECK(strstr(s, "8086:10d3"));
	free(s);
}

static void test_iogroup_owner(void)
{
	struct ig_unbound ub[2] = {
		{ "0000:00:02.0", "e1000e" }, { "0000:00:02.1", NULL },
	};
	struct ig_group_list l;
	struct ig_device d[2];
	struct ig_group g;
	struct timespec now;
	json_object *o, *own, *a;
	char *s;

	fill(&g, d);
	g.drift = NULL;
	g.owner.kind = IOGROUP_OWNER_IOGROUP;
	g.owner.pid = 123;
	g.owner.comm = "qemu";
	g.owner.caller = NULL;
	clock_gettime(CLOCK_BOOTTIME, &now);
	g.owner.since_ns = (uint64_t)now.tv_sec * 1000000000 +
			   (uint64_t)now.tv_nsec - 12300000000ULL;
	g.owner.persistent = true;
	g.owner.n_unbound = 2;
	g.owner.unbound = ub;
	s = render(r_group, &g, true);
	o = parse(s);
	own = get(o, "owner");
	CHECK(str_is(own, "kind", "iogroup"));
	CHECK(int_is(own, "pid", 123) && str_is(own, "comm", "qemu"));
	CHECK(bool_is(own, "persistent", true));
	CHECK(bool_is(own, "restore", false));
	a = get(own, "unbound");
	CHECK(a && json_object_array_length(a) == 2);
	CHECK(str_is(json_object_array_get_idx(a, 0), "device", "0000:00:02.0"));
	CHECK(str_is(json_object_array_get_idx(a, 0), "driver", "e1000e"));
	CHECK(json_object_is_type(get(json_object_array_get_idx(a, 1), "driver"),
				  json_type_null));
	json_object_put(o);
	free(s);

	s = render(r_group, &g, false);
	CHECK(strstr(s, "owner:            iogroup claim by pid 123 (qemu), persistent, since 12.3 s ago\n"));
	CHECK(strstr(s, "unbound:        0000:00:02.0 (was e1000e)"));
	CHECK(strstr(s, "0000:00:02.1 (was ?)"));
	free(s);

	g.owner.persistent = false;
	g.owner.restore = true;
	g.owner.n_unbound = 0;
	g.owner.unbound = NULL;
	s = render(r_group, &g, true);
	o = parse(s);
	own = get(o, "owner");
	CHECK(bool_is(own, "persistent", false) && bool_is(own, "restore", true));
	CHECK(json_object_array_length(get(own, "unbound")) == 0);
	json_object_put(o);
	free(s);
	s = render(r_group, &g, false);
	CHECK(strstr(s, "released when its process exits, restores drivers on release"));
	free(s);

	l.n = 1;
	l.groups = &g;
	s = render(r_groups, &l, false);
	CHECK(strstr(s, "iogroup 123/qemu"));
	free(s);

	/* other kinds carry no iogroup keys */
	g.owner.kind = IOGROUP_OWNER_USER;
	s = render(r_group, &g, true);
	o = parse(s);
	own = get(o, "owner");
	CHECK(!has(own, "persistent") && !has(own, "restore") &&
	      !has(own, "unbound"));
	json_object_put(o);
	free(s);
}

static char *render_buf(void (*fn)(FILE *), json_object **o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	fn(f);
	fclose(f);
	if (o)
		*o = parse(buf);
	return buf;
}

static const char *const detach_devs[] = { "0000:02:01.0", "0000:02:02.0" };

static void w_claim_j(FILE *f)
{
	CHECK(ig_print_claim(f, 5, IOGROUP_CLAIM_F_UNBIND | IOGROUP_CLAIM_F_PERSISTENT, true) == 0);
}
static void w_claim(FILE *f) { CHECK(ig_print_claim(f, 5, 0, false) == 0); }
static void w_release_j(FILE *f) { CHECK(ig_print_release(f, 5, true) == 0); }
static void w_release(FILE *f) { CHECK(ig_print_release(f, 5, false) == 0); }
static void w_detach(FILE *f, bool json)
{
	struct ig_detach_result r = {
		.group = 5, .driver = "vfio-pci", .devices = detach_devs,
		.n_devices = 2, .viable = true,
	};

	CHECK(ig_print_detach(f, &r, json) == 0);
}
static void w_detach_j(FILE *f) { w_detach(f, true); }
static void w_detach_h(FILE *f) { w_detach(f, false); }
static void w_reattach(FILE *f, bool json)
{
	struct ig_reattach_dev d[2] = {
		{ "0000:00:02.0", "e1000e" }, { "0000:00:02.1", NULL },
	};

	CHECK(ig_print_reattach(f, 5, d, 2, json) == 0);
}
static void w_reattach_j(FILE *f) { w_reattach(f, true); }
static void w_reattach_h(FILE *f) { w_reattach(f, false); }

static void test_write_side(void)
{
	json_object *o, *a;
	char *s;

	s = render_buf(w_claim_j, &o);
	CHECK(int_is(o, "group", 5) && bool_is(o, "claimed", true) &&
	      bool_is(o, "persistent", true) && bool_is(o, "unbind", true) &&
	      bool_is(o, "restore", false));
	json_object_put(o);
	free(s);
	s = render_buf(w_claim, NULL);
	CHECK(!strcmp(s, "claimed group 5\n"));
	free(s);
	s = render_buf(w_release_j, &o);
	CHECK(int_is(o, "group", 5) && bool_is(o, "released", true));
	json_object_put(o);
	free(s);
	s = render_buf(w_release, NULL);
	CHECK(!strcmp(s, "released group 5\n"));
	free(s);

	s = render_buf(w_detach_j, &o);
	CHECK(int_is(o, "group", 5) && str_is(o, "driver", "vfio-pci") &&
	      bool_is(o, "viable", true));
	a = get(o, "devices");
	CHECK(a && json_object_array_length(a) == 2 &&
	      !strcmp(json_object_get_string(json_object_array_get_idx(a, 1)),
		      "0000:02:02.0"));
	CHECK(json_object_object_length(o) == 4);
	json_object_put(o);
	free(s);
	s = render_buf(w_detach_h, NULL);
	CHECK(!strcmp(s, "group 5 detached to vfio-pci: 0000:02:01.0, 0000:02:02.0; /dev/vfio/5\n"));
	free(s);

	s = render_buf(w_reattach_j, &o);
	CHECK(int_is(o, "group", 5));
	a = get(o, "devices");
	CHECK(a && json_object_array_length(a) == 2);
	CHECK(str_is(json_object_array_get_idx(a, 0), "device", "0000:00:02.0"));
	CHECK(str_is(json_object_array_get_idx(a, 0), "driver", "e1000e"));
	CHECK(json_object_is_type(get(json_object_array_get_idx(a, 1), "driver"),
				  json_type_null));
	json_object_put(o);
	free(s);
	s = render_buf(w_reattach_h, NULL);
	CHECK(!strcmp(s, "0000:00:02.0 -> e1000e\n0000:00:02.1 -> none\n"));
	free(s);
}

static void test_list(void)
{
	struct ig_device d[2];
	struct ig_group g[2];
	struct ig_group_list l = { .n = 2, .groups = g };
	json_object *o;
	char *s;

	fill(&g[0], d);
	memset(&g[1], 0, sizeof(g[1]));
	g[1].id = 7;
	g[1].viable = true;
	g[1].owner.kind = IOGROUP_OWNER_KERNEL;
	s = render(r_groups, &l, true);
	CHECK(json_c_layout(s, true));
	o = parse(s);
	CHECK(json_object_is_type(o, json_type_array));
	CHECK(json_object_array_length(o) == 2);
	CHECK(int_is(json_object_array_get_idx(o, 0), "group", 5));
	CHECK(int_is(json_object_array_get_idx(o, 1), "group", 7));
	json_object_put(o);
	free(s);
	s = render(r_groups, &l, false);
	CHECK(strstr(s, "GROUP"));
	CHECK(strstr(s, "user 1234/qemu"));
	CHECK(strstr(s, "0000:00:02.0[e1000e], platform-thing[-]"));
	free(s);

	l.n = 0;
	s = render(r_groups, &l, true);
	o = parse(s);
	CHECK(json_object_is_type(o, json_type_array) &&
	      json_object_array_length(o) == 0);
	json_object_put(o);
	free(s);
}

static void test_stats(void)
{
	struct ig_stats st;
	json_object *o;
	char *s;
	int i;

	memset(&st, 0, sizeof(st));
	for (i = 1; i <= IOGROUP_A_STATS_MAX; i++) {
		if (i == IOGROUP_A_STATS_PAD || i == IOGROUP_A_STATS_HOOKS)
			continue;
		st.has[i] = true;
		st.val[i] = (uint64_t)i * 1000;
	}
	st.val[IOGROUP_A_STATS_BYTES] = 1ULL << 40;
	st.hooks = "really_probe,__iommu_take_dma_ownership";
	s = render(r_stats, &st, true);
	o = parse(s);
	CHECK(int_is(o, "probe_hits", 1000));
	CHECK(int_is(o, "drift_groups", IOGROUP_A_STATS_DRIFT_GROUPS * 1000));
	CHECK(int_is(o, "bytes", 1LL << 40));
	CHECK(str_is(o, "hooks", st.hooks));
	CHECK(int_is(o, "vetoes", IOGROUP_A_STATS_VETOES * 1000));
	CHECK(int_is(o, "claims", IOGROUP_A_STATS_CLAIMS * 1000));
	CHECK(int_is(o, "claims_total", IOGROUP_A_STATS_CLAIMS_TOTAL * 1000));
	CHECK(int_is(o, "auto_releases", IOGROUP_A_STATS_AUTO_RELEASES * 1000));
	CHECK(int_is(o, "group_bytes", IOGROUP_A_STATS_GROUP_BYTES * 1000));
	CHECK(int_is(o, "device_bytes", IOGROUP_A_STATS_DEVICE_BYTES * 1000));
	CHECK(int_is(o, "ring_bytes", IOGROUP_A_STATS_RING_BYTES * 1000));
	CHECK(json_object_object_length(o) == 25);
	json_object_put(o);
	free(s);
}

static void test_event(void)
{
	struct ig_event e;
	json_object *o;
	char *s;

	memset(&e, 0, sizeof(e));
	e.type = IOGROUP_EVENT_BIND_FAILED;
	e.has_seq = e.has_timestamp = e.has_group = e.has_errno = true;
	e.seq = 7;
	e.timestamp_ns = 12345678901ULL;
	e.group = 5;
	e.device = "0000:00:02.0";
	e.driver = "virtio-pci";
	e.err = 19;
	s = render(r_event, &e, true);
	CHECK(strchr(s, '\n') == s + strlen(s) - 1);	/* one line */
	CHECK(json_c_layout(s, false));
	o = parse(s);
	CHECK(str_is(o, "event", "bind-failed"));
	CHECK(int_is(o, "seq", 7));
	CHECK(int_is(o, "timestamp_ns", 12345678901LL));
	CHECK(int_is(o, "group", 5));
	CHECK(str_is(o, "device", "0000:00:02.0"));
	CHECK(str_is(o, "driver", "virtio-pci"));
	CHECK(int_is(o, "errno", 19));
	CHECK(str_is(o, "errno_name", "ENODEV"));
	CHECK(!has(o, "owner") && !has(o, "pid") && !has(o, "domain"));
	json_object_put(o);
	free(s);
	s = render(r_event, &e, false);
	CHECK(!strncmp(s, "[   12.345678] bind-failed group 5 0000:00:02.0 driver virtio-pci", 65));
	free(s);

	memset(&e, 0, sizeof(e));
	e.type = IOGROUP_EVENT_OWNER_CHANGED;
	e.has_owner = e.has_pid = true;
	e.owner = IOGROUP_OWNER_USER;
	e.pid = 1;
	e.comm = "x";
	s = render(r_event, &e, true);
	o = parse(s);
	CHECK(str_is(o, "event", "owner-changed"));
	CHECK(str_is(o, "owner", "user") && int_is(o, "pid", 1) &&
	      str_is(o, "comm", "x"));
	CHECK(json_object_object_length(o) == 4);
	json_object_put(o);
	free(s);
}

static void test_drift_event(void)
{
	struct ig_event e;
	json_object *o;
	char *s;

	memset(&e, 0, sizeof(e));
	e.type = IOGROUP_EVENT_DRIFT;
	e.has_group = true;
	e.group = 5;
	e.drift = "shadow: none; kernel: claimed";
	s = render(r_event, &e, true);
	o = parse(s);
	CHECK(str_is(o, "event", "drift") && int_is(o, "group", 5) &&
	      str_is(o, "drift", e.drift));
	json_object_put(o);
	free(s);
	s = render(r_event, &e, false);
	CHECK(!strcmp(s, "drift group 5: shadow: none; kernel: claimed\n"));
	free(s);
	e.drift = NULL;
	s = render(r_event, &e, true);
	o = parse(s);
	CHECK(!has(o, "drift"));
	json_object_put(o);
	free(s);
	s = render(r_event, &e, false);
	CHECK(!strcmp(s, "drift group 5: agrees with the kernel again\n"));
	free(s);
}

static void test_check(void)
{
	struct ig_check_drift d = { .group = 3, .drift = "kernel claimed, shadow not" };
	json_object *o, *a;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	CHECK(ig_print_check(f, 4, &d, 1, true) == 0);
	fclose(f);
	o = parse(buf);
	CHECK(bool_is(o, "ok", false));
	CHECK(int_is(o, "groups_checked", 4));
	a = get(o, "drift");
	CHECK(a && json_object_array_length(a) == 1);
	CHECK(int_is(json_object_array_get_idx(a, 0), "group", 3));
	CHECK(str_is(json_object_array_get_idx(a, 0), "drift", d.drift));
	json_object_put(o);
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK(ig_print_check(f, 4, NULL, 0, true) == 0);
	fclose(f);
	o = parse(buf);
	CHECK(bool_is(o, "ok", true));
	CHECK(json_object_array_length(get(o, "drift")) == 0);
	json_object_put(o);
	free(buf);
}

/* -v: print the human renderings, to look at them. */
static void show_samples(void)
{
	struct ig_device d[2];
	struct ig_group g[2];
	struct ig_group_list l = { .n = 2, .groups = g };
	struct ig_event e = { .type = IOGROUP_EVENT_DEVICE_BOUND,
			      .has_timestamp = true, .timestamp_ns = 12345678000ULL,
			      .has_group = true, .group = 5,
			      .device = "0000:00:02.0", .driver = "e1000e" };
	struct ig_check_drift dr = { .group = 5, .drift = "shadow: user, kernel: unclaimed" };

	fill(&g[0], d);
	memset(&g[1], 0, sizeof(g[1]));
	g[1].id = 12;
	g[1].viable = true;
	g[1].owner.kind = IOGROUP_OWNER_KERNEL;
	g[1].domain = IOGROUP_DOMAIN_DMA_FQ;
	ig_print_groups(stdout, &l, false);
	puts("");
	ig_print_group(stdout, &g[0], false);
	puts("");
	ig_print_event(stdout, &e, false);
	puts("");
	ig_print_check(stdout, 2, &dr, 1, false);
	ig_print_check(stdout, 2, NULL, 0, false);
}

/*
 * json.c itself: every byte value but NUL and a string longer than its
 * buffer parse back as written, in both layouts; misnesting is an error,
 * and a FILE that refuses the write has its error flag set.
 */
static void test_writer(void)
{
	size_t n = 3 * sizeof(((struct jw *)0)->buf) + 7, i, len;
	char *in = malloc(n + 1), *buf = NULL;
	json_object *o, *v;
	struct jw w;
	FILE *f;

	for (i = 0; i < n; i++)
		in[i] = (char)(i % 255 + 1);
	in[n] = '\0';
	for (int pretty = 0; pretty < 2; pretty++) {
		f = open_memstream(&buf, &len);
		jw_init(&w, f, pretty);
		jw_obj_open(&w, NULL);
		jw_str(&w, "k", in);
		jw_arr_open(&w, "a");
		jw_int(&w, NULL, INT64_MIN);
		jw_uint(&w, NULL, UINT64_MAX);
		jw_str_or_null(&w, NULL, NULL);
		jw_strn(&w, NULL, "abc", 2);
		jw_hex(&w, NULL, 0, 4);
		jw_hex(&w, NULL, 0xffffffff, 4);
		jw_hex(&w, NULL, 0x20000, 6);
		jw_arr_close(&w);
		jw_obj_open(&w, "e");
		jw_obj_close(&w);
		jw_obj_close(&w);
		CHECK(jw_finish(&w) == 0);
		fclose(f);
		/* the line layout: one newline, at the end */
		CHECK((strchr(buf, '\n') == buf + len - 1) == !pretty);
		o = parse(buf);
		CHECK(str_is(o, "k", in));
		v = get(o, "a");
		CHECK(v && json_object_array_length(v) == 7);
		CHECK(json_object_get_int64(json_object_array_get_idx(v, 0)) ==
		      INT64_MIN);
		CHECK(json_object_get_uint64(json_object_array_get_idx(v, 1)) ==
		      UINT64_MAX);
		CHECK(json_object_array_get_idx(v, 2) == NULL);
		CHECK(!strcmp(json_object_get_string(json_object_array_get_idx(v, 3)),
			      "ab"));
		CHECK(!strcmp(json_object_get_string(json_object_array_get_idx(v, 4)),
			      "0x0000"));
		CHECK(!strcmp(json_object_get_string(json_object_array_get_idx(v, 5)),
			      "0xffffffff"));
		CHECK(!strcmp(json_object_get_string(json_object_array_get_idx(v, 6)),
			      "0x020000"));
		CHECK(json_object_is_type(get(o, "e"), json_type_object));
		json_object_put(o);
		free(buf);
		buf = NULL;
	}
	free(in);

	f = open_memstream(&buf, &len);
	jw_init(&w, f, true);
	jw_obj_open(&w, NULL);
	jw_int(&w, NULL, 1);		/* a member without a key */
	jw_obj_close(&w);
	CHECK(jw_finish(&w) == -EINVAL);
	jw_init(&w, f, true);
	jw_arr_open(&w, NULL);		/* never closed */
	CHECK(jw_finish(&w) == -EINVAL);
	jw_init(&w, f, true);
	jw_arr_close(&w);		/* never opened */
	CHECK(jw_finish(&w) == -EINVAL);
	fclose(f);
	free(buf);

	f = fopen("/dev/full", "w");
	if (f) {
		setvbuf(f, NULL, _IONBF, 0);
		jw_init(&w, f, true);
		jw_bool(&w, NULL, true);
		CHECK(jw_finish(&w) == 0 && ferror(f));
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "-v"))
		show_samples();
	test_writer();
	test_group();
	test_list();
	test_stats();
	test_event();
	test_drift_event();
	test_iogroup_owner();
	test_write_side();
	test_check();
	if (failures) {
		fprintf(stderr, "test_output: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_output: ok\n");
	return 0;
}
