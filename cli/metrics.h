/* SPDX-License-Identifier: GPL-2.0-only */
/* iogroup metrics: the Prometheus text exposition format. */
#ifndef IOGROUP_CLI_METRICS_H
#define IOGROUP_CLI_METRICS_H

#include <stdio.h>

#include "model.h"

/* Every group of @l and the counters of @s; 0, or -EIO on a write error. */
int ig_print_metrics(FILE *f, const struct ig_group_list *l,
		     const struct ig_stats *s);

#endif
