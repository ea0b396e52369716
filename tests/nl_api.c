// SPDX-License-Identifier: GPL-2.0
/*
 * nl_api: the iogroup generic-netlink API against ground truth.
 *
 * Talks to the module with raw netlink sockets (iogroup_nl.h) and compares
 * every answer with what sysfs says (sysfs_gt.h), with the errno of the
 * sysfs writes it does, or with the netlink core's own behaviour.
 * Needs root (it binds and unbinds drivers and reloads the module); the
 * unprivileged cases fork and drop to uid/gid 1000.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <grp.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#include "iogroup_nl.h"
#include "sysfs_gt.h"
#include "util.h"
#include "kselftest_harness.h"

#define EVENT_TIMEOUT_MS	5000
#define UNPRIV_UID		1000

/* ------------------------------------------------------------ helpers */

/* Open a socket on the family, loading the module if needed. */
static int open_family(struct iog_sock *s, struct iog_err *e)
{
	int ret = iog_open(s, e);

	if (ret == -ENOENT && !gt_module_loaded("iogroup")) {
		run("modprobe iogroup");
		ret = iog_open(s, e);
	}
	return ret;
}

static const char *owner_name(uint32_t k)
{
	return k == IOGROUP_OWNER_NONE ? "none" :
	       k == IOGROUP_OWNER_KERNEL ? "kernel" :
	       k == IOGROUP_OWNER_USER ? "user" : "?";
}

/*
 * Compare one group of the module with the sysfs ground truth.  Returns
 * 0 if they agree, else -1 with the first disagreement in why.
 */
static int cmp_group_owner(const struct iog_group *g, const struct gt_group *t,
			   int want_kind, char *why, size_t sz)
{
	int dom = gt_domain_type(t->type);
	uint32_t kind = t->kernel_users ? IOGROUP_OWNER_KERNEL : IOGROUP_OWNER_NONE;
	bool claimed = want_kind == IOGROUP_OWNER_IOGROUP;

	if (want_kind >= 0)
		kind = want_kind;

#define DIFF(...) do { snprintf(why, sz, __VA_ARGS__); return -1; } while (0)
	if (g->bad[0])
		DIFF("group %u: malformed reply: %s", g->id, g->bad);
	if (g->id != t->id)
		DIFF("group id %u, sysfs %u", g->id, t->id);
	if (!g->has_domain)
		DIFF("group %u: no DOMAIN", g->id);
	if (!g->has_kernel_users)
		DIFF("group %u: no KERNEL_USERS", g->id);
	if (g->kernel_users != t->kernel_users)
		DIFF("group %u: kernel_users %u, sysfs says %u", g->id,
		     g->kernel_users, t->kernel_users);
	if (!g->has_owner)
		DIFF("group %u: no OWNER nest", g->id);
	if (g->owner.kind != kind)
		DIFF("group %u: owner %s, expected %s (%u kernel users)", g->id,
		     owner_name(g->owner.kind), owner_name(kind), t->kernel_users);
	if (!g->has_viable)
		DIFF("group %u: no VIABLE", g->id);
	if (!!g->viable != t->viable)
		DIFF("group %u: viable %u, sysfs says %u", g->id, g->viable, t->viable);
	if (g->has_kernel_claimed && !!g->kernel_claimed != (t->kernel_users > 0 || claimed))
		DIFF("group %u: kernel_claimed %u with %u kernel users%s", g->id,
		     g->kernel_claimed, t->kernel_users, claimed ? ", claimed" : "");
	if (g->has_drift)
		DIFF("group %u: drift on a quiet system: %.160s", g->id, g->drift);
	if (!g->has_generation)
		DIFF("group %u: no GENERATION", g->id);
	if (dom >= 0) {
		if (g->has_default_domain && g->default_domain != (uint32_t)dom)
			DIFF("group %u: default_domain %u, sysfs type '%s' (%d)",
			     g->id, g->default_domain, t->type, dom);
		/* no user-space owner: the current domain is the default one */
		if (!claimed && g->domain != (uint32_t)dom)
			DIFF("group %u: domain %u, sysfs type '%s' (%d)", g->id,
			     g->domain, t->type, dom);
	}
	/* claimed: DMA blocked (blocking domain, or an empty unmanaged one) */
	if (claimed && g->domain != IOGROUP_DOMAIN_BLOCKED &&
	    g->domain != IOGROUP_DOMAIN_UNMANAGED)
		DIFF("group %u: claimed, but domain %u", g->id, g->domain);
	if (g->ndev != t->ndev)
		DIFF("group %u: %d devices, sysfs has %d", g->id, g->ndev, t->ndev);
	for (int i = 0; i < t->ndev; i++) {
		const struct gt_dev *td = &t->dev[i];
		const struct iog_dev *d = iog_group_dev(g, td->name);

		if (!d)
			DIFF("group %u: device %s missing", g->id, td->name);
		if (strcmp(d->bus, td->bus))
			DIFF("%s: bus '%s', sysfs '%s'", td->name, d->bus, td->bus);
		if (td->is_pci) {
			if (!d->has_vendor || d->vendor != td->vendor)
				DIFF("%s: vendor %#x (present %d), sysfs %#x", td->name,
				     d->vendor, d->has_vendor, td->vendor);
			if (!d->has_device || d->device != td->device)
				DIFF("%s: device %#x (present %d), sysfs %#x", td->name,
				     d->device, d->has_device, td->device);
			if (!d->has_class || d->class != td->class)
				DIFF("%s: class %#08x (present %d), sysfs %#08x",
				     td->name, d->class, d->has_class, td->class);
		}
		if (d->bridge != td->bridge)
			DIFF("%s: bridge %d, sysfs header type says %d", td->name,
			     d->bridge, td->bridge);
		if (d->has_driver != td->has_driver ||
		    (td->has_driver && strcmp(d->driver, td->driver)))
			DIFF("%s: driver '%s', sysfs driver link '%s'", td->name,
			     d->has_driver ? d->driver : "(absent)",
			     td->has_driver ? td->driver : "(none)");
		if (d->driver_managed_dma != td->driver_managed_dma)
			DIFF("%s: driver_managed_dma %d, expected %d (driver '%s')",
			     td->name, d->driver_managed_dma, td->driver_managed_dma,
			     td->driver);
		if (d->kernel_dma != td->kernel_dma)
			DIFF("%s: kernel_dma %d, expected %d (driver '%s')", td->name,
			     d->kernel_dma, td->kernel_dma, td->driver);
		if (d->blocks_viability != td->blocks_viability)
			DIFF("%s: blocks_viability %d, expected %d (driver '%s', bridge %d)",
			     td->name, d->blocks_viability, td->blocks_viability,
			     td->driver, td->bridge);
	}
#undef DIFF
	return 0;
}

static int cmp_group(const struct iog_group *g, const struct gt_group *t,
		     char *why, size_t sz)
{
	return cmp_group_owner(g, t, -1, why, sz);
}

/* Compare two decoded groups (a do and a dump entry). */
static int same_group(const struct iog_group *a, const struct iog_group *b,
		      char *why, size_t sz)
{
#define DIFF(...) do { snprintf(why, sz, __VA_ARGS__); return -1; } while (0)
	if (a->id != b->id)
		DIFF("id %u vs %u", a->id, b->id);
	if (a->domain != b->domain || a->has_default_domain != b->has_default_domain ||
	    a->default_domain != b->default_domain)
		DIFF("group %u: domains differ", a->id);
	if (a->kernel_users != b->kernel_users)
		DIFF("group %u: kernel_users %u vs %u", a->id, a->kernel_users,
		     b->kernel_users);
	if (memcmp(&a->owner, &b->owner, sizeof(a->owner)))
		DIFF("group %u: owner differs", a->id);
	if (a->viable != b->viable || a->has_kernel_claimed != b->has_kernel_claimed ||
	    a->kernel_claimed != b->kernel_claimed)
		DIFF("group %u: viable/kernel_claimed differ", a->id);
	if (a->generation != b->generation)
		DIFF("group %u: generation %llu vs %llu", a->id,
		     (unsigned long long)a->generation,
		     (unsigned long long)b->generation);
	if (a->ndev != b->ndev)
		DIFF("group %u: %d vs %d devices", a->id, a->ndev, b->ndev);
	for (int i = 0; i < a->ndev; i++)
		if (memcmp(&a->dev[i], &b->dev[i], sizeof(a->dev[i])))
			DIFF("group %u: device #%d (%s vs %s) differs", a->id, i,
			     a->dev[i].name, b->dev[i].name);
	if (memcmp(a, b, sizeof(*a)))
		DIFF("group %u: replies differ", a->id);
#undef DIFF
	return 0;
}

/* First PCI device bound to drv, in dst; -ENOENT if none. */
static int find_bound(const char *drv, char *dst, size_t sz)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int ret = -ENOENT;

	snprintf(p, sizeof(p), "/sys/bus/pci/drivers/%s", drv);
	dir = opendir(p);
	if (!dir)
		return -ENOENT;
	while ((de = readdir(dir))) {
		unsigned int a, b, c, d;

		if (sscanf(de->d_name, "%x:%x:%x.%x", &a, &b, &c, &d) == 4) {
			gt_copy(dst, de->d_name, sz);
			ret = 0;
			break;
		}
	}
	closedir(dir);
	return ret;
}

static int drv_write(const char *drv, const char *file, const char *dev)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "/sys/bus/pci/drivers/%s/%s", drv, file);
	return gt_write(p, dev);
}

/*
 * Wait for an event of `type` about `dev`, up to EVENT_TIMEOUT_MS.  Every
 * event read must have a SEQ greater than *last_seq (updated); a
 * violation is reported in seq_err.  Returns 1 found, 0 timeout, <0 error.
 */
