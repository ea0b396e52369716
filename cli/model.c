// SPDX-License-Identifier: GPL-2.0-only
/* Model helpers: freeing, and names of enum values and errnos. */
#define _GNU_SOURCE	/* strerrorname_np */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

void ig_group_free(struct ig_group *g)
{
	if (!g)
		return;
	free(g->mem);
	memset(g, 0, sizeof(*g));
}

void ig_group_list_free(struct ig_group_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		ig_group_free(&l->groups[i]);
	free(l->groups);
	l->groups = NULL;
	l->n = 0;
}

void ig_stats_free(struct ig_stats *s)
{
	if (!s)
		return;
	free(s->hooks);
	memset(s, 0, sizeof(*s));
}

void ig_event_free(struct ig_event *e)
{
	if (!e)
		return;
	free(e->device);
	free(e->driver);
	free(e->comm);
	free(e->drift);
	memset(e, 0, sizeof(*e));
}

const char *ig_domain_name(uint32_t domain)
{
	static const char *const names[] = {
		[IOGROUP_DOMAIN_NONE] = "none",
		[IOGROUP_DOMAIN_BLOCKED] = "blocked",
		[IOGROUP_DOMAIN_IDENTITY] = "identity",
		[IOGROUP_DOMAIN_UNMANAGED] = "unmanaged",
		[IOGROUP_DOMAIN_DMA] = "dma",
		[IOGROUP_DOMAIN_DMA_FQ] = "dma-fq",
		[IOGROUP_DOMAIN_OTHER] = "other",
	};

	/* A value newer than this CLI is a type we do not name: "other". */
	if (domain >= sizeof(names) / sizeof(names[0]))
		return "other";
	return names[domain];
}

const char *ig_owner_name(uint32_t kind)
{
	switch (kind) {
	case IOGROUP_OWNER_NONE:
		return "none";
	case IOGROUP_OWNER_KERNEL:
		return "kernel";
	case IOGROUP_OWNER_USER:
		return "user";
	case IOGROUP_OWNER_IOGROUP:
		return "iogroup";
	}
	return "unknown";
}

const char *ig_event_name(uint32_t type, char *buf, size_t len)
{
	static const char *const names[] = {
		[IOGROUP_EVENT_DEVICE_BOUND] = "device-bound",
		[IOGROUP_EVENT_DEVICE_UNBOUND] = "device-unbound",
		[IOGROUP_EVENT_BIND_FAILED] = "bind-failed",
		[IOGROUP_EVENT_GROUP_ADDED] = "group-added",
		[IOGROUP_EVENT_GROUP_REMOVED] = "group-removed",
		[IOGROUP_EVENT_OWNER_CHANGED] = "owner-changed",
		[IOGROUP_EVENT_DOMAIN_CHANGED] = "domain-changed",
		[IOGROUP_EVENT_DEVICE_ADDED] = "device-added",
		[IOGROUP_EVENT_DEVICE_REMOVED] = "device-removed",
		[IOGROUP_EVENT_RESYNC] = "resync",
		[IOGROUP_EVENT_DRIFT] = "drift",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	snprintf(buf, len, "unknown-%u", type);
	return buf;
}

/* Kernel-internal errnos that user space has no names for. */
static const struct {
	uint32_t err;
	const char *name;
	const char *desc;
} kernel_errnos[] = {
	{ 512, "ERESTARTSYS", "restart system call" },
	{ 513, "ERESTARTNOINTR", "restart system call" },
	{ 514, "ERESTARTNOHAND", "restart if no handler" },
	{ 515, "ENOIOCTLCMD", "no ioctl command" },
	{ 516, "ERESTART_RESTARTBLOCK", "restart by calling sys_restart_syscall" },
	{ 517, "EPROBE_DEFER", "probe deferred" },
	{ 518, "EOPENSTALE", "open found a stale dentry" },
	{ 519, "ENOPARAM", "parameter not supported" },
	{ 521, "EBADHANDLE", "illegal NFS file handle" },
	{ 522, "ENOTSYNC", "update synchronization mismatch" },
	{ 523, "EBADCOOKIE", "cookie is stale" },
	{ 524, "ENOTSUPP", "operation is not supported" },
	{ 525, "ETOOSMALL", "buffer or request is too small" },
	{ 526, "ESERVERFAULT", "an untranslatable error occurred" },
	{ 527, "EBADTYPE", "type not supported by server" },
	{ 528, "EJUKEBOX", "request initiated, but will not complete before timeout" },
	{ 529, "EIOCBQUEUED", "iocb queued, will get completion event" },
	{ 530, "ERECALLCONFLICT", "conflict with recalled state" },
};

const char *ig_errno_name(uint32_t err, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(kernel_errnos) / sizeof(kernel_errnos[0]); i++)
		if (kernel_errnos[i].err == err)
			return kernel_errnos[i].name;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	if (err <= 4095) {
		const char *n = strerrorname_np((int)err);

		if (n)
			return n;
	}
#endif
	snprintf(buf, len, "E%u", err);
	return buf;
}

const char *ig_errno_desc(uint32_t err)
{
	size_t i;

	for (i = 0; i < sizeof(kernel_errnos) / sizeof(kernel_errnos[0]); i++)
		if (kernel_errnos[i].err == err)
			return kernel_errnos[i].desc;
	if (err > 4095)
		return "unknown error";
	return strerror((int)err);
}
