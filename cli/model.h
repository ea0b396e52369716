/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Plain C model of what the iogroup family reports.  nl.c fills these from
 * netlink messages; output.c renders them.  No libnl types here.
 */
#ifndef IOGROUP_CLI_MODEL_H
#define IOGROUP_CLI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/iogroup.h>

/* IOGROUP_A_OWNER_UNBOUND "device driver", split. */
struct ig_unbound {
	char *device;
	char *driver;			/* NULL if the kernel gave none */
};

struct ig_owner {
	uint32_t kind;			/* enum iogroup_owner_kind */
	bool has_pid;
	uint32_t pid;
	char *comm;			/* NULL if absent */
	char *caller;			/* NULL if absent */
	bool has_since;
	uint64_t since_ns;		/* CLOCK_BOOTTIME */
	/* IOGROUP_OWNER_IOGROUP only: */
	bool persistent;		/* outlives its socket */
	bool restore;			/* unbound drivers probed on release */
	size_t n_unbound;
	struct ig_unbound *unbound;	/* devices whose driver it unbound */
};

struct ig_device {
	char *name;
	char *bus;			/* NULL if absent */
	bool has_vendor, has_device, has_class;
	uint16_t vendor;
	uint16_t device;
	uint32_t class_code;
	bool bridge;
	char *driver;			/* NULL if unbound */
	bool driver_managed_dma;
	bool kernel_dma;
	bool blocks_viability;
	bool has_last_errno;
	uint32_t last_errno;		/* positive */
	char *last_failed_driver;	/* NULL if absent */
};

struct ig_group {
	uint32_t id;
	uint32_t domain;		/* enum iogroup_domain_type */
	bool has_default_domain;
	uint32_t default_domain;
	uint32_t kernel_users;
	struct ig_owner owner;
	bool viable;
	bool has_kernel_claimed;
	bool kernel_claimed;
	char *drift;			/* NULL if the shadow agrees */
	uint64_t generation;
	size_t n_devices;
	struct ig_device *devices;
	/* nl.c's one allocation for the devices, unbound list and strings */
	void *mem;
};

struct ig_group_list {
	size_t n;
	struct ig_group *groups;
};

#define IG_STATS_SLOTS (IOGROUP_A_STATS_MAX + 1)

struct ig_stats {
	bool has[IG_STATS_SLOTS];	/* indexed by IOGROUP_A_STATS_* */
	uint64_t val[IG_STATS_SLOTS];
	char *hooks;			/* NULL if absent */
};

struct ig_event {
	uint32_t type;			/* enum iogroup_event_type */
	bool has_seq, has_timestamp, has_group, has_errno, has_owner,
	     has_pid, has_domain;
	uint64_t seq;
	uint64_t timestamp_ns;		/* CLOCK_BOOTTIME */
	uint32_t group;
	char *device;			/* NULL if absent */
	char *driver;			/* NULL if absent */
	uint32_t err;			/* positive errno */
	uint32_t owner;			/* enum iogroup_owner_kind */
	uint32_t pid;
	char *comm;			/* NULL if absent */
	uint32_t domain;		/* enum iogroup_domain_type */
	char *drift;			/* DRIFT: what disagrees; NULL if none */
};

struct ig_check_drift {
	uint32_t group;
	const char *drift;
};

void ig_group_free(struct ig_group *g);
void ig_group_list_free(struct ig_group_list *l);
void ig_stats_free(struct ig_stats *s);
void ig_event_free(struct ig_event *e);

/* Names used by both human and JSON output. */
const char *ig_domain_name(uint32_t domain);
const char *ig_owner_name(uint32_t kind);
const char *ig_event_name(uint32_t type, char *buf, size_t len);
const char *ig_errno_name(uint32_t err, char *buf, size_t len);
const char *ig_errno_desc(uint32_t err);

#endif
