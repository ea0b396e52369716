/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ground truth for the iogroup tests, read from sysfs and nowhere else:
 * /sys/kernel/iommu_groups/N/devices/, and for each device its vendor,
 * device, class, config header type, driver link and subsystem link.
 */
#ifndef IOGROUP_SYSFS_GT_H
#define IOGROUP_SYSFS_GT_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#define GT_GROUPS_DIR	"/sys/kernel/iommu_groups"
#define GT_MAX_GROUPS	256
#define GT_MAX_DEVS	32
#define GT_NAME		128

struct gt_dev {
	char name[GT_NAME];
	char bus[32];
	bool is_pci;
	unsigned int vendor, device, class;
	bool bridge;
	bool has_driver;
	char driver[GT_NAME];
	bool driver_managed_dma;	/* bound to a driver that manages DMA */
	bool kernel_dma;		/* bound to a kernel DMA API user */
	bool blocks_viability;
};

struct gt_group {
	unsigned int id;
	char type[32];			/* /sys/kernel/iommu_groups/N/type */
	int ndev;
	struct gt_dev dev[GT_MAX_DEVS];
	unsigned int kernel_users;
	bool viable;
};

struct gt {
	int n;
	unsigned int ndevs;
	struct gt_group g[GT_MAX_GROUPS];
};

/*
 * Drivers that set driver_managed_dma on the kernels we test (6.1:
 * vfio-pci and its variants, pci-stub, pcieport; platform/amba/fsl-mc
 * vfio drivers).  A bound driver not in this list is a kernel DMA user.
 */
static inline bool gt_driver_manages_dma(const char *drv)
{
	static const char *const list[] = {
		"vfio-pci", "pci-stub", "pcieport", "hisi_acc_vfio_pci",
		"mlx5_vfio_pci", "vfio-platform", "vfio-amba", "vfio-fsl-mc",
		"virtio_vfio_pci", "pds_vfio_pci", "nvgrace_gpu_vfio_pci",
		"qat_vfio_pci",
	};

	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (!strcmp(drv, list[i]))
			return true;
	return false;
}

/* strlcpy: copy with truncation, always terminated. */
static inline void gt_copy(char *dst, const char *src, size_t sz)
{
	size_t n = strlen(src);

	if (n >= sz)
		n = sz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Read a whole small file, strip the trailing newline. */
static inline int gt_read(const char *path, char *buf, size_t sz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sz - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static inline int gt_read_hex(const char *path, unsigned int *v)
{
	char buf[64], *end;

	if (gt_read(path, buf, sizeof(buf)))
		return -1;
	errno = 0;
	*v = strtoul(buf, &end, 16);
	return (errno || end == buf) ? -1 : 0;
}

/* Basename of a symlink's target, "" if the link does not exist. */
static inline void gt_link_base(const char *path, char *dst, size_t sz)
{
	char tgt[PATH_MAX];
	ssize_t n = readlink(path, tgt, sizeof(tgt) - 1);
	const char *b;

	dst[0] = '\0';
	if (n < 0)
		return;
	tgt[n] = '\0';
	b = strrchr(tgt, '/');
	gt_copy(dst, b ? b + 1 : tgt, sz);
}

/* Write a string to a sysfs file; 0 or -errno of the write itself. */
static inline int gt_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int e;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	e = errno;
	close(fd);
	if (n < 0)
		return -e;
	return 0;
}

static inline int gt_dev_path(char *buf, size_t sz, const char *name,
			      const char *file)
{
	return snprintf(buf, sz, "/sys/bus/pci/devices/%s/%s", name, file);
}

/* Fill d for device `name`, found under the group directory gdir. */
static inline int gt_read_dev(struct gt_dev *d, const char *gdir, const char *name)
{
	char base[PATH_MAX + 512], p[PATH_MAX + 600];
	unsigned char hdr;
	int fd;

	memset(d, 0, sizeof(*d));
	gt_copy(d->name, name, sizeof(d->name));
	snprintf(base, sizeof(base), "%s/devices/%s", gdir, name);
	snprintf(p, sizeof(p), "%s/subsystem", base);
	gt_link_base(p, d->bus, sizeof(d->bus));
	d->is_pci = !strcmp(d->bus, "pci");
	snprintf(p, sizeof(p), "%s/driver", base);
	gt_link_base(p, d->driver, sizeof(d->driver));
	d->has_driver = d->driver[0] != '\0';
	if (d->is_pci) {
		snprintf(p, sizeof(p), "%s/vendor", base);
		if (gt_read_hex(p, &d->vendor))
			return -1;
		snprintf(p, sizeof(p), "%s/device", base);
		if (gt_read_hex(p, &d->device))
			return -1;
		snprintf(p, sizeof(p), "%s/class", base);
		if (gt_read_hex(p, &d->class))
			return -1;
		/* header type, config space byte 0x0e, bit 7 = multifunction */
		snprintf(p, sizeof(p), "%s/config", base);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && pread(fd, &hdr, 1, 0x0e) == 1)
			d->bridge = (hdr & 0x7f) != 0;
		else	/* PCI-to-PCI or CardBus bridge class */
			d->bridge = (d->class >> 8) == 0x0604 ||
				    (d->class >> 8) == 0x0609 ||
				    (d->class >> 8) == 0x0607;
		if (fd >= 0)
			close(fd);
	}
	d->driver_managed_dma = d->has_driver && gt_driver_manages_dma(d->driver);
	d->kernel_dma = d->has_driver && !d->driver_managed_dma;
	d->blocks_viability = d->kernel_dma && !d->bridge;
	return 0;
}

