/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared declarations of the iogroup subcommands. */
#ifndef IOGROUP_CLI_CLI_H
#define IOGROUP_CLI_CLI_H

#include <stdbool.h>

struct ig_nl;

#define EXIT_USAGE 2

struct ig_opts {
	bool json;
};

/* argv holds only the command's arguments (global options removed). */
typedef int (*ig_cmd_fn)(int argc, char **argv, const struct ig_opts *o);

int cmd_list(int argc, char **argv, const struct ig_opts *o);
int cmd_show(int argc, char **argv, const struct ig_opts *o);
int cmd_watch(int argc, char **argv, const struct ig_opts *o);
int cmd_stats(int argc, char **argv, const struct ig_opts *o);
int cmd_check(int argc, char **argv, const struct ig_opts *o);

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

/* Report an output failure (write error, out of memory); returns 1. */
int ig_output_error(const char *what, int err);

#endif
