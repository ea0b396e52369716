/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rendering of the model, human readable or JSON (json.c, streamed: nothing
 * is built in memory first).  Each function returns 0, or -EINVAL if its
 * JSON was misnested (a bug); write errors stay in the FILE's error flag.
 */
#ifndef IOGROUP_CLI_OUTPUT_H
#define IOGROUP_CLI_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"

int ig_print_groups(FILE *f, const struct ig_group_list *l, bool json);
int ig_print_group(FILE *f, const struct ig_group *g, bool json);
int ig_print_stats(FILE *f, const struct ig_stats *s, bool json);
/* One line per event; JSON is one object per line.  The caller flushes. */
int ig_print_event(FILE *f, const struct ig_event *e, bool json);
int ig_print_check(FILE *f, size_t groups_checked,
		   const struct ig_check_drift *drift, size_t n_drift,
		   bool json);

/* claim (without a command): "claimed group N". */
int ig_print_claim(FILE *f, uint32_t group, uint32_t flags, bool json);
int ig_print_release(FILE *f, uint32_t group, bool json);

struct ig_detach_result {
	uint32_t group;
	const char *driver;		/* vfio-pci or pci-stub */
	const char *const *devices;	/* the devices bound to it */
	size_t n_devices;
	bool viable;
};
int ig_print_detach(FILE *f, const struct ig_detach_result *r, bool json);

struct ig_reattach_dev {
	const char *device;
	const char *driver;		/* driver it got, NULL if none */
};
int ig_print_reattach(FILE *f, uint32_t group, const struct ig_reattach_dev *d,
		      size_t n, bool json);

/* apply: one item per IOMMU group the configuration selects. */
struct ig_apply_item {
	unsigned int line;		/* of the configuration file */
	const char *action;		/* claim or detach */
	const char *selector;		/* as written, normalised */
	uint32_t group;
	const char *devices;		/* "0000:00:02.0, ..." that matched */
	const char *driver;		/* detach only, else NULL */
	const char *result;		/* claimed, already-claimed, detached,
					 * already-detached, would-claim,
					 * would-detach, failed */
};
int ig_print_apply(FILE *f, const struct ig_apply_item *it, size_t n,
		   bool json);

#endif
