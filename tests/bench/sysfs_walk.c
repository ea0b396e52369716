// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs_walk: the facts `iogroup list` gives, read from sysfs as fast as a
 * C program can (the benchmark's fair alternative, and ground truth for
 * tests/list_agree.sh):
 *
 *   group -> devices -> driver -> domain type
 *
 * One line per device, "GROUP<TAB>TYPE<TAB>DEVICE<TAB>DRIVER", where TYPE
 * is /sys/kernel/iommu_groups/GROUP/type in lower case ("-" on kernels
 * without it) and DRIVER the name the device's driver link points to ("-"
 * if unbound).  Groups and devices in readdir order; one write at the end.
 *
 * Directories are read with getdents64 on O_DIRECTORY descriptors and
 * every other path is resolved relative to them (openat, readlinkat): the
 * fewest syscalls and path walks sysfs allows.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROOT	"/sys/kernel/iommu_groups"

static char *out;
static size_t out_len, out_cap;

static void emit(const char *s, size_t n)
{
	if (out_len + n > out_cap) {
		out_cap = (out_cap + n) * 2;
		out = realloc(out, out_cap);
		if (!out) {
			perror("sysfs_walk: realloc");
			exit(1);
		}
	}
	memcpy(out + out_len, s, n);
	out_len += n;
}

/* Calls fn(dirfd, name) for each entry of directory fd but . and .. */
static void for_each_entry(int fd, void (*fn)(int, const char *, void *),
			   void *arg)
{
	char buf[16384];
	long n;

	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			off += d->d_reclen;
			if (d->d_name[0] == '.' &&
			    (!d->d_name[1] || (d->d_name[1] == '.' && !d->d_name[2])))
				continue;
			fn(fd, d->d_name, arg);
		}
	}
}

struct grp {
	const char *id;
	char type[32];
};

static void device(int devs, const char *name, void *arg)
{
	struct grp *g = arg;
	char path[300], link[512];
	const char *drv = "-", *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", name);
	n = readlinkat(devs, path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		slash = strrchr(link, '/');
		drv = slash ? slash + 1 : link;
	}
	emit(g->id, strlen(g->id));
	emit("\t", 1);
	emit(g->type, strlen(g->type));
	emit("\t", 1);
	emit(name, strlen(name));
	emit("\t", 1);
	emit(drv, strlen(drv));
	emit("\n", 1);
}

static void group(int root, const char *id, void *arg)
{
	struct grp g = { .id = id, .type = "-" };
	char path[300];
	int fd, devs;
	ssize_t n;

	(void)arg;
	snprintf(path, sizeof(path), "%s/type", id);
	fd = openat(root, path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, g.type, sizeof(g.type) - 1);
		close(fd);
		if (n > 0) {
			g.type[n] = '\0';
			g.type[strcspn(g.type, "\n")] = '\0';
			for (char *p = g.type; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p += 'a' - 'A';
		} else {
			strcpy(g.type, "-");
		}
	}
	snprintf(path, sizeof(path), "%s/devices", id);
	devs = openat(root, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devs < 0)
		return;		/* the group went away meanwhile */
	for_each_entry(devs, device, &g);
	close(devs);
}

int main(void)
{
	int root = open(ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (root < 0) {
		fprintf(stderr, "sysfs_walk: %s: %s\n", ROOT, strerror(errno));
		return 1;
	}
	for_each_entry(root, group, NULL);
	close(root);
	for (size_t off = 0; off < out_len;) {
		ssize_t n = write(1, out + off, out_len - off);

		if (n < 0) {
			perror("sysfs_walk: write");
			return 1;
		}
		off += n;
	}
	return 0;
}