static inline int gt_cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

static inline int gt_read_group(struct gt_group *g, unsigned int id)
{
	char gdir[PATH_MAX], p[PATH_MAX + 16];
	struct dirent *de;
	DIR *dir;

	memset(g, 0, sizeof(*g));
	g->id = id;
	snprintf(gdir, sizeof(gdir), GT_GROUPS_DIR "/%u", id);
	snprintf(p, sizeof(p), "%s/type", gdir);
	if (gt_read(p, g->type, sizeof(g->type)))
		g->type[0] = '\0';
	snprintf(p, sizeof(p), "%s/devices", gdir);
	dir = opendir(p);
	if (!dir)
		return -errno;
	g->viable = true;
	while ((de = readdir(dir))) {
		struct gt_dev *d;

		if (de->d_name[0] == '.')
			continue;
		if (g->ndev >= GT_MAX_DEVS)
			break;
		d = &g->dev[g->ndev];
		if (gt_read_dev(d, gdir, de->d_name))
			continue;	/* vanished meanwhile */
		g->ndev++;
		if (d->kernel_dma)
			g->kernel_users++;
		if (d->blocks_viability)
			g->viable = false;
	}
	closedir(dir);
	return 0;
}

/* Read every IOMMU group, sorted by id. */
static inline int gt_read_all(struct gt *gt)
{
	unsigned int ids[GT_MAX_GROUPS];
	struct dirent *de;
	DIR *dir;
	int n = 0;

	memset(gt, 0, sizeof(*gt));
	dir = opendir(GT_GROUPS_DIR);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)) && n < GT_MAX_GROUPS) {
		char *end;
		unsigned long v = strtoul(de->d_name, &end, 10);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end)
			continue;
		ids[n++] = v;
	}
	closedir(dir);
	qsort(ids, n, sizeof(ids[0]), gt_cmp_uint);
	for (int i = 0; i < n; i++) {
		if (gt_read_group(&gt->g[gt->n], ids[i]))
			continue;
		gt->ndevs += gt->g[gt->n].ndev;
		gt->n++;
	}
	return 0;
}

static inline const struct gt_group *gt_find_group(const struct gt *gt, unsigned int id)
{
	for (int i = 0; i < gt->n; i++)
		if (gt->g[i].id == id)
			return &gt->g[i];
	return NULL;
}

static inline const struct gt_dev *gt_group_dev(const struct gt_group *g,
						const char *name)
{
	for (int i = 0; i < g->ndev; i++)
		if (!strcmp(g->dev[i].name, name))
			return &g->dev[i];
	return NULL;
}

/* Group of a device from its iommu_group link; -1 if none. */
static inline int gt_dev_group(const char *name)
{
	char p[PATH_MAX], b[64], *end;
	long v;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/iommu_group", name);
	gt_link_base(p, b, sizeof(b));
	if (!b[0])
		return -1;
	v = strtol(b, &end, 10);
	return *end ? -1 : (int)v;
}

/* Driver bound to a PCI device, "" if none. */
static inline void gt_dev_driver(const char *name, char *dst, size_t sz)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", name);
	gt_link_base(p, dst, sz);
}

/*
 * Find a PCI device by vendor/device (and, if drv is not NULL, the driver
 * it is bound to now, "" = unbound).  Prefers the skip'th match.  Returns
 * 0 and its name in dst, or -ENOENT.
 */
static inline int gt_find_pci(unsigned int vendor, unsigned int device,
			      const char *drv, int skip, char *dst, size_t sz)
{
	struct dirent *de;
	DIR *dir = opendir("/sys/bus/pci/devices");
	int ret = -ENOENT;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char p[PATH_MAX], d[GT_NAME];
		unsigned int v, dv;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", de->d_name);
		if (gt_read_hex(p, &v) || v != vendor)
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", de->d_name);
		if (gt_read_hex(p, &dv) || dv != device)
			continue;
		if (drv) {
			gt_dev_driver(de->d_name, d, sizeof(d));
			if (strcmp(d, drv))
				continue;
		}
		if (skip-- > 0)
			continue;
		gt_copy(dst, de->d_name, sz);
		ret = 0;
		break;
	}
	closedir(dir);
	return ret;
}

/* sysfs "type" of a group -> enum iogroup_domain_type, -1 if unknown. */
static inline int gt_domain_type(const char *type)
{
	if (!strcmp(type, "blocked"))
		return 1;	/* IOGROUP_DOMAIN_BLOCKED */
	if (!strcmp(type, "identity"))
		return 2;	/* IOGROUP_DOMAIN_IDENTITY */
	if (!strcmp(type, "unmanaged"))
		return 3;	/* IOGROUP_DOMAIN_UNMANAGED */
	if (!strcmp(type, "DMA"))
		return 4;	/* IOGROUP_DOMAIN_DMA */
	if (!strcmp(type, "DMA-FQ"))
		return 5;	/* IOGROUP_DOMAIN_DMA_FQ */
	return -1;
}

static inline bool gt_module_loaded(const char *mod)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "/sys/module/%s", mod);
	return stat(p, &st) == 0;
}

#endif /* IOGROUP_SYSFS_GT_H */
