// SPDX-License-Identifier: GPL-2.0-only
/*
 * iogroup apply [--config FILE] [--dry-run]: make the claims and detaches
 * that /etc/iogroup.conf declares (docs/iogroup.conf.md).  Devices are named
 * by PCI address or vendor:device, never by group number; the groups are
 * found through sysfs.  The whole file is checked before anything is done.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nl.h"
#include "output.h"
#include "sysfs.h"

#define IG_CONF_DEFAULT	"/etc/iogroup.conf"
#define LINE_MAX_LEN	1024

struct rule {
	unsigned int line;
	bool detach;
	char selector[32];	/* as normalised: 0000:00:02.0 or 8086:10d3 */
	bool by_id;		/* vendor:device */
	const char *driver;	/* detach: vfio-pci or pci-stub */
	bool force;
};

struct target {
	uint32_t group;
	const struct rule *rule;
	char devices[256];	/* the matched devices, for the messages */
};

static int conf_error(const char *file, unsigned int line, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));

static int conf_error(const char *file, unsigned int line, const char *fmt,
		      ...)
{
	va_list ap;

	fprintf(stderr, "iogroup: %s:%u: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * A PCI address (DDDD:BB:DD.F, or BB:DD.F in domain 0000) or a
 * vendor:device id (VVVV:DDDD), normalised to lower case in @r.
 */
static bool parse_selector(const char *s, struct rule *r)
{
	size_t n = strlen(s);
	unsigned int dom = 0, bus, dev, fn;
	const char *p = s;

	if (n == 9 && all_hex(s, 4) && s[4] == ':' && all_hex(s + 5, 4)) {
		snprintf(r->selector, sizeof(r->selector), "%.9s", s);
		for (p = r->selector; *p; p++)
			r->selector[p - r->selector] =
				(char)tolower((unsigned char)*p);
		r->by_id = true;
		return true;
	}
	if (n == 12 && all_hex(s, 4) && s[4] == ':') {
		dom = (unsigned int)strtoul(s, NULL, 16);
		p = s + 5;
	} else if (n != 7) {
		return false;
	}
	if (!all_hex(p, 2) || p[2] != ':' || !all_hex(p + 3, 2) ||
	    p[5] != '.' || !isdigit((unsigned char)p[6]) || p[7])
		return false;
	bus = (unsigned int)strtoul(p, NULL, 16);
	dev = (unsigned int)strtoul(p + 3, NULL, 16);
	fn = (unsigned int)(p[6] - '0');
	if (dev > 0x1f || fn > 7)
		return false;
	snprintf(r->selector, sizeof(r->selector), "%04x:%02x:%02x.%u", dom,
		 bus, dev, fn);
	return true;
}

static int parse_line(const char *file, unsigned int ln, char *s,
		      struct rule *r, bool *empty)
{
	char *tok[8], *save = NULL, *t;
	size_t n = 0, i;

	*empty = false;
	t = strchr(s, '#');
	if (t)
		*t = '\0';
	for (t = strtok_r(s, " \t\r\n", &save); t;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == sizeof(tok) / sizeof(tok[0]))
			return conf_error(file, ln, "too many words");
		tok[n++] = t;
	}
	if (!n) {
		*empty = true;
		return 0;
	}
	memset(r, 0, sizeof(*r));
	r->line = ln;
	if (!strcmp(tok[0], "detach"))
		r->detach = true;
	else if (strcmp(tok[0], "claim"))
		return conf_error(file, ln, "unknown action '%s' (expected claim or detach)",
				  tok[0]);
	if (n < 2)
		return conf_error(file, ln, "%s: missing device (a PCI address like 0000:00:02.0 or a vendor:device ID like 8086:10d3)",
				  tok[0]);
	if (strspn(tok[1], "0123456789") == strlen(tok[1]))
		return conf_error(file, ln, "'%s': group numbers are not accepted (they can change between boots): name a device by PCI address or vendor:device",
				  tok[1]);
	if (!parse_selector(tok[1], r))
		return conf_error(file, ln, "'%s' is neither a PCI address (like 0000:00:02.0) nor a vendor:device ID (like 8086:10d3)",
				  tok[1]);
	for (i = 2; i < n; i++) {
		if (!strcmp(tok[i], "force")) {
			r->force = true;
		} else if (!strncmp(tok[i], "driver=", 7)) {
			const char *d = tok[i] + 7;

			if (!r->detach)
				return conf_error(file, ln, "'%s': only detach takes a driver",
						  tok[i]);
			if (strcmp(d, "vfio-pci") && strcmp(d, "pci-stub"))
				return conf_error(file, ln, "driver '%s': must be vfio-pci or pci-stub",
						  d);
			r->driver = !strcmp(d, "vfio-pci") ? "vfio-pci" : "pci-stub";
		} else {
			return conf_error(file, ln, "unknown option '%s' (expected driver=vfio-pci|pci-stub or force)",
					  tok[i]);
		}
	}
	if (r->detach && !r->driver)
		r->driver = "vfio-pci";
	return 0;
}

/* Read and check the whole file: 0 and the rules, or 1 after errors. */
static int read_conf(const char *file, struct rule **out, size_t *n_out)
{
	struct rule *rules = NULL, *tmp;
	char buf[LINE_MAX_LEN + 2];
	unsigned int ln = 0;
	size_t n = 0;
	int errors = 0;
	FILE *f;

	f = fopen(file, "re");
	if (!f) {
		fprintf(stderr, "iogroup: apply: %s: %s\n", file, strerror(errno));
		return 1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		struct rule r;
		bool empty;

		ln++;
		if (!strchr(buf, '\n') && !feof(f)) {
			int c;

			errors += conf_error(file, ln, "line longer than %d characters",
					     LINE_MAX_LEN);
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		if (parse_line(file, ln, buf, &r, &empty)) {
			errors++;
			continue;
		}
		if (empty)
			continue;
		tmp = realloc(rules, (n + 1) * sizeof(*rules));
		if (!tmp) {
			fclose(f);
			free(rules);
			return ig_output_error("apply", -ENOMEM);
		}
		rules = tmp;
		rules[n++] = r;
	}
	if (ferror(f)) {
		fprintf(stderr, "iogroup: apply: %s: %s\n", file, strerror(errno));
		errors++;
	}
	fclose(f);
	if (errors) {
		fprintf(stderr, "iogroup: apply: %s: %d error%s, nothing applied\n",
			file, errors, errors == 1 ? "" : "s");
		free(rules);
		return 1;
	}
	*out = rules;
	*n_out = n;
	return 0;
}

static bool device_matches(const char *dev, const struct rule *r)
{
	char p[4096], v[16], d[16];

	if (!r->by_id)
		return !strcmp(dev, r->selector);
	if (!ig_path(p, sizeof(p), "%s/bus/pci/devices/%s/vendor",
		     ig_sysfs_root(), dev) || ig_read_line(p, v, sizeof(v)))
		return false;
	if (!ig_path(p, sizeof(p), "%s/bus/pci/devices/%s/device",
		     ig_sysfs_root(), dev) || ig_read_line(p, d, sizeof(d)))
		return false;
	return !strncmp(v, "0x", 2) && !strncmp(d, "0x", 2) &&
	       !strncmp(v + 2, r->selector, 4) &&
	       !strcmp(d + 2, r->selector + 5);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The PCI devices of sysfs, sorted; NULL-ended. */
static char **pci_devices(void)
{
	char p[4096], **v = NULL, **tmp;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (!ig_path(p, sizeof(p), "%s/bus/pci/devices", ig_sysfs_root()))
		return NULL;
	d = opendir(p);
	if (!d)
		return calloc(1, sizeof(*v));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		tmp = realloc(v, (n + 2) * sizeof(*v));
		if (!tmp)
			goto nomem;
		v = tmp;
		v[n] = strdup(de->d_name);
		if (!v[n])
			goto nomem;
		v[++n] = NULL;
	}
	closedir(d);
	if (!v)
		return calloc(1, sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
nomem:
	closedir(d);
	while (n)
		free(v[--n]);
	free(v);
	return NULL;
}

static void free_strv(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int add_target(struct target **t, size_t *n, uint32_t group,
		      const struct rule *r, const char *dev, const char *file)
{
	struct target *tmp;
	size_t i;

	for (i = 0; i < *n; i++) {
		struct target *x = &(*t)[i];
		size_t len = strlen(x->devices);

		if (x->group != group)
			continue;
		if (x->rule->detach != r->detach ||
		    (r->detach && strcmp(x->rule->driver, r->driver)))
			return conf_error(file, r->line, "%s is in IOMMU group %u, which line %u already selects for %s%s%s",
					  dev, group, x->rule->line,
					  x->rule->detach ? "detach" : "claim",
					  x->rule->detach ? " to " : "",
					  x->rule->detach ? x->rule->driver : "");
		if (!strstr(x->devices, dev) &&
		    len + strlen(dev) + 3 < sizeof(x->devices))
			snprintf(x->devices + len, sizeof(x->devices) - len,
				 ", %s", dev);
		return 0;
	}
	tmp = realloc(*t, (*n + 1) * sizeof(**t));
	if (!tmp)
		return ig_output_error("apply", -ENOMEM);
	*t = tmp;
	tmp[*n].group = group;
	tmp[*n].rule = r;
	snprintf(tmp[*n].devices, sizeof(tmp[*n].devices), "%s", dev);
	(*n)++;
	return 0;
}

/* Rules to groups, through sysfs.  Warns about rules matching nothing. */
static int resolve_targets(const char *file, const struct rule *rules,
			   size_t n_rules, struct target **t, size_t *n_t)
{
	char **devs = pci_devices(), p[4096], grp[32];
	int errors = 0;
	size_t i, k;

	if (!devs)
		return ig_output_error("apply", -ENOMEM);
	for (i = 0; i < n_rules; i++) {
		const struct rule *r = &rules[i];
		bool found = false;

		for (k = 0; devs[k]; k++) {
			if (!device_matches(devs[k], r))
				continue;
			found = true;
			if (!ig_path(p, sizeof(p), "%s/bus/pci/devices/%s/iommu_group",
				     ig_sysfs_root(), devs[k]) ||
			    ig_link_name(p, grp, sizeof(grp))) {
				errors += conf_error(file, r->line, "%s has no IOMMU group (is the IOMMU enabled, e.g. intel_iommu=on?)",
						     devs[k]);
				continue;
			}
			if (add_target(t, n_t, (uint32_t)strtoul(grp, NULL, 10),
				       r, devs[k], file))
				errors++;
		}
		if (!found)
			fprintf(stderr, "iogroup: %s:%u: warning: no PCI device matches %s\n",
				file, r->line, r->selector);
	}
	free_strv(devs);
	return errors ? 1 : 0;
}

/* Is the group detached already: every non-bridge device bound to @drv? */
static bool is_detached(const struct ig_group *g, const char *drv)
{
	size_t i, n = 0;

	for (i = 0; i < g->n_devices; i++) {
		if (g->devices[i].bridge)
			continue;
		if (!g->devices[i].driver || strcmp(g->devices[i].driver, drv))
			return false;
		n++;
	}
	return n > 0 && g->owner.kind != IOGROUP_OWNER_IOGROUP;
}

static int apply_claim(struct ig_nl *nl, const struct target *t,
		       const char *what, const char **result)
{
	struct ig_group g = { 0 };
	int err;

	if (ig_read_group(nl, what, t->group, NULL, &g))
		return 1;
	if (g.owner.kind == IOGROUP_OWNER_IOGROUP && g.owner.persistent) {
		*result = "already-claimed";
		ig_group_free(&g);
		return 0;
	}
	/* A kernel driver bound: apply was not early enough; take it back. */
	err = ig_guard_group(what, &g, t->rule->force);
	ig_group_free(&g);
	if (err)
		return 1;
	err = ig_nl_claim(nl, t->group, IOGROUP_CLAIM_F_PERSISTENT |
					 IOGROUP_CLAIM_F_UNBIND);
	if (err) {
		ig_report_claim(nl, what, t->group, err, false);
		return 1;
	}
	*result = "claimed";
	return 0;
}

static int apply_detach(struct ig_nl *nl, const struct target *t,
			const char *what, bool json, const char **result)
{
	struct ig_group g = { 0 };
	struct ig_opts o = { .json = json, .quiet = true,
			     .driver = t->rule->driver,
			     .force = t->rule->force };
	char arg[16], *argv[] = { arg, NULL };

	if (ig_read_group(nl, what, t->group, NULL, &g))
		return 1;
	if (is_detached(&g, t->rule->driver)) {
		*result = "already-detached";
		ig_group_free(&g);
		return 0;
	}
	ig_group_free(&g);
	snprintf(arg, sizeof(arg), "%u", t->group);
	if (cmd_detach(1, argv, &o))
		return 1;
	*result = "detached";
	return 0;
}

int cmd_apply(int argc, char **argv, const struct ig_opts *o)
{
	const char *file = o->config ? o->config : IG_CONF_DEFAULT;
	struct ig_apply_item *items = NULL;
	struct target *t = NULL;
	struct rule *rules = NULL;
	struct ig_nl *nl = NULL;
	size_t n_rules = 0, n_t = 0, i;
	int ret = 1, err;

	(void)argc;
	(void)argv;
	if (read_conf(file, &rules, &n_rules))
		return 1;
	if (resolve_targets(file, rules, n_rules, &t, &n_t)) {
		fprintf(stderr, "iogroup: apply: %s: nothing applied\n", file);
		goto out;
	}
	items = calloc(n_t + 1, sizeof(*items));
	if (!items) {
		ig_output_error("apply", -ENOMEM);
		goto out;
	}
	if (!o->dry_run && n_t && ig_connect(&nl, false, "apply"))
		goto out;
	ret = 0;
	for (i = 0; i < n_t; i++) {
		const struct target *x = &t[i];
		struct ig_apply_item *it = &items[i];
		char what[128];

		it->line = x->rule->line;
		it->action = x->rule->detach ? "detach" : "claim";
		it->selector = x->rule->selector;
		it->group = x->group;
		it->devices = x->devices;
		it->driver = x->rule->detach ? x->rule->driver : NULL;
		snprintf(what, sizeof(what), "%s:%u: %s group %u", file,
			 x->rule->line, it->action, x->group);
		if (o->dry_run) {
			it->result = x->rule->detach ? "would-detach" :
						       "would-claim";
			continue;
		}
		if (x->rule->detach)
			err = apply_detach(nl, x, what, o->json, &it->result);
		else
			err = apply_claim(nl, x, what, &it->result);
		if (err) {
			it->result = "failed";
			ret = 1;
		}
	}
	err = ig_print_apply(stdout, items, n_t, o->json);
	if (err)
		ret = ig_output_error("apply", err);
out:
	ig_nl_close(nl);
	free(items);
	free(t);
	free(rules);
	return ret;
}
