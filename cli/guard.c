// SPDX-License-Identifier: GPL-2.0-only
/* Host-impact guard of claim --unbind and detach (see guard.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "guard.h"
#include "sysfs.h"

#define MAX_DEPTH 4		/* slaves / upper_ links followed */

struct ctx {
	const struct ig_guard_env *env;
	const struct ig_guard_dev *devs;
	size_t n;
	struct ig_guard_hits *out;
	int err;
	bool ifa_loaded;
	struct ifaddrs *ifa;
	size_t n_seen;
	dev_t *seen;		/* block devices reported already */
};

void ig_guard_env_default(struct ig_guard_env *env)
{
	memset(env, 0, sizeof(*env));
	env->sysfs = ig_sysfs_root();
	env->proc = ig_proc_root();
}

void ig_guard_hits_free(struct ig_guard_hits *h)
{
	if (!h)
		return;
	free(h->hit);
	h->hit = NULL;
	h->n = 0;
}

static void add_hit(struct ctx *c, const struct ig_guard_dev *d,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add_hit(struct ctx *c, const struct ig_guard_dev *d,
		    const char *fmt, ...)
{
	struct ig_guard_hit h, *p;
	va_list ap;
	size_t i;

	memset(&h, 0, sizeof(h));
	snprintf(h.device, sizeof(h.device), "%s", d->name);
	va_start(ap, fmt);
	vsnprintf(h.reason, sizeof(h.reason), fmt, ap);
	va_end(ap);
	for (i = 0; i < c->out->n; i++)
		if (!strcmp(c->out->hit[i].device, h.device) &&
		    !strcmp(c->out->hit[i].reason, h.reason))
			return;
	p = realloc(c->out->hit, (c->out->n + 1) * sizeof(*p));
	if (!p) {
		c->err = -ENOMEM;
		return;
	}
	c->out->hit = p;
	p[c->out->n++] = h;
}

/* The device of the group whose "/BDF/" is in the resolved @path. */
static const struct ig_guard_dev *match_path(struct ctx *c, const char *path)
{
	char full[PATH_MAX + 2], needle[80];
	size_t i;

	snprintf(full, sizeof(full), "%s/", path);
	for (i = 0; i < c->n; i++) {
		if (c->devs[i].bridge)
			continue;
		snprintf(needle, sizeof(needle), "/%s/", c->devs[i].name);
		if (strstr(full, needle))
			return &c->devs[i];
	}
	return NULL;
}

/* Resolve the sysfs link @path and match it. */
static const struct ig_guard_dev *match_link(struct ctx *c, const char *path)
{
	char real[PATH_MAX];

	if (!realpath(path, real))
		return NULL;
	return match_path(c, real);
}

/* A block device's sysfs dir: itself, or (dm, md) one of its slaves. */
static const struct ig_guard_dev *block_owner(struct ctx *c, const char *path,
					      int depth)
{
	const struct ig_guard_dev *d;
	char real[PATH_MAX], sub[PATH_MAX + 300];
	struct dirent *e;
	DIR *dir;

	if (!realpath(path, real))
		return NULL;
	d = match_path(c, real);
	if (d || depth >= MAX_DEPTH)
		return d;
	if (!ig_path(sub, sizeof(sub), "%s/slaves", real))
		return NULL;
	dir = opendir(sub);
	if (!dir)
		return NULL;
	while (!d && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		if (ig_path(sub, sizeof(sub), "%s/slaves/%s", real, e->d_name))
			d = block_owner(c, sub, depth + 1);
	}
	closedir(dir);
	return d;
}

static const struct ig_guard_dev *block_by_devt(struct ctx *c,
						unsigned int maj,
						unsigned int min)
{
	char p[PATH_MAX];

	if (!ig_path(p, sizeof(p), "%s/dev/block/%u:%u", c->env->sysfs, maj,
		     min))
		return NULL;
	return block_owner(c, p, 0);
}

/* A block device by its /dev name (for file systems on an anonymous dev). */
static const struct ig_guard_dev *block_by_name(struct ctx *c, const char *dev)
{
	char real[PATH_MAX], p[PATH_MAX];
	const char *base;

	if (strncmp(dev, "/dev/", 5))
		return NULL;
	/* /dev/mapper/x -> /dev/dm-0; in a test tree /dev/x may not exist. */
	if (!strcmp(c->env->sysfs, "/sys") && realpath(dev, real))
		dev = real;
	base = strrchr(dev, '/') + 1;
	if (!*base || !ig_path(p, sizeof(p), "%s/class/block/%s",
			       c->env->sysfs, base))
		return NULL;
	return block_owner(c, p, 0);
}

/* Report each block device once (bind mounts repeat it). */
static bool seen_once(struct ctx *c, unsigned int maj, unsigned int min)
{
	dev_t d = makedev(maj, min), *p;
	size_t i;

	for (i = 0; i < c->n_seen; i++)
		if (c->seen[i] == d)
			return false;
	p = realloc(c->seen, (c->n_seen + 1) * sizeof(*p));
	if (!p) {
		c->err = -ENOMEM;
		return false;
	}
	c->seen = p;
	p[c->n_seen++] = d;
	return true;
}

/* Undo the octal escapes (\040) of mountinfo and swaps, in place. */
static void unescape(char *s)
{
	char *w = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

static void check_mounts(struct ctx *c)
{
	char p[PATH_MAX], *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (!ig_path(p, sizeof(p), "%s/self/mountinfo", c->env->proc))
		return;
	f = fopen(p, "re");
	if (!f)
		return;
	while (!c->err && getline(&line, &cap, f) > 0) {
		char mnt[4096], fstype[64] = "?", src[1024] = "?";
		const struct ig_guard_dev *d;
		unsigned int maj, min;
		const char *sep;

		if (sscanf(line, "%*s %*s %u:%u %*s %4095s", &maj, &min,
			   mnt) != 3)
			continue;
		sep = strstr(line, " - ");
		if (sep)
			sscanf(sep + 3, "%63s %1023s", fstype, src);
		unescape(mnt);
		unescape(src);
		if (maj)
			d = block_by_devt(c, maj, min);
		else
			d = block_by_name(c, src);	/* btrfs: 0:NN */
		if (d && seen_once(c, maj, min))
			add_hit(c, d, "backs the mounted file system %s (%s on %s)",
				mnt, fstype, src);
	}
	free(line);
	fclose(f);
}

static void check_swaps(struct ctx *c)
{
	char p[PATH_MAX], *line = NULL;
	size_t cap = 0;
	FILE *f;
	bool first = true;

	if (!ig_path(p, sizeof(p), "%s/swaps", c->env->proc))
		return;
	f = fopen(p, "re");
	if (!f)
		return;
	while (!c->err && getline(&line, &cap, f) > 0) {
		char name[4096], type[64];
		const struct ig_guard_dev *d = NULL;
		struct stat st;

		if (first) {		/* "Filename Type Size Used Priority" */
			first = false;
			continue;
		}
		if (sscanf(line, "%4095s %63s", name, type) != 2)
			continue;
		unescape(name);
		if (!strcmp(type, "partition") || !strncmp(name, "/dev/", 5))
			d = block_by_name(c, name);
		else if (!stat(name, &st))	/* a swap file */
			d = block_by_devt(c, major(st.st_dev), minor(st.st_dev));
		if (d)
			add_hit(c, d, "backs the swap area %s", name);
	}
	free(line);
	fclose(f);
}

static int getifaddrs_has_address(struct ctx *c, const char *ifname)
{
	const struct ifaddrs *a;

	if (!c->ifa_loaded) {
		c->ifa_loaded = true;
		if (getifaddrs(&c->ifa) < 0)
			c->ifa = NULL;
	}
	for (a = c->ifa; a; a = a->ifa_next) {
		if (!a->ifa_addr || strcmp(a->ifa_name, ifname))
			continue;
		if (a->ifa_addr->sa_family == AF_INET)
			return 1;
		if (a->ifa_addr->sa_family == AF_INET6 &&
		    !IN6_IS_ADDR_LINKLOCAL(
			&((const struct sockaddr_in6 *)(const void *)
			  a->ifa_addr)->sin6_addr))
			return 1;
	}
	return 0;
}

/*
 * Is @ifname up with an address, or enslaved (upper_*) to one that is?
 * Returns the name of that interface in @active.
 */
static bool iface_active(struct ctx *c, const char *ifname, int depth,
			 char *active, size_t len)
{
	char p[PATH_MAX], buf[64];
	struct dirent *e;
	bool found = false;
	DIR *dir;
	int has;

	if (ig_path(p, sizeof(p), "%s/class/net/%s/flags", c->env->sysfs,
		    ifname) && !ig_read_line(p, buf, sizeof(buf)) &&
	    (strtoul(buf, NULL, 16) & 0x1 /* IFF_UP */)) {
		has = c->env->has_address ?
		      c->env->has_address(ifname, c->env->arg) :
		      getifaddrs_has_address(c, ifname);
		if (has > 0) {
			snprintf(active, len, "%s", ifname);
			return true;
		}
	}
	if (depth >= MAX_DEPTH ||
	    !ig_path(p, sizeof(p), "%s/class/net/%s", c->env->sysfs, ifname))
		return false;
	dir = opendir(p);
	if (!dir)
		return false;
	while (!found && (e = readdir(dir)))
		if (!strncmp(e->d_name, "upper_", 6) && e->d_name[6])
			found = iface_active(c, e->d_name + 6, depth + 1,
					     active, len);
	closedir(dir);
	return found;
}

static void check_net(struct ctx *c)
{
	char p[PATH_MAX];
	struct dirent *e;
	DIR *dir;

	if (!ig_path(p, sizeof(p), "%s/class/net", c->env->sysfs))
		return;
	dir = opendir(p);
	if (!dir)
		return;
	while (!c->err && (e = readdir(dir))) {
		const struct ig_guard_dev *d;
		char active[256];

		if (e->d_name[0] == '.' ||
		    !ig_path(p, sizeof(p), "%s/class/net/%s/device",
			     c->env->sysfs, e->d_name))
			continue;
		d = match_link(c, p);
		if (!d || !iface_active(c, e->d_name, 0, active,
					sizeof(active)))
			continue;
		if (!strcmp(active, e->d_name))
			add_hit(c, d, "carries the network interface %s, which is up with addresses",
				e->d_name);
		else
			add_hit(c, d, "carries the network interface %s (in %s, which is up with addresses)",
				e->d_name, active);
	}
	closedir(dir);
}

static void check_display(struct ctx *c)
{
	char p[PATH_MAX], buf[64];
	struct dirent *e;
	size_t i;
	DIR *dir;

	for (i = 0; i < c->n; i++) {
		const struct ig_guard_dev *d = &c->devs[i];

		if (d->bridge ||
		    !ig_path(p, sizeof(p), "%s/bus/pci/devices/%s/class",
			     c->env->sysfs, d->name) ||
		    ig_read_line(p, buf, sizeof(buf)) ||
		    (strtoul(buf, NULL, 16) >> 16) != 0x03)
			continue;
		if (ig_path(p, sizeof(p), "%s/bus/pci/devices/%s/boot_vga",
			    c->env->sysfs, d->name) &&
		    !ig_read_line(p, buf, sizeof(buf)) && !strcmp(buf, "1"))
			add_hit(c, d, "drives the boot display (boot_vga = 1)");
	}
	if (!ig_path(p, sizeof(p), "%s/class/graphics", c->env->sysfs))
		return;
	dir = opendir(p);
	if (!dir)
		return;
	while (!c->err && (e = readdir(dir))) {
		const struct ig_guard_dev *d;

		if (strncmp(e->d_name, "fb", 2) ||
		    !ig_path(p, sizeof(p), "%s/class/graphics/%s/device",
			     c->env->sysfs, e->d_name))
			continue;
		d = match_link(c, p);
		if (d)
			add_hit(c, d, "drives the framebuffer %s (console)",
				e->d_name);
	}
	closedir(dir);
}

int ig_guard_check(const struct ig_guard_env *env,
		   const struct ig_guard_dev *devs, size_t n,
		   struct ig_guard_hits *out)
{
	struct ctx c = { .env = env, .devs = devs, .n = n, .out = out };

	memset(out, 0, sizeof(*out));
	check_mounts(&c);
	if (!c.err)
		check_swaps(&c);
	if (!c.err)
		check_net(&c);
	if (!c.err)
		check_display(&c);
	if (c.ifa)
		freeifaddrs(c.ifa);
	free(c.seen);
	if (c.err)
		ig_guard_hits_free(out);
	return c.err;
}