static int wait_event_grp(struct iog_sock *w, uint32_t type, const char *dev,
			  uint32_t grp, struct iog_event *ev, uint64_t *last_seq,
			  bool *have_seq, char *seq_err, size_t sz)
{
	uint64_t deadline = now_ms() + EVENT_TIMEOUT_MS;

	for (;;) {
		uint64_t now = now_ms();
		int r;

		if (now >= deadline)
			return 0;
		r = iog_next_event(w, deadline - now, ev);
		if (r <= 0)
			return r;
		fprintf(stderr, "# event %s seq %llu group %u dev %s drv %s errno %u%s%s\n",
			iog_event_name(ev->type), (unsigned long long)ev->seq,
			ev->group, ev->has_device ? ev->device : "-",
			ev->has_driver ? ev->driver : "-", ev->err,
			ev->bad[0] ? " BAD: " : "", ev->bad);
		if (ev->cmd != IOGROUP_CMD_EVENT && !seq_err[0])
			snprintf(seq_err, sz, "notification with cmd %u", ev->cmd);
		if (!ev->has_seq && !seq_err[0])
			snprintf(seq_err, sz, "event %s without SEQ",
				 iog_event_name(ev->type));
		if (ev->has_seq) {
			if (*have_seq && ev->seq <= *last_seq && !seq_err[0])
				snprintf(seq_err, sz, "SEQ %llu after %llu",
					 (unsigned long long)ev->seq,
					 (unsigned long long)*last_seq);
			*last_seq = ev->seq;
			*have_seq = true;
		}
		if (!ev->has_type || ev->type != type)
			continue;
		if (dev && ev->has_device && !strcmp(ev->device, dev))
			return 1;
		if (!dev && ev->has_group && ev->group == grp)
			return 1;
	}
}

#define wait_event(w, type, dev, ev, last_seq, have_seq, seq_err, sz) \
	wait_event_grp(w, type, dev, 0, ev, last_seq, have_seq, seq_err, sz)

static bool in_kallsyms(const char *sym)
{
	char line[512], name[256];
	FILE *f = fopen("/proc/kallsyms", "r");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %255s", name) == 1 && !strcmp(name, sym))
			found = true;
	}
	fclose(f);
	return found;
}

/* ------------------------------------------------------------ fixture */

FIXTURE(nl) {
	struct iog_sock s;
	struct gt *gt;
	struct iog_groups *gs, *gs2;
	/* restored by the teardown if a test stops half-way */
	char rebind_dev[64], rebind_drv[64];
	char override_dev[64];
	char stub_dev[64];
	bool has_persistent;
	uint32_t persistent_claim;
};

FIXTURE_SETUP(nl)
{
	struct iog_err e;
	int ret;

	self->s.fd = -1;
	self->gt = calloc(1, sizeof(*self->gt));
	self->gs = calloc(1, sizeof(*self->gs));
	self->gs2 = calloc(1, sizeof(*self->gs2));
	ASSERT_TRUE(self->gt && self->gs && self->gs2);
	ret = open_family(&self->s, &e);
	ASSERT_EQ(0, ret) TH_LOG("cannot resolve genl family '%s': %s (%s)",
				 IOGROUP_FAMILY_NAME, strerror(-ret), e.msg);
	ASSERT_NE(0, self->s.mcgrp_events)
		TH_LOG("family has no '%s' multicast group", IOGROUP_MCGRP_EVENTS);
	ASSERT_EQ(0, gt_read_all(self->gt));
	ASSERT_LT(0, self->gt->n) TH_LOG("no IOMMU groups in sysfs: is the IOMMU on?");
}

FIXTURE_TEARDOWN(nl)
{
	if (self->has_persistent && self->s.fd >= 0) {
		struct iog_msg m;

		iog_msg_init(&m, self->s.family, 0, IOGROUP_CMD_RELEASE,
			     IOGROUP_FAMILY_VERSION);
		iog_put_u32(&m, IOGROUP_A_GROUP_ID, self->persistent_claim);
		iog_request(&self->s, &m, NULL, NULL, NULL);
	}
	/* closing the socket drops its claims (and may rebind drivers) */
	iog_close(&self->s);
	if (self->stub_dev[0])
		drv_write("pci-stub", "unbind", self->stub_dev);
	if (self->override_dev[0]) {
		char p[PATH_MAX];

		gt_dev_path(p, sizeof(p), self->override_dev, "driver_override");
		gt_write(p, "\n");
	}
	if (self->rebind_dev[0]) {
		char cur[64];

		for (int i = 0; i < 50; i++) {
			gt_dev_driver(self->rebind_dev, cur, sizeof(cur));
			if (!strcmp(cur, self->rebind_drv))
				break;
			usleep(100000);
		}
		if (strcmp(cur, self->rebind_drv))
			drv_write(self->rebind_drv, "bind", self->rebind_dev);
	}
	free(self->gt);
	free(self->gs);
	free(self->gs2);
}

/* Request refused with errno `err` and a non-empty extack message. */
#define ASSERT_REFUSED(ret, e, err) do {					\
	ASSERT_EQ(-(err), ret)							\
		TH_LOG("expected %s, got %d (%s), extack '%s'", strerror(err), \
		       ret, ret < 0 ? strerror(-ret) : "success", (e).msg);	\
	ASSERT_NE(0, strlen((e).msg))						\
		TH_LOG("refused with %s but without an extack message",	\
		       strerror(err));						\
} while (0)

/*
 * A required attribute is missing: EINVAL, and the extack says which,
 * as a message or as the kernel's NLMSGERR_ATTR_MISS_TYPE.
 */
#define ASSERT_MISSING(ret, e, attr) do {					\
	ASSERT_EQ(-EINVAL, ret)							\
		TH_LOG("expected EINVAL, got %d (%s), extack '%s'", ret,	\
		       ret < 0 ? strerror(-ret) : "success", (e).msg);		\
	ASSERT_TRUE(strlen((e).msg) ||						\
		    ((e).has_miss_type && (e).miss_type == (attr)))		\
		TH_LOG("missing attribute %d: no extack message and no "	\
		       "NLMSGERR_ATTR_MISS_TYPE (%d)", attr,			\
		       (e).has_miss_type ? (int)(e).miss_type : -1);		\
} while (0)

/* Same, EINVAL or ERANGE accepted (both are policy rejects). */
#define ASSERT_REFUSED_POLICY(ret, e) do {					\
	ASSERT_TRUE(ret == -EINVAL || ret == -ERANGE)				\
		TH_LOG("expected EINVAL or ERANGE, got %d (%s), extack '%s'", \
		       ret, ret < 0 ? strerror(-ret) : "success", (e).msg);	\
	ASSERT_NE(0, strlen((e).msg))						\
		TH_LOG("refused with %s but without an extack message",	\
		       strerror(-ret));						\
} while (0)

/* ---------------------------------------------------- dump and do */

/* The dump is the sysfs view: same groups, same devices, same drivers. */
TEST_F(nl, dump_matches_sysfs)
{
	struct iog_err e;
	char why[256];
	int ret;

	ret = iog_dump_groups(&self->s, self->gs, &e);
	ASSERT_EQ(0, ret) TH_LOG("dump: %s (%s)", strerror(-ret), e.msg);
	ASSERT_FALSE(self->gs->bad_cmd) TH_LOG("dump reply with a wrong cmd");
	/* re-read sysfs right after the dump: nothing changes meanwhile */
	ASSERT_EQ(0, gt_read_all(self->gt));
	ASSERT_EQ(self->gt->n, self->gs->n)
		TH_LOG("dump has %d groups, /sys/kernel/iommu_groups has %d",
		       self->gs->n, self->gt->n);
	for (int i = 0; i < self->gs->n; i++) {
		/* one message per group, ordered by group id */
		ASSERT_EQ(self->gt->g[i].id, self->gs->g[i].id)
			TH_LOG("dump entry %d is group %u, expected group %u", i,
			       self->gs->g[i].id, self->gt->g[i].id);
		ASSERT_EQ(0, cmp_group(&self->gs->g[i], &self->gt->g[i], why,
				       sizeof(why))) TH_LOG("%s", why);
	}
}

/* GROUP_GET do by id returns exactly the dump's entry. */
TEST_F(nl, get_by_id_equals_dump)
{
	struct iog_err e;
	char why[256];
	int ret;

	ret = iog_dump_groups(&self->s, self->gs, &e);
	ASSERT_EQ(0, ret) TH_LOG("dump: %s (%s)", strerror(-ret), e.msg);
	ASSERT_LT(0, self->gs->n);
	for (int i = 0; i < self->gs->n; i++) {
		const struct iog_group *d = &self->gs->g[i];

		ret = iog_get_group_by_id(&self->s, d->id, self->gs2, &e);
		ASSERT_EQ(0, ret) TH_LOG("get group %u: %s (%s)", d->id,
					 strerror(-ret), e.msg);
		ASSERT_EQ(1, self->gs2->n) TH_LOG("get group %u: %d replies",
						  d->id, self->gs2->n);
		ASSERT_FALSE(self->gs2->bad_cmd);
		ASSERT_EQ(0, same_group(&self->gs2->g[0], d, why, sizeof(why)))
			TH_LOG("do vs dump: %s", why);
	}
}

/* GROUP_GET by device name answers the group of sysfs' iommu_group link. */
TEST_F(nl, get_by_device_name)
{
	struct iog_err e;
	char why[256];
	int ret, checked = 0;

	for (int i = 0; i < self->gt->n; i++) {
		for (int j = 0; j < self->gt->g[i].ndev; j++) {
			const char *name = self->gt->g[i].dev[j].name;
			int sysgrp = gt_dev_group(name);

			if (!self->gt->g[i].dev[j].is_pci)
				continue;
			ASSERT_EQ((int)self->gt->g[i].id, sysgrp);
			ret = iog_get_group_by_name(&self->s, name, self->gs2, &e);
			ASSERT_EQ(0, ret) TH_LOG("get by name %s: %s (%s)", name,
						 strerror(-ret), e.msg);
			ASSERT_EQ(1, self->gs2->n);
			ASSERT_EQ(sysgrp, (int)self->gs2->g[0].id)
				TH_LOG("%s: got group %u, sysfs iommu_group is %d",
				       name, self->gs2->g[0].id, sysgrp);
			ASSERT_NE(NULL, iog_group_dev(&self->gs2->g[0], name))
				TH_LOG("%s not among its group's devices", name);
			ASSERT_EQ(0, cmp_group(&self->gs2->g[0], &self->gt->g[i],
					       why, sizeof(why))) TH_LOG("%s", why);
			checked++;
		}
	}
	ASSERT_LT(0, checked);
}

