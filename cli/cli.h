/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared declarations of the iogroup subcommands. */
#ifndef IOGROUP_CLI_CLI_H
#define IOGROUP_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct ig_nl;

#define EXIT_USAGE 2

/* Options of the commands that take them (main.c checks which do). */
struct ig_opts {
	bool json;
	bool unbind;			/* claim --unbind */
	bool restore;			/* claim --restore */
	bool force;			/* claim, detach --force */
	const char *driver;		/* detach --driver; NULL: vfio-pci */
	const char *output;		/* metrics --output FILE; NULL: stdout */
	char **exec_argv;		/* claim -- COMMAND [ARGS]; NULL-ended */
	const char *config;		/* apply --config; NULL: /etc/iogroup.conf */
	bool dry_run;			/* apply --dry-run */
	bool quiet;			/* detach called by apply: print nothing */
};

/* argv holds only the command's arguments (global options removed). */
typedef int (*ig_cmd_fn)(int argc, char **argv, const struct ig_opts *o);

int cmd_list(int argc, char **argv, const struct ig_opts *o);
int cmd_show(int argc, char **argv, const struct ig_opts *o);
int cmd_watch(int argc, char **argv, const struct ig_opts *o);
int cmd_stats(int argc, char **argv, const struct ig_opts *o);
int cmd_check(int argc, char **argv, const struct ig_opts *o);
int cmd_claim(int argc, char **argv, const struct ig_opts *o);
int cmd_release(int argc, char **argv, const struct ig_opts *o);
int cmd_detach(int argc, char **argv, const struct ig_opts *o);
int cmd_reattach(int argc, char **argv, const struct ig_opts *o);
int cmd_metrics(int argc, char **argv, const struct ig_opts *o);
int cmd_apply(int argc, char **argv, const struct ig_opts *o);

/* "iogroup: <cmd>: <message>" and the command's synopsis; returns 2. */
int ig_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "iogroup: <cmd> '<arg>': <msg>" and the command's synopsis; returns 2. */
int ig_usage_error_arg(const char *cmd, const char *arg, const char *msg);

/*
 * Print "iogroup: <what>: <error>" and, if the kernel gave one,
 * "iogroup: kernel says: <extack>".  @msg overrides the error text.
 */
void ig_report(const char *what, const struct ig_nl *nl, int err,
	       const char *msg);

/* Open a socket and resolve the family; on failure report it, return 1. */
int ig_connect(struct ig_nl **nl, bool watch, const char *what);

/*
 * GROUP|DEVICE argument: a group number sets *@id, anything else is a
 * device name (*@devname).  Returns 0, or 2 after a usage error.
 */
int ig_parse_group_arg(const char *cmd, const char *arg, uint32_t *id,
		       const char **devname);

/*
 * Read a group by id or (@devname) by one of its devices; on failure
 * report "<what>: no such group|device" (and the extack), return 1.
 */
int ig_read_group(struct ig_nl *nl, const char *what, uint32_t id,
		  const char *devname, struct ig_group *g);

/*
 * After a refused claim: "<what>: <error>", the extack and, for EBUSY
 * because of kernel drivers, each device that blocks the group and a hint
 * (@hint_unbind: "use --unbind to unbind them").
 */
void ig_report_claim(struct ig_nl *nl, const char *what, uint32_t id, int err,
		     bool hint_unbind);

/*
 * Host-impact guard (guard.h) over the devices of @g: 0 if nothing of the
 * host depends on them or @force (then each finding is printed as a
 * warning), else each finding is printed and 1 returned.
 */
int ig_guard_group(const char *what, const struct ig_group *g, bool force);

/* Report an output failure (write error, out of memory); returns 1. */
int ig_output_error(const char *what, int err);

#endif