/* VERIFY: the module checks the shadow against the kernel first. */
TEST_F(nl, verify_no_drift)
{
	uint32_t junk = 1;
	struct iog_err e;
	struct iog_msg m;
	char why[256];
	int ret;

	ret = iog_dump_groups_verify(&self->s, self->gs, &e);
	ASSERT_EQ(0, ret) TH_LOG("dump with VERIFY: %s (%s)", strerror(-ret), e.msg);
	ASSERT_EQ(0, gt_read_all(self->gt));
	ASSERT_EQ(self->gt->n, self->gs->n);
	for (int i = 0; i < self->gs->n; i++)
		ASSERT_EQ(0, cmp_group(&self->gs->g[i], &self->gt->g[i], why,
				       sizeof(why))) TH_LOG("%s", why);

	for (int i = 0; i < self->gt->n; i++) {
		iog_msg_init(&m, self->s.family, 0, IOGROUP_CMD_GROUP_GET,
			     IOGROUP_FAMILY_VERSION);
		iog_put_u32(&m, IOGROUP_A_GROUP_ID, self->gt->g[i].id);
		iog_put(&m, IOGROUP_A_GROUP_VERIFY, NULL, 0);
		ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
		ASSERT_EQ(0, ret) TH_LOG("get %u with VERIFY: %s (%s)",
					 self->gt->g[i].id, strerror(-ret), e.msg);
		ASSERT_EQ(1, self->gs2->n);
		ASSERT_EQ(0, cmp_group(&self->gs2->g[0], &self->gt->g[i], why,
				       sizeof(why))) TH_LOG("%s", why);
	}

	/* a flag with a payload is malformed */
	iog_msg_init(&m, self->s.family, 0, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	iog_put_u32(&m, IOGROUP_A_GROUP_ID, self->gt->g[0].id);
	iog_put(&m, IOGROUP_A_GROUP_VERIFY, &junk, sizeof(junk));
	ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
	ASSERT_REFUSED_POLICY(ret, e);
}

/* ------------------------------------------------ malformed requests */

TEST_F(nl, unknown_group_enoent)
{
	unsigned int ids[] = { self->gt->g[self->gt->n - 1].id + 1000, 0xffffffffu };
	struct iog_err e;
	int ret;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char p[64];
		struct stat st;

		snprintf(p, sizeof(p), GT_GROUPS_DIR "/%u", ids[i]);
		ASSERT_NE(0, stat(p, &st));
		ret = iog_get_group_by_id(&self->s, ids[i], self->gs2, &e);
		ASSERT_REFUSED(ret, e, ENOENT);
		ASSERT_EQ(0, self->gs2->n) TH_LOG("a reply for group %u", ids[i]);
	}
}

TEST_F(nl, unknown_device_enodev)
{
	const char *names[] = { "0000:ff:1f.7", "nosuchdevice" };
	struct iog_err e;
	int ret;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char p[PATH_MAX];
		struct stat st;

		gt_dev_path(p, sizeof(p), names[i], "");
		ASSERT_NE(0, stat(p, &st));
		ret = iog_get_group_by_name(&self->s, names[i], self->gs2, &e);
		ASSERT_REFUSED(ret, e, ENODEV);
		ASSERT_EQ(0, self->gs2->n);
	}
}

/* A device that exists but is in no IOMMU group: ENODEV too. */
TEST_F(nl, groupless_device_enodev)
{
	const char *buses[] = { "platform", "pnp", "serio", "acpi" };
	char name[256] = "";
	struct iog_err e;
	int ret;

	for (size_t i = 0; i < sizeof(buses) / sizeof(buses[0]) && !name[0]; i++) {
		char p[PATH_MAX], q[PATH_MAX + 300];
		struct dirent *de;
		struct stat st;
		DIR *dir;

		snprintf(p, sizeof(p), "/sys/bus/%s/devices", buses[i]);
		dir = opendir(p);
		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			if (de->d_name[0] == '.' ||
			    strlen(de->d_name) >= IOGROUP_DEVICE_NAME_MAX)
				continue;
			snprintf(q, sizeof(q), "%s/%s/iommu_group", p, de->d_name);
			if (lstat(q, &st) == 0)
				continue;
			snprintf(name, sizeof(name), "%s", de->d_name);
			break;
		}
		closedir(dir);
	}
	if (!name[0])
		SKIP(return, "no device outside IOMMU groups found");
	TH_LOG("using %s", name);
	ret = iog_get_group_by_name(&self->s, name, self->gs2, &e);
	ASSERT_REFUSED(ret, e, ENODEV);
}

TEST_F(nl, id_and_name_einval)
{
	const char *dev = self->gt->g[0].dev[0].name;
	struct iog_err e;
	struct iog_msg m;
	int ret;

	iog_msg_init(&m, self->s.family, 0, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	iog_put_u32(&m, IOGROUP_A_GROUP_ID, self->gt->g[0].id);
	iog_put_str(&m, IOGROUP_A_GROUP_DEVICE_NAME, dev);
	ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
	ASSERT_REFUSED(ret, e, EINVAL);
	ASSERT_EQ(0, self->gs2->n);
}

TEST_F(nl, neither_id_nor_name_einval)
{
	struct iog_err e;
	struct iog_msg m;
	int ret;

	iog_msg_init(&m, self->s.family, 0, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
	ASSERT_REFUSED(ret, e, EINVAL);
	ASSERT_EQ(0, self->gs2->n);
}

/* GROUP_ID is a u32: 1, 2 and 8 byte payloads are refused. */
TEST_F(nl, group_id_wrong_length)
{
	uint64_t v = self->gt->g[0].id;
	size_t lens[] = { 1, 2, 8, 0 };
	struct iog_err e;
	struct iog_msg m;
	int ret;

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		iog_msg_init(&m, self->s.family, 0, IOGROUP_CMD_GROUP_GET,
			     IOGROUP_FAMILY_VERSION);
		iog_put(&m, IOGROUP_A_GROUP_ID, &v, lens[i]);
		ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
		TH_LOG("GROUP_ID of %zu bytes: %d '%s'", lens[i], ret, e.msg);
		ASSERT_REFUSED_POLICY(ret, e);
		ASSERT_EQ(0, self->gs2->n);
	}
}

/* Strict validation: NLA_F_NESTED on a u32 is refused. */
TEST_F(nl, group_id_nested_flag_einval)
{
	uint32_t v = self->gt->g[0].id;
	struct iog_err e;
	struct iog_msg m;
	int ret;

	iog_msg_init(&m, self->s.family, 0, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	iog_put(&m, IOGROUP_A_GROUP_ID | NLA_F_NESTED, &v, sizeof(v));
	ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
	ASSERT_REFUSED(ret, e, EINVAL);
}

TEST_F(nl, name_without_nul)
{
	const char *dev = self->gt->g[0].dev[0].name;
	struct iog_err e;
	struct iog_msg m;
	int ret;

	iog_msg_init(&m, self->s.family, 0, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	/* an existing device's name, without its NUL */
	iog_put(&m, IOGROUP_A_GROUP_DEVICE_NAME, dev, strlen(dev));
	ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
	ASSERT_REFUSED_POLICY(ret, e);
	ASSERT_EQ(0, self->gs2->n);
}

/* IOGROUP_DEVICE_NAME_MAX counts the NUL: one more byte is refused. */
TEST_F(nl, name_length_limit)
{
	char name[IOGROUP_DEVICE_NAME_MAX + 8];
	struct iog_err e;
	int ret;

	/* longest allowed: accepted by the policy, then no such device */
	memset(name, 'x', sizeof(name));
	name[IOGROUP_DEVICE_NAME_MAX - 1] = '\0';
	ret = iog_get_group_by_name(&self->s, name, self->gs2, &e);
	ASSERT_REFUSED(ret, e, ENODEV);

	/* one byte too long */
	memset(name, 'x', sizeof(name));
	name[IOGROUP_DEVICE_NAME_MAX] = '\0';
	ret = iog_get_group_by_name(&self->s, name, self->gs2, &e);
	ASSERT_REFUSED_POLICY(ret, e);

	/* much too long */
	memset(name, 'x', sizeof(name));
	name[sizeof(name) - 1] = '\0';
	ret = iog_get_group_by_name(&self->s, name, self->gs2, &e);
	ASSERT_REFUSED_POLICY(ret, e);
}

TEST_F(nl, empty_name_refused)
{
	struct iog_err e;
	int ret;

	ret = iog_get_group_by_name(&self->s, "", self->gs2, &e);
	ASSERT_TRUE(ret == -EINVAL || ret == -ERANGE || ret == -ENODEV)
		TH_LOG("empty name: %d (%s)", ret, e.msg);
	ASSERT_NE(0, strlen(e.msg));
}

/* Strict policy: an attribute type beyond IOGROUP_A_GROUP_MAX. */
TEST_F(nl, unknown_attr_do_einval)
{
	uint32_t v = self->gt->g[0].id;
	struct iog_err e;
	struct iog_msg m;
	int ret;

	iog_msg_init(&m, self->s.family, 0, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	iog_put_u32(&m, IOGROUP_A_GROUP_ID, v);
	iog_put_u32(&m, IOGROUP_A_GROUP_MAX + 1, 0);
	ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
	ASSERT_REFUSED(ret, e, EINVAL);
	ASSERT_EQ(0, self->gs2->n);
}

TEST_F(nl, unknown_attr_dump_einval)
{
	struct iog_err e;
	struct iog_msg m;
	int ret;

	iog_msg_init(&m, self->s.family, NLM_F_DUMP, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	iog_put_u32(&m, IOGROUP_A_GROUP_MAX + 1, 0);
	ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
	ASSERT_REFUSED(ret, e, EINVAL);
	ASSERT_EQ(0, self->gs2->n);
}

/*
 * A dump narrowed by group id or device name holds exactly that group (the
 * last one of sysfs: not the first a plain dump would send anyway), and
 * nothing when the filter matches no group.
 */
TEST_F(nl, dump_filters)
{
	const struct gt_group *last = &self->gt->g[self->gt->n - 1];
	struct iog_err e;
	struct iog_msg m;
	int ret;

	iog_msg_init(&m, self->s.family, NLM_F_DUMP, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	iog_put_u32(&m, IOGROUP_A_GROUP_ID, last->id);
	ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
	ASSERT_EQ(0, ret) TH_LOG("dump by id: %s (%s)", strerror(-ret), e.msg);
	ASSERT_EQ(1, self->gs2->n);
	EXPECT_EQ(last->id, self->gs2->g[0].id);

	iog_msg_init(&m, self->s.family, NLM_F_DUMP, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	iog_put_str(&m, IOGROUP_A_GROUP_DEVICE_NAME, last->dev[last->ndev - 1].name);
	ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
	ASSERT_EQ(0, ret) TH_LOG("dump by name: %s (%s)", strerror(-ret), e.msg);
	ASSERT_EQ(1, self->gs2->n);
	EXPECT_EQ(last->id, self->gs2->g[0].id);

	iog_msg_init(&m, self->s.family, NLM_F_DUMP, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	iog_put_str(&m, IOGROUP_A_GROUP_DEVICE_NAME, "no-such-device");
	ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
	ASSERT_EQ(0, ret) TH_LOG("dump by unknown name: %s (%s)", strerror(-ret),
				 e.msg);
	EXPECT_EQ(0, self->gs2->n);
}

/* Bytes left after the last attribute (strict: no trailing data). */
TEST_F(nl, trailing_garbage_einval)
{
	uint32_t v = self->gt->g[0].id;
	struct iog_err e;
	struct iog_msg m;
	int ret;

	iog_msg_init(&m, self->s.family, 0, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	iog_put_u32(&m, IOGROUP_A_GROUP_ID, v);
	iog_put_bytes(&m, "\x01\x02", 2);
	ret = iog_get_group_msg(&self->s, &m, self->gs2, &e);
	ASSERT_REFUSED(ret, e, EINVAL);
}

/*
 * Unknown command numbers: the genetlink core answers EOPNOTSUPP (6.1's
 * core sets no extack text for it, so only the errno is asserted).
 */
TEST_F(nl, unknown_command_eopnotsupp)
{
	uint8_t cmds[] = { IOGROUP_CMD_UNSPEC, IOGROUP_CMD_MAX + 1, 0xff };
	struct iog_err e;
	struct iog_msg m;
	int ret;

	for (size_t i = 0; i < sizeof(cmds); i++) {
		iog_msg_init(&m, self->s.family, 0, cmds[i], IOGROUP_FAMILY_VERSION);
		ret = iog_request(&self->s, &m, NULL, NULL, &e);
		ASSERT_EQ(-EOPNOTSUPP, ret)
			TH_LOG("cmd %u: %d (%s) '%s'", cmds[i], ret,
			       ret < 0 ? strerror(-ret) : "success", e.msg);
	}
	/* EVENT is a notification, not a request: refused one way or another */
	iog_msg_init(&m, self->s.family, 0, IOGROUP_CMD_EVENT, IOGROUP_FAMILY_VERSION);
	ret = iog_request(&self->s, &m, NULL, NULL, &e);
	ASSERT_GT(0, ret) TH_LOG("CMD_EVENT accepted as a request");
}

/* STATS_GET is do-only: a dump request is refused by the core. */
TEST_F(nl, stats_dump_eopnotsupp)
{
	struct iog_err e;
	struct iog_msg m;
	int ret;

	iog_msg_init(&m, self->s.family, NLM_F_DUMP, IOGROUP_CMD_STATS_GET,
		     IOGROUP_FAMILY_VERSION);
	ret = iog_request(&self->s, &m, NULL, NULL, &e);
	ASSERT_EQ(-EOPNOTSUPP, ret) TH_LOG("%d '%s'", ret, e.msg);
}

/* ------------------------------------------------------------ stats */

TEST_F(nl, stats_all_counters)
{
	struct iog_stats st;
	struct iog_err e;
	char hooks[512], *tok, *save, ring[32];
	int ret, nhooks = 0;

	ret = iog_get_stats(&self->s, &st, &e);
	ASSERT_EQ(0, ret) TH_LOG("stats: %s (%s)", strerror(-ret), e.msg);
	ASSERT_EQ(1, st.replies);
	ASSERT_FALSE(st.bad_cmd);
	for (int t = 1; t <= IOGROUP_A_STATS_MAX; t++) {
		int want;

		switch (t) {
		case IOGROUP_A_STATS_PAD:
			continue;
		case IOGROUP_A_STATS_HOOKS:
			want = -2;	/* string */
			break;
		case IOGROUP_A_STATS_DRIFT_GROUPS:
		case IOGROUP_A_STATS_GROUPS:
		case IOGROUP_A_STATS_DEVICES:
		case IOGROUP_A_STATS_CLAIMS:
			want = 4;
			break;
		default:
			want = 8;
		}
		ASSERT_NE(-1, st.len[t]) TH_LOG("stats attribute %d missing", t);
		if (want > 0)
			ASSERT_EQ(want, st.len[t])
				TH_LOG("stats attribute %d: %d bytes, want %d", t,
				       st.len[t], want);
	}
	ASSERT_NE(0, strlen(st.hooks)) TH_LOG("HOOKS empty or not a string");
	ASSERT_EQ(0, gt_read_all(self->gt));
	ASSERT_EQ((uint64_t)self->gt->n, st.u64[IOGROUP_A_STATS_GROUPS])
		TH_LOG("stats groups %llu, sysfs %d",
		       (unsigned long long)st.u64[IOGROUP_A_STATS_GROUPS], self->gt->n);
	ASSERT_EQ((uint64_t)self->gt->ndevs, st.u64[IOGROUP_A_STATS_DEVICES])
		TH_LOG("stats devices %llu, sysfs %u",
		       (unsigned long long)st.u64[IOGROUP_A_STATS_DEVICES],
		       self->gt->ndevs);
	ASSERT_EQ(0, st.u64[IOGROUP_A_STATS_DRIFT_GROUPS]);
	/* nothing claimed through iogroup by these tests */
	ASSERT_EQ(0, st.u64[IOGROUP_A_STATS_CLAIMS]);
	ASSERT_LE(st.u64[IOGROUP_A_STATS_AUTO_RELEASES],
		  st.u64[IOGROUP_A_STATS_CLAIMS_TOTAL]);
	ASSERT_LE(st.u64[IOGROUP_A_STATS_PROBE_BOUND] +
		  st.u64[IOGROUP_A_STATS_PROBE_FAILED],
		  st.u64[IOGROUP_A_STATS_PROBE_HITS]);
	ASSERT_LE(st.u64[IOGROUP_A_STATS_DRIFT_FOUND],
		  st.u64[IOGROUP_A_STATS_DRIFT_CHECKS]);
	ASSERT_LT(0, st.u64[IOGROUP_A_STATS_BYTES]);
	ASSERT_EQ(st.u64[IOGROUP_A_STATS_BYTES],
		  st.u64[IOGROUP_A_STATS_GROUP_BYTES] +
		  st.u64[IOGROUP_A_STATS_DEVICE_BYTES]);
	/* at least the structures' own sizes, per group and per device */
	ASSERT_LE(st.u64[IOGROUP_A_STATS_GROUPS] * 64,
		  st.u64[IOGROUP_A_STATS_GROUP_BYTES]);
	ASSERT_LE(st.u64[IOGROUP_A_STATS_DEVICES] * 64,
		  st.u64[IOGROUP_A_STATS_DEVICE_BYTES]);
	/* the event ring: event_ring slots of one event each */
	ASSERT_EQ(0, gt_read("/sys/module/iogroup/parameters/event_ring",
			     ring, sizeof(ring)));
	ASSERT_LT(0, atoi(ring));
	ASSERT_EQ(0, st.u64[IOGROUP_A_STATS_RING_BYTES] % atoi(ring));
	ASSERT_LE((uint64_t)atoi(ring) * 64, st.u64[IOGROUP_A_STATS_RING_BYTES]);
	/* every hook is a kernel function (ground truth: /proc/kallsyms) */
	snprintf(hooks, sizeof(hooks), "%s", st.hooks);
	for (tok = strtok_r(hooks, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		char sym[256];

		snprintf(sym, sizeof(sym), "%s", tok);
		sym[strcspn(sym, "+(")] = '\0';
		ASSERT_TRUE(in_kallsyms(sym))
			TH_LOG("hook '%s' (from '%s') is not in /proc/kallsyms",
			       sym, st.hooks);
		nhooks++;
	}
	ASSERT_LT(0, nhooks);
	TH_LOG("hooks: %s", st.hooks);
}

/* ---------------------------------------------------- unprivileged */

static int unpriv_child(const struct gt *gt)
{
	static struct iog_groups gs;
	struct iog_stats st;
	struct iog_sock s;
	struct iog_err e;
	int ret;

	if (setgroups(0, NULL) || setgid(UNPRIV_UID) || setuid(UNPRIV_UID))
		return 10;
	if (geteuid() != UNPRIV_UID || getegid() != UNPRIV_UID)
		return 11;
	ret = iog_open(&s, &e);
	if (ret) {
		fprintf(stderr, "# uid %d: resolve: %s (%s)\n", UNPRIV_UID,
			strerror(-ret), e.msg);
		return 12;
	}
	ret = iog_dump_groups(&s, &gs, &e);
	if (ret) {
		fprintf(stderr, "# uid %d: dump: %s (%s)\n", UNPRIV_UID,
			strerror(-ret), e.msg);
		return 13;
	}
	if (gs.n != gt->n) {
		fprintf(stderr, "# uid %d: dump has %d groups, sysfs %d\n",
			UNPRIV_UID, gs.n, gt->n);
		return 14;
	}
	for (int i = 0; i < gs.n; i++) {
		if (gs.g[i].id != gt->g[i].id || gs.g[i].ndev != gt->g[i].ndev) {
			fprintf(stderr, "# uid %d: group %u/%u differs from sysfs\n",
				UNPRIV_UID, gs.g[i].id, gt->g[i].id);
			return 15;
		}
	}
	ret = iog_get_group_by_id(&s, gt->g[0].id, &gs, &e);
	if (ret || gs.n != 1 || gs.g[0].id != gt->g[0].id) {
		fprintf(stderr, "# uid %d: get: %d (%s)\n", UNPRIV_UID, ret, e.msg);
		return 16;
	}
	ret = iog_get_stats(&s, &st, &e);
	if (ret) {
		fprintf(stderr, "# uid %d: stats: %d (%s)\n", UNPRIV_UID, ret, e.msg);
		return 17;
	}
	/* anyone may listen to the events */
	ret = iog_subscribe(&s);
	if (ret) {
		fprintf(stderr, "# uid %d: join '%s': %s\n", UNPRIV_UID,
			IOGROUP_MCGRP_EVENTS, strerror(-ret));
		return 18;
	}
	iog_close(&s);
	/* but claiming needs CAP_SYS_ADMIN */
	ret = iog_open(&s, &e);
	if (ret)
		return 12;
	for (uint8_t cmd = IOGROUP_CMD_CLAIM; cmd <= IOGROUP_CMD_RELEASE; cmd++) {
		struct iog_msg m;

		iog_msg_init(&m, s.family, 0, cmd, IOGROUP_FAMILY_VERSION);
		iog_put_u32(&m, IOGROUP_A_GROUP_ID, gt->g[0].id);
		ret = iog_request(&s, &m, NULL, NULL, &e);
		if (ret != -EPERM) {
			fprintf(stderr, "# uid %d: cmd %u: %d (%s), want EPERM\n",
				UNPRIV_UID, cmd, ret, e.msg);
			return 19;
		}
	}
	iog_close(&s);
	return 0;
}

TEST_F(nl, unprivileged_queries)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, geteuid()) TH_LOG("run as root: the test drops to uid %d",
				       UNPRIV_UID);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unpriv_child(self->gt));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("unprivileged child failed at step %d (10-11: drop, 12: resolve, "
		       "13: dump, 14-15: dump vs sysfs, 16: get, 17: stats, "
		       "18: join events, 19: CLAIM/RELEASE not EPERM)",
		       WEXITSTATUS(status));
}

/* ------------------------------------------------ bind and unbind */

/*
 * Slack of an event's timestamp (CLOCK_BOOTTIME, boot_ns()): it may be
 * stamped up to a scheduler tick off (the hook notes its CPU's scheduler
 * clock, the worker turns that into boottime on its own CPU).
 */
#define TS_SLACK_NS	(10 * 1000 * 1000ULL)

/* An event's timestamp lies within [t0, t1], the sysfs write of `what`. */
static void expect_ts_within(struct __test_metadata *_metadata, uint64_t ts,
			     uint64_t t0, uint64_t t1, const char *what)
{
	EXPECT_LE(t0 - TS_SLACK_NS, ts)
		TH_LOG("event at %llu ns, the %s began at %llu ns",
		       (unsigned long long)ts, what, (unsigned long long)t0);
	EXPECT_GE(t1 + TS_SLACK_NS, ts)
		TH_LOG("event at %llu ns, the %s ended at %llu ns",
		       (unsigned long long)ts, what, (unsigned long long)t1);
}

/* The e1000e NIC bound to e1000e (loading the driver if needed). */
static int find_nic(char *dev, size_t sz)
{
	if (find_bound("e1000e", dev, sz) == 0)
		return 0;
	run("modprobe e1000e");
	if (find_bound("e1000e", dev, sz) == 0)
		return 0;
	/* present but unbound: bind it */
	if (gt_find_pci(0x8086, 0x10d3, "", 0, dev, sz) == 0 &&
	    drv_write("e1000e", "bind", dev) == 0)
		return 0;
	return -ENOENT;
}

static const struct iog_group *dump_group(struct iog_sock *s, struct iog_groups *gs,
					  uint32_t id, int *ret, struct iog_err *e)
{
	*ret = iog_dump_groups(s, gs, e);
	if (*ret)
		return NULL;
	return iog_find_group(gs, id);
}

TEST_F_TIMEOUT(nl, unbind_bind_events, 120)
{
	const struct iog_group *g0, *g;
	const struct gt_group *tg;
	struct iog_event ev;
	struct iog_sock w;
	struct iog_err e;
	char nic[64], cur[64], seq_err[128] = "", why[256];
	uint64_t last_seq = 0, gen0, t0, t1;
	bool have_seq = false;
	uint32_t ku0;
	int grp, ret;

	if (find_nic(nic, sizeof(nic)))
		SKIP(return, "no e1000e NIC bound to e1000e");
	grp = gt_dev_group(nic);
	ASSERT_LE(0, grp) TH_LOG("%s has no iommu_group link", nic);
	TH_LOG("NIC %s in group %d", nic, grp);

	ret = open_family(&w, &e);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, iog_subscribe(&w));
	iog_drain_events(&w);

	g0 = dump_group(&self->s, self->gs, grp, &ret, &e);
	ASSERT_EQ(0, ret) TH_LOG("dump: %s (%s)", strerror(-ret), e.msg);
	ASSERT_NE(NULL, g0) TH_LOG("group %d not in the dump", grp);
	ASSERT_TRUE(g0->has_kernel_users && g0->has_generation);
	ku0 = g0->kernel_users;
	gen0 = g0->generation;
	ASSERT_LT(0, ku0) TH_LOG("group %d has a bound e1000e but no kernel user", grp);

	/* unbind */
	snprintf(self->rebind_dev, sizeof(self->rebind_dev), "%s", nic);
	snprintf(self->rebind_drv, sizeof(self->rebind_drv), "e1000e");
	t0 = boot_ns();
	ASSERT_EQ(0, drv_write("e1000e", "unbind", nic));
	t1 = boot_ns();
	gt_dev_driver(nic, cur, sizeof(cur));
	ASSERT_STREQ("", cur) TH_LOG("sysfs still shows %s bound to %s", nic, cur);

	ret = wait_event(&w, IOGROUP_EVENT_DEVICE_UNBOUND, nic, &ev, &last_seq,
			 &have_seq, seq_err, sizeof(seq_err));
	ASSERT_EQ(1, ret) TH_LOG("no DEVICE_UNBOUND event for %s within %d ms (%d)",
				 nic, EVENT_TIMEOUT_MS, ret);
	ASSERT_STREQ("", ev.bad);
	ASSERT_TRUE(ev.has_driver) TH_LOG("DEVICE_UNBOUND without DRIVER");
	ASSERT_STREQ("e1000e", ev.driver);
	ASSERT_TRUE(ev.has_group) TH_LOG("DEVICE_UNBOUND without GROUP_ID");
	ASSERT_EQ((uint32_t)grp, ev.group);
	ASSERT_TRUE(ev.has_ts);
	/* the unbind happened while the write ran (CLOCK_BOOTTIME) */
	expect_ts_within(_metadata, ev.ts, t0, t1, "unbind");
	ASSERT_STREQ("", seq_err);

	/* the dump follows: driver gone, one kernel user less */
	g = dump_group(&self->s, self->gs, grp, &ret, &e);
	ASSERT_EQ(0, ret) TH_LOG("dump: %s (%s)", strerror(-ret), e.msg);
	ASSERT_NE(NULL, g);
	ASSERT_NE(NULL, iog_group_dev(g, nic));
	ASSERT_FALSE(iog_group_dev(g, nic)->has_driver)
		TH_LOG("dump still shows driver '%s' on %s", iog_group_dev(g, nic)->driver, nic);
	ASSERT_FALSE(iog_group_dev(g, nic)->kernel_dma);
	ASSERT_EQ(ku0 - 1, g->kernel_users);
	ASSERT_NE(gen0, g->generation) TH_LOG("generation unchanged by an unbind");
	ASSERT_EQ(0, gt_read_all(self->gt));
	tg = gt_find_group(self->gt, grp);
	ASSERT_NE(NULL, tg);
	ASSERT_EQ(0, cmp_group(g, tg, why, sizeof(why))) TH_LOG("after unbind: %s", why);
	gen0 = g->generation;

	/* bind again */
	t0 = boot_ns();
	ASSERT_EQ(0, drv_write("e1000e", "bind", nic));
	t1 = boot_ns();
	gt_dev_driver(nic, cur, sizeof(cur));
	ASSERT_STREQ("e1000e", cur);
	ret = wait_event(&w, IOGROUP_EVENT_DEVICE_BOUND, nic, &ev, &last_seq,
			 &have_seq, seq_err, sizeof(seq_err));
	ASSERT_EQ(1, ret) TH_LOG("no DEVICE_BOUND event for %s within %d ms (%d)",
				 nic, EVENT_TIMEOUT_MS, ret);
	ASSERT_STREQ("", ev.bad);
	ASSERT_TRUE(ev.has_driver) TH_LOG("DEVICE_BOUND without DRIVER");
	ASSERT_STREQ("e1000e", ev.driver);
	ASSERT_TRUE(ev.has_group);
	ASSERT_EQ((uint32_t)grp, ev.group);
	ASSERT_TRUE(ev.has_ts);
	expect_ts_within(_metadata, ev.ts, t0, t1, "bind");
	ASSERT_STREQ("", seq_err);

	g = dump_group(&self->s, self->gs, grp, &ret, &e);
	ASSERT_EQ(0, ret);
	ASSERT_NE(NULL, g);
	ASSERT_NE(NULL, iog_group_dev(g, nic));
	ASSERT_TRUE(iog_group_dev(g, nic)->has_driver);
	ASSERT_STREQ("e1000e", iog_group_dev(g, nic)->driver);
	ASSERT_TRUE(iog_group_dev(g, nic)->kernel_dma);
	ASSERT_EQ(ku0, g->kernel_users);
	ASSERT_NE(gen0, g->generation) TH_LOG("generation unchanged by a bind");
	ASSERT_EQ(0, gt_read_all(self->gt));
	tg = gt_find_group(self->gt, grp);
	ASSERT_NE(NULL, tg);
	ASSERT_EQ(0, cmp_group(g, tg, why, sizeof(why))) TH_LOG("after bind: %s", why);
	iog_close(&w);
}

/* Counters follow an unbind + bind of the NIC. */
TEST_F_TIMEOUT(nl, stats_follow_bind, 120)
{
	struct iog_stats a, b;
	struct iog_event ev;
	struct iog_sock w;
	struct iog_err e;
	char nic[64], seq_err[128] = "";
	uint64_t last_seq = 0;
	bool have_seq = false;
	int ret, events = 0;

	if (find_nic(nic, sizeof(nic)))
		SKIP(return, "no e1000e NIC bound to e1000e");
	ASSERT_EQ(0, open_family(&w, &e));
	ASSERT_EQ(0, iog_subscribe(&w));
	iog_drain_events(&w);
	ret = iog_get_stats(&self->s, &a, &e);
	ASSERT_EQ(0, ret) TH_LOG("stats: %s (%s)", strerror(-ret), e.msg);

	snprintf(self->rebind_dev, sizeof(self->rebind_dev), "%s", nic);
	snprintf(self->rebind_drv, sizeof(self->rebind_drv), "e1000e");
	ASSERT_EQ(0, drv_write("e1000e", "unbind", nic));
	ASSERT_EQ(1, wait_event(&w, IOGROUP_EVENT_DEVICE_UNBOUND, nic, &ev,
				&last_seq, &have_seq, seq_err, sizeof(seq_err)));
	events++;
	ASSERT_EQ(0, drv_write("e1000e", "bind", nic));
	ASSERT_EQ(1, wait_event(&w, IOGROUP_EVENT_DEVICE_BOUND, nic, &ev,
				&last_seq, &have_seq, seq_err, sizeof(seq_err)));
	events++;
	ASSERT_STREQ("", seq_err);

	ret = iog_get_stats(&self->s, &b, &e);
	ASSERT_EQ(0, ret);
#define GREW(attr, by) \
	ASSERT_LE(a.u64[attr] + (by), b.u64[attr]) \
		TH_LOG(#attr " went from %llu to %llu, expected +%d at least", \
		       (unsigned long long)a.u64[attr], \
		       (unsigned long long)b.u64[attr], (by))
	GREW(IOGROUP_A_STATS_PROBE_HITS, 1);
	GREW(IOGROUP_A_STATS_PROBE_BOUND, 1);
	GREW(IOGROUP_A_STATS_RELEASE_HITS, 1);
	GREW(IOGROUP_A_STATS_EVENTS_SENT, events);
#undef GREW
	ASSERT_EQ(a.u64[IOGROUP_A_STATS_PROBE_FAILED], b.u64[IOGROUP_A_STATS_PROBE_FAILED]);
	ASSERT_EQ(a.u64[IOGROUP_A_STATS_GROUPS], b.u64[IOGROUP_A_STATS_GROUPS]);
	ASSERT_EQ(a.u64[IOGROUP_A_STATS_DEVICES], b.u64[IOGROUP_A_STATS_DEVICES]);
	iog_close(&w);
}

/* --------------------------------------------------- failed probe */

TEST_F_TIMEOUT(nl, bind_failed_errno, 120)
{
	const struct iog_group *g;
	const struct iog_dev *d;
	struct iog_stats a, b;
	struct iog_event ev;
	struct iog_sock w;
	struct iog_err e;
	char edu[64], p[PATH_MAX], cur[64], buf[64], seq_err[128] = "";
	uint64_t last_seq = 0;
	bool have_seq = false;
	int grp, ret, werr;

	run("modprobe virtio_pci");
	if (access("/sys/bus/pci/drivers/virtio-pci/bind", W_OK))
		SKIP(return, "no virtio-pci driver (modprobe virtio_pci failed)");
	if (gt_find_pci(0x1234, 0x11e8, "", 0, edu, sizeof(edu)))
		SKIP(return, "no unbound QEMU edu device (1234:11e8)");
	grp = gt_dev_group(edu);
	ASSERT_LE(0, grp);
	TH_LOG("edu %s in group %d", edu, grp);

	ASSERT_EQ(0, open_family(&w, &e));
	ASSERT_EQ(0, iog_subscribe(&w));
	iog_drain_events(&w);
	ASSERT_EQ(0, iog_get_stats(&self->s, &a, &e));

	gt_dev_path(p, sizeof(p), edu, "driver_override");
	snprintf(self->override_dev, sizeof(self->override_dev), "%s", edu);
	ASSERT_EQ(0, gt_write(p, "virtio-pci"));
	ret = drv_write("virtio-pci", "bind", edu);
	ASSERT_GT(0, ret) TH_LOG("binding virtio-pci to an edu device succeeded?");
	werr = -ret;
	TH_LOG("bind write failed with %s", strerror(werr));
	/* virtio_pci_probe refuses non-virtio device ids */
	EXPECT_EQ(ENODEV, werr);
	gt_dev_driver(edu, cur, sizeof(cur));
	ASSERT_STREQ("", cur);

	ret = wait_event(&w, IOGROUP_EVENT_BIND_FAILED, edu, &ev, &last_seq,
			 &have_seq, seq_err, sizeof(seq_err));
	ASSERT_EQ(1, ret) TH_LOG("no BIND_FAILED event for %s within %d ms",
				 edu, EVENT_TIMEOUT_MS);
	ASSERT_STREQ("", ev.bad);
	ASSERT_TRUE(ev.has_errno) TH_LOG("BIND_FAILED without ERRNO");
	ASSERT_EQ((uint32_t)werr, ev.err)
		TH_LOG("event errno %u, the bind write failed with %d", ev.err, werr);
	ASSERT_TRUE(ev.has_driver);
	ASSERT_STREQ("virtio-pci", ev.driver);
	ASSERT_TRUE(ev.has_group);
	ASSERT_EQ((uint32_t)grp, ev.group);
	ASSERT_STREQ("", seq_err);

	g = dump_group(&self->s, self->gs, grp, &ret, &e);
	ASSERT_EQ(0, ret);
	ASSERT_NE(NULL, g);
	d = iog_group_dev(g, edu);
	ASSERT_NE(NULL, d);
	ASSERT_FALSE(d->has_driver);
	ASSERT_TRUE(d->has_last_errno) TH_LOG("no LAST_ERRNO on %s", edu);
	ASSERT_EQ((uint32_t)werr, d->last_errno);
	ASSERT_TRUE(d->has_failed_driver) TH_LOG("no LAST_FAILED_DRIVER on %s", edu);
	ASSERT_STREQ("virtio-pci", d->failed_driver);

	ASSERT_EQ(0, iog_get_stats(&self->s, &b, &e));
	ASSERT_LT(a.u64[IOGROUP_A_STATS_PROBE_HITS], b.u64[IOGROUP_A_STATS_PROBE_HITS]);
	ASSERT_LT(a.u64[IOGROUP_A_STATS_PROBE_FAILED], b.u64[IOGROUP_A_STATS_PROBE_FAILED]);
	ASSERT_EQ(a.u64[IOGROUP_A_STATS_PROBE_BOUND], b.u64[IOGROUP_A_STATS_PROBE_BOUND]);

	/* restore */
	ASSERT_EQ(0, gt_write(p, "\n"));
	ASSERT_EQ(0, gt_read(p, buf, sizeof(buf)));
	ASSERT_STREQ("(null)", buf);
	self->override_dev[0] = '\0';
	iog_close(&w);
}

/* ---------------------------------------------------------- claims */

/* Groups nobody uses: every device unbound and no bridge (sysfs). */
static int find_free_groups(const struct gt *gt, uint32_t *ids, int max)
{
	int n = 0;

	for (int i = 0; i < gt->n && n < max; i++) {
		bool ok = gt->g[i].ndev > 0;

		for (int j = 0; j < gt->g[i].ndev; j++)
			if (gt->g[i].dev[j].has_driver || gt->g[i].dev[j].bridge)
				ok = false;
		if (ok)
			ids[n++] = gt->g[i].id;
	}
	return n;
}

static void self_comm(char *buf, size_t sz)
{
	if (gt_read("/proc/self/comm", buf, sz))
		buf[0] = '\0';
}

/* Group `id` as dumped now, compared with sysfs for the owner `kind`. */
static int check_owner(struct iog_sock *s, struct iog_groups *gs, struct gt *gt,
		       uint32_t id, int kind, const struct iog_group **gp,
		       char *why, size_t sz)
{
	const struct gt_group *tg;
	struct iog_err e;
	int ret;

	*gp = dump_group(s, gs, id, &ret, &e);
	if (ret || !*gp) {
		snprintf(why, sz, "dump: %d (%.160s), group %u %s", ret, e.msg, id,
			 *gp ? "" : "missing");
		return -1;
	}
	if (gt_read_all(gt) || !(tg = gt_find_group(gt, id))) {
		snprintf(why, sz, "sysfs group %u unreadable", id);
		return -1;
	}
	return cmp_group_owner(*gp, tg, kind, why, sz);
}

TEST_F(nl, claim_errors)
{
	uint32_t free_ids[2], bad = self->gt->g[self->gt->n - 1].id + 1000;
	const struct iog_group *g;
	struct iog_sock s2;
	struct iog_err e;
	struct iog_msg m;
	char nic[64] = "", cur[64], why[256];
	int ret;

	if (find_free_groups(self->gt, free_ids, 2) < 1)
		SKIP(return, "no group without drivers");

	for (uint8_t cmd = IOGROUP_CMD_CLAIM; cmd <= IOGROUP_CMD_RELEASE; cmd++) {
		iog_msg_init(&m, self->s.family, 0, cmd, IOGROUP_FAMILY_VERSION);
		ret = iog_request(&self->s, &m, NULL, NULL, &e);
		ASSERT_MISSING(ret, e, IOGROUP_A_GROUP_ID);
		if (!e.msg[0])
			TH_LOG("note: cmd %u without GROUP_ID: MISS_TYPE but no message",
			       cmd);
	}

	ret = iog_claim_req(&self->s, IOGROUP_CMD_CLAIM, bad, false, 0, &e);
	ASSERT_REFUSED(ret, e, ENOENT);

	ret = iog_claim_req(&self->s, IOGROUP_CMD_CLAIM, free_ids[0], true, 1u << 31, &e);
	ASSERT_REFUSED(ret, e, EOPNOTSUPP);
	ASSERT_EQ(0, check_owner(&self->s, self->gs, self->gt, free_ids[0], -1,
				 &g, why, sizeof(why))) TH_LOG("after a refused claim: %s", why);

	ret = iog_claim_req(&self->s, IOGROUP_CMD_RELEASE, free_ids[0], false, 0, &e);
	ASSERT_REFUSED(ret, e, ENOENT);

	/* a kernel DMA-API driver is bound: EBUSY naming it, nothing changed */
	if (find_nic(nic, sizeof(nic)) == 0) {
		int grp = gt_dev_group(nic);

		ret = iog_claim_req(&self->s, IOGROUP_CMD_CLAIM, grp, false, 0, &e);
		ASSERT_REFUSED(ret, e, EBUSY);
		ASSERT_NE(NULL, strstr(e.msg, nic)) TH_LOG("extack '%s' lacks %s", e.msg, nic);
		ASSERT_NE(NULL, strstr(e.msg, "e1000e")) TH_LOG("extack '%s' lacks the driver", e.msg);
		gt_dev_driver(nic, cur, sizeof(cur));
		ASSERT_STREQ("e1000e", cur);
		ASSERT_EQ(0, check_owner(&self->s, self->gs, self->gt, grp, -1,
					 &g, why, sizeof(why))) TH_LOG("%s", why);
	}

	/* claimed once, not twice */
	ret = iog_claim_req(&self->s, IOGROUP_CMD_CLAIM, free_ids[0], false, 0, &e);
	ASSERT_EQ(0, ret) TH_LOG("claim %u: %s (%s)", free_ids[0], strerror(-ret), e.msg);
	ASSERT_EQ(0, open_family(&s2, &e));
	ret = iog_claim_req(&s2, IOGROUP_CMD_CLAIM, free_ids[0], false, 0, &e);
	iog_close(&s2);
	ASSERT_REFUSED(ret, e, EBUSY);
	ret = iog_claim_req(&self->s, IOGROUP_CMD_RELEASE, free_ids[0], false, 0, &e);
	ASSERT_EQ(0, ret) TH_LOG("release: %s (%s)", strerror(-ret), e.msg);
	ret = iog_claim_req(&self->s, IOGROUP_CMD_RELEASE, free_ids[0], false, 0, &e);
	ASSERT_REFUSED(ret, e, ENOENT);
	ASSERT_EQ(0, check_owner(&self->s, self->gs, self->gt, free_ids[0], -1,
				 &g, why, sizeof(why))) TH_LOG("after release: %s", why);
}

/*
 * Claim the NIC's group with UNBIND|RESTORE: e1000e is unbound (sysfs),
 * can't bind again (the write fails, BIND_FAILED says why), pci-stub
 * (driver_managed_dma) still can; RELEASE binds e1000e again.
 */
TEST_F_TIMEOUT(nl, claim_unbind_restore, 120)
{
	const struct iog_group *g;
	struct iog_stats a, b;
	struct iog_event ev;
	struct iog_sock w;
	struct iog_err e;
	char nic[64], cur[64], comm[32], p[PATH_MAX], why[256], seq_err[128] = "";
	char want_unbound[160];
	uint64_t last_seq = 0;
	bool have_seq = false;
	int grp, ret, werr;

	if (find_nic(nic, sizeof(nic)))
		SKIP(return, "no e1000e NIC bound to e1000e");
	grp = gt_dev_group(nic);
	ASSERT_LE(0, grp);
	ASSERT_EQ(0, open_family(&w, &e));
	ASSERT_EQ(0, iog_subscribe(&w));
	iog_drain_events(&w);
	ASSERT_EQ(0, iog_get_stats(&self->s, &a, &e));

	snprintf(self->rebind_dev, sizeof(self->rebind_dev), "%s", nic);
	snprintf(self->rebind_drv, sizeof(self->rebind_drv), "e1000e");
	ret = iog_claim_req(&self->s, IOGROUP_CMD_CLAIM, grp, true,
			IOGROUP_CLAIM_F_UNBIND | IOGROUP_CLAIM_F_RESTORE, &e);
	ASSERT_EQ(0, ret) TH_LOG("claim %d: %s (%s)", grp, strerror(-ret), e.msg);
	gt_dev_driver(nic, cur, sizeof(cur));
	ASSERT_STREQ("", cur) TH_LOG("claim with UNBIND left %s bound to %s", nic, cur);

	ret = wait_event(&w, IOGROUP_EVENT_DEVICE_UNBOUND, nic, &ev, &last_seq,
			 &have_seq, seq_err, sizeof(seq_err));
	ASSERT_EQ(1, ret) TH_LOG("no DEVICE_UNBOUND for %s", nic);
	ASSERT_STREQ("e1000e", ev.driver);
	ret = wait_event_grp(&w, IOGROUP_EVENT_OWNER_CHANGED, NULL, grp, &ev,
			     &last_seq, &have_seq, seq_err, sizeof(seq_err));
	ASSERT_EQ(1, ret) TH_LOG("no OWNER_CHANGED for group %d", grp);
	/* the last owner change is to iogroup (kernel -> none -> iogroup ok) */
	while (ev.owner != IOGROUP_OWNER_IOGROUP &&
	       wait_event_grp(&w, IOGROUP_EVENT_OWNER_CHANGED, NULL, grp, &ev,
			      &last_seq, &have_seq, seq_err, sizeof(seq_err)) == 1)
		;
	ASSERT_TRUE(ev.has_owner);
	ASSERT_EQ(IOGROUP_OWNER_IOGROUP, ev.owner);
	ASSERT_TRUE(ev.has_pid);
	ASSERT_EQ((uint32_t)getpid(), ev.pid);

	ASSERT_EQ(0, check_owner(&self->s, self->gs, self->gt, grp, IOGROUP_OWNER_IOGROUP,
				 &g, why, sizeof(why))) TH_LOG("claimed: %s", why);
	ASSERT_EQ(0, g->kernel_users);
	ASSERT_TRUE(g->owner.has_pid);
	ASSERT_EQ((uint32_t)getpid(), g->owner.pid);
	self_comm(comm, sizeof(comm));
	ASSERT_TRUE(g->owner.has_comm);
	ASSERT_STREQ(comm, g->owner.comm);
	ASSERT_TRUE(g->owner.restore);
	ASSERT_FALSE(g->owner.persistent);
	ASSERT_EQ(1, g->owner.nunbound);
	snprintf(want_unbound, sizeof(want_unbound), "%s e1000e", nic);
	ASSERT_STREQ(want_unbound, g->owner.unbound[0]);

	/* e1000e may not bind: the write fails and BIND_FAILED says so */
	ret = drv_write("e1000e", "bind", nic);
	ASSERT_GT(0, ret) TH_LOG("e1000e bound to %s in a claimed group", nic);
	werr = -ret;
	TH_LOG("e1000e bind refused with %s", strerror(werr));
	EXPECT_EQ(EBUSY, werr);
	gt_dev_driver(nic, cur, sizeof(cur));
	ASSERT_STREQ("", cur);
	ret = wait_event(&w, IOGROUP_EVENT_BIND_FAILED, nic, &ev, &last_seq,
			 &have_seq, seq_err, sizeof(seq_err));
	ASSERT_EQ(1, ret) TH_LOG("no BIND_FAILED for the vetoed bind");
	ASSERT_EQ((uint32_t)werr, ev.err);
	ASSERT_STREQ("e1000e", ev.driver);

	/* pci-stub manages DMA itself: it may bind */
	if (access("/sys/bus/pci/drivers/pci-stub/bind", W_OK) == 0) {
		gt_dev_path(p, sizeof(p), nic, "driver_override");
		snprintf(self->override_dev, sizeof(self->override_dev), "%s", nic);
		ASSERT_EQ(0, gt_write(p, "pci-stub"));
		snprintf(self->stub_dev, sizeof(self->stub_dev), "%s", nic);
		ret = drv_write("pci-stub", "bind", nic);
		ASSERT_EQ(0, ret) TH_LOG("pci-stub refused in a claimed group: %s",
					 strerror(-ret));
		gt_dev_driver(nic, cur, sizeof(cur));
		ASSERT_STREQ("pci-stub", cur);
		ASSERT_EQ(0, check_owner(&self->s, self->gs, self->gt, grp,
					 IOGROUP_OWNER_IOGROUP, &g, why, sizeof(why)))
			TH_LOG("pci-stub bound: %s", why);
		ASSERT_EQ(0, drv_write("pci-stub", "unbind", nic));
		self->stub_dev[0] = '\0';
		ASSERT_EQ(0, gt_write(p, "\n"));
		self->override_dev[0] = '\0';
	} else {
		TH_LOG("no pci-stub driver: not checking that it may bind");
	}

	ASSERT_EQ(0, iog_get_stats(&self->s, &b, &e));
	ASSERT_LT(a.u64[IOGROUP_A_STATS_VETOES], b.u64[IOGROUP_A_STATS_VETOES]);
	ASSERT_EQ(1, b.u64[IOGROUP_A_STATS_CLAIMS]);
	ASSERT_LT(a.u64[IOGROUP_A_STATS_CLAIMS_TOTAL], b.u64[IOGROUP_A_STATS_CLAIMS_TOTAL]);

	/* release: e1000e is probed again */
	ret = iog_claim_req(&self->s, IOGROUP_CMD_RELEASE, grp, false, 0, &e);
	ASSERT_EQ(0, ret) TH_LOG("release: %s (%s)", strerror(-ret), e.msg);
	for (int i = 0; i < 50; i++) {
		gt_dev_driver(nic, cur, sizeof(cur));
		if (cur[0])
			break;
		usleep(100000);
	}
	ASSERT_STREQ("e1000e", cur) TH_LOG("release with RESTORE did not rebind e1000e");
	ret = wait_event(&w, IOGROUP_EVENT_DEVICE_BOUND, nic, &ev, &last_seq,
			 &have_seq, seq_err, sizeof(seq_err));
	ASSERT_EQ(1, ret) TH_LOG("no DEVICE_BOUND after the release");
	ASSERT_STREQ("", seq_err);
	ASSERT_EQ(0, check_owner(&self->s, self->gs, self->gt, grp, -1, &g, why,
				 sizeof(why))) TH_LOG("released: %s", why);
	ASSERT_EQ(0, iog_get_stats(&self->s, &b, &e));
	ASSERT_EQ(0, b.u64[IOGROUP_A_STATS_CLAIMS]);
	iog_close(&w);
}

/*
 * A claim belongs to its socket unless PERSISTENT: closing the socket
 * releases the one and keeps the other.
 */
TEST_F_TIMEOUT(nl, claim_socket_lifetime, 60)
{
	const struct iog_group *g;
	struct iog_stats a, b;
	struct iog_sock c;
	struct iog_err e;
	uint32_t ids[2];
	char why[256];
	int ret, i;

	if (find_free_groups(self->gt, ids, 2) < 2)
		SKIP(return, "fewer than 2 groups without drivers");
	TH_LOG("groups %u (persistent) and %u (socket-owned)", ids[0], ids[1]);
	ASSERT_EQ(0, iog_get_stats(&self->s, &a, &e));
	ASSERT_EQ(0, open_family(&c, &e));
	ret = iog_claim_req(&c, IOGROUP_CMD_CLAIM, ids[0], true,
			IOGROUP_CLAIM_F_PERSISTENT, &e);
	ASSERT_EQ(0, ret) TH_LOG("claim %u: %s (%s)", ids[0], strerror(-ret), e.msg);
	self->has_persistent = true;
	self->persistent_claim = ids[0];
	ret = iog_claim_req(&c, IOGROUP_CMD_CLAIM, ids[1], false, 0, &e);
	ASSERT_EQ(0, ret) TH_LOG("claim %u: %s (%s)", ids[1], strerror(-ret), e.msg);

	ASSERT_EQ(0, check_owner(&self->s, self->gs, self->gt, ids[0],
				 IOGROUP_OWNER_IOGROUP, &g, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_TRUE(g->owner.persistent);
	ASSERT_EQ((uint32_t)getpid(), g->owner.pid);
	ASSERT_EQ(0, check_owner(&self->s, self->gs, self->gt, ids[1],
				 IOGROUP_OWNER_IOGROUP, &g, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_FALSE(g->owner.persistent);

	iog_close(&c);
	for (i = 0; i < 50; i++) {
		if (check_owner(&self->s, self->gs, self->gt, ids[1], -1, &g, why,
				sizeof(why)) == 0)
			break;
		usleep(100000);
	}
	ASSERT_GT(50, i) TH_LOG("socket-owned claim of %u survived its socket: %s",
				ids[1], why);
	ASSERT_EQ(0, check_owner(&self->s, self->gs, self->gt, ids[0],
				 IOGROUP_OWNER_IOGROUP, &g, why, sizeof(why)))
		TH_LOG("persistent claim gone with its socket: %s", why);
	ASSERT_EQ(0, iog_get_stats(&self->s, &b, &e));
	ASSERT_EQ(a.u64[IOGROUP_A_STATS_AUTO_RELEASES] + 1,
		  b.u64[IOGROUP_A_STATS_AUTO_RELEASES]);
	ASSERT_EQ(1, b.u64[IOGROUP_A_STATS_CLAIMS]);

	ret = iog_claim_req(&self->s, IOGROUP_CMD_RELEASE, ids[0], false, 0, &e);
	ASSERT_EQ(0, ret) TH_LOG("release %u: %s (%s)", ids[0], strerror(-ret), e.msg);
	self->has_persistent = false;
	ASSERT_EQ(0, check_owner(&self->s, self->gs, self->gt, ids[0], -1, &g, why,
				 sizeof(why))) TH_LOG("released: %s", why);
}

/* ---------------------------------------------------- module life */

/* Resolving the family loads the module (MODULE_ALIAS_GENL_FAMILY). */
TEST_F_TIMEOUT(nl, family_autoload, 60)
{
	struct iog_sock s2;
	struct iog_err e;
	int ret;

	iog_close(&self->s);
	ASSERT_EQ(0, run("rmmod iogroup"));
	ASSERT_FALSE(gt_module_loaded("iogroup"));
	ret = iog_open(&s2, &e);
	ASSERT_EQ(0, ret) TH_LOG("resolve after rmmod: %s (%s)", strerror(-ret), e.msg);
	ASSERT_TRUE(gt_module_loaded("iogroup"));
	ret = iog_dump_groups(&s2, self->gs, &e);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(self->gt->n, self->gs->n);
	iog_close(&s2);
}

/* rmmod with a subscribed watcher: clean, and the module comes back. */
TEST_F_TIMEOUT(nl, unload_with_watcher, 60)
{
	struct iog_sock w, s2;
	struct iog_err e;
	struct pollfd pfd;
	char buf[8192];
	int ret;

	ASSERT_EQ(0, open_family(&w, &e));
	ASSERT_EQ(0, iog_subscribe(&w));
	ASSERT_EQ(0, run("rmmod iogroup")) TH_LOG("rmmod with a watcher failed");
	ASSERT_FALSE(gt_module_loaded("iogroup"));

	/* reading the watcher neither hangs nor fails oddly */
	pfd.fd = w.fd;
	pfd.events = POLLIN;
	ret = poll(&pfd, 1, 1000);
	ASSERT_LE(0, ret);
	ret = recv(w.fd, buf, sizeof(buf), MSG_DONTWAIT);
	ASSERT_TRUE(ret >= 0 || errno == EAGAIN || errno == ENOBUFS)
		TH_LOG("recv on the watcher: %s", strerror(errno));

	/* the old family id is gone (genetlink core: ENOENT) */
	ret = iog_dump_groups(&self->s, self->gs, &e);
	ASSERT_EQ(-ENOENT, ret) TH_LOG("stale family id answered %d", ret);

	ASSERT_EQ(0, run("modprobe iogroup"));
	ASSERT_TRUE(gt_module_loaded("iogroup"));
	ret = iog_open(&s2, &e);
	ASSERT_EQ(0, ret) TH_LOG("resolve after reload: %s (%s)", strerror(-ret), e.msg);
	ret = iog_dump_groups(&s2, self->gs, &e);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(self->gt->n, self->gs->n);
	/* a new watcher works on the new instance */
	ASSERT_EQ(0, iog_subscribe(&s2));
	iog_close(&s2);
	iog_close(&w);
}

/*
 * Out-of-range module parameters: modprobe fails, nothing stays loaded and
 * the kernel log says which parameter and its range.
 */
static void expect_param_refused(struct __test_metadata *_metadata,
				 const char *param, const char *range)
{
	char cmd[256], line[512];
	bool found = false;
	ssize_t n;
	int kfd;

	kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, kfd) TH_LOG("/dev/kmsg: %s", strerror(errno));
	ASSERT_LE(0, lseek(kfd, 0, SEEK_END));
	snprintf(cmd, sizeof(cmd), "modprobe iogroup %s 2>/dev/null", param);
	EXPECT_NE(0, run(cmd)) TH_LOG("modprobe iogroup %s succeeded", param);
	EXPECT_FALSE(gt_module_loaded("iogroup"));
	/* the record: "...;iogroup: PARAM: must be RANGE" */
	snprintf(cmd, sizeof(cmd), "iogroup: %s: must be %s", param, range);
	while ((n = read(kfd, line, sizeof(line) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		line[n] = '\0';
		if (strstr(line, cmd))
			found = true;
	}
	close(kfd);
	EXPECT_TRUE(found) TH_LOG("no '%s' in the kernel log", cmd);
}

TEST_F_TIMEOUT(nl, module_params, 90)
{
	struct iog_sock w, s2;
	struct iog_event ev;
	struct iog_err e;
	char edu[64], p[PATH_MAX], buf[32], cur[64], seq_err[256] = "";
	uint64_t last_seq = 0;
	bool have_seq = false;
	int ret;

	iog_close(&self->s);
	ASSERT_EQ(0, run("rmmod iogroup"));
	expect_param_refused(_metadata, "event_ring=3", "a power of two, 4 to 65536");
	expect_param_refused(_metadata, "event_ring=131072", "a power of two, 4 to 65536");
	expect_param_refused(_metadata, "event_batch_ms=0", "1 to 1000");
	expect_param_refused(_metadata, "event_batch_ms=1001", "1 to 1000");
	expect_param_refused(_metadata, "event_watch_us=1000001", "0 to 1000000");
	expect_param_refused(_metadata, "probe_maxactive=0", "1 to 4096");

	/* the edges load; no gathering at all while a watcher listens */
	ASSERT_EQ(0, run("modprobe iogroup event_batch_ms=1000 event_watch_us=0"));
	ASSERT_EQ(0, gt_read("/sys/module/iogroup/parameters/event_watch_us",
			     buf, sizeof(buf)));
	ASSERT_STREQ("0", buf);
	ASSERT_EQ(0, gt_read("/sys/module/iogroup/parameters/event_batch_ms",
			     buf, sizeof(buf)));
	ASSERT_STREQ("1000", buf);
	ASSERT_EQ(0, open_family(&w, &e));
	ASSERT_EQ(0, iog_subscribe(&w));
	if (access("/sys/bus/pci/drivers/pci-stub/bind", W_OK) ||
	    gt_find_pci(0x1234, 0x11e8, "", 0, edu, sizeof(edu))) {
		TH_LOG("no pci-stub driver or no unbound edu: events not checked");
	} else {
		gt_dev_path(p, sizeof(p), edu, "driver_override");
		snprintf(self->override_dev, sizeof(self->override_dev), "%s", edu);
		ASSERT_EQ(0, gt_write(p, "pci-stub"));
		snprintf(self->stub_dev, sizeof(self->stub_dev), "%s", edu);
		ASSERT_EQ(0, drv_write("pci-stub", "bind", edu));
		gt_dev_driver(edu, cur, sizeof(cur));
		ASSERT_STREQ("pci-stub", cur);
		ret = wait_event(&w, IOGROUP_EVENT_DEVICE_BOUND, edu, &ev,
				 &last_seq, &have_seq, seq_err, sizeof(seq_err));
		ASSERT_EQ(1, ret) TH_LOG("no DEVICE_BOUND for %s (%d)", edu, ret);
		ASSERT_STREQ("pci-stub", ev.driver);
		ASSERT_EQ(0, drv_write("pci-stub", "unbind", edu));
		self->stub_dev[0] = '\0';
		ret = wait_event(&w, IOGROUP_EVENT_DEVICE_UNBOUND, edu, &ev,
				 &last_seq, &have_seq, seq_err, sizeof(seq_err));
		ASSERT_EQ(1, ret) TH_LOG("no DEVICE_UNBOUND for %s (%d)", edu, ret);
		ASSERT_STREQ("", seq_err);
		ASSERT_EQ(0, gt_write(p, "\n"));
		self->override_dev[0] = '\0';
	}
	iog_close(&w);

	/* back to the defaults, for the tests that follow */
	ASSERT_EQ(0, run("rmmod iogroup"));
	ASSERT_EQ(0, run("modprobe iogroup"));
	ASSERT_EQ(0, gt_read("/sys/module/iogroup/parameters/event_watch_us",
			     buf, sizeof(buf)));
	ASSERT_STREQ("1000", buf);
	ASSERT_EQ(0, iog_open(&s2, &e));
	ret = iog_dump_groups(&s2, self->gs, &e);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(self->gt->n, self->gs->n);
	iog_close(&s2);
}

TEST_HARNESS_MAIN
