// SPDX-License-Identifier: GPL-2.0-only
/*
 * iogroup: show the DMA ownership of IOMMU groups as tracked by the iogroup
 * kernel module.  Command dispatch, global options, help and version.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nl.h"

#ifndef IOGROUP_VERSION
#define IOGROUP_VERSION "0.1.0"
#endif

static int cmd_help(int argc, char **argv, const struct ig_opts *o);

static const struct ig_command {
	const char *name;
	ig_cmd_fn fn;
	int min_args, max_args;
	const char *args;		/* synopsis of the arguments */
	const char *description;	/* one line */
	const char *help;		/* details for "help COMMAND" */
} commands[] = {
	{ "list", cmd_list, 0, 0, "",
	  "list all IOMMU groups: owner, domain, viability, devices",
	  "One row per IOMMU group.  OWNER is none, kernel (a driver that uses\n"
	  "the kernel DMA API is bound) or user PID/COMM (VFIO, iommufd).\n"
	  "DOMAIN is the domain the group is attached to now.  VIABLE tells\n"
	  "whether VFIO would accept the group.  DEVICES lists name[driver]\n"
	  "(\"-\" for no driver).  A group marked ! disagrees with the kernel.\n" },
	{ "show", cmd_show, 1, 1, "GROUP|DEVICE",
	  "show one group in detail, by number or by one of its devices",
	  "GROUP is an IOMMU group number (as in /sys/kernel/iommu_groups);\n"
	  "anything else is a device name such as 0000:00:02.0.  Shows the\n"
	  "domain, the owner, the kernel DMA users, why the group is not viable\n"
	  "for VFIO (the devices that block it) and a table of its devices.\n" },
	{ "watch", cmd_watch, 0, 0, "",
	  "print ownership events as they happen, until interrupted",
	  "Subscribes to the \"events\" multicast group and prints one line per\n"
	  "event (one JSON object per line with -j) until SIGINT or SIGTERM,\n"
	  "then exits 0.  Lost events are reported on stderr.\n" },
	{ "stats", cmd_stats, 0, 0, "",
	  "print the module's counters",
	  "One \"name value\" line per counter of the module.\n" },
	{ "check", cmd_check, 0, 0, "",
	  "check that the module's shadow agrees with the kernel",
	  "Reads every group and names each one whose shadow disagrees with\n"
	  "the kernel (drift).  Exit status 1 if any group drifts, 0 if all\n"
	  "groups agree.\n" },
	{ "help", cmd_help, 0, 1, "[COMMAND]",
	  "show help about iogroup or one of its commands", "" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct ig_command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_synopsis(FILE *f, const struct ig_command *c)
{
	if (c->fn == cmd_help)
		fprintf(f, "usage: iogroup help %s\n", c->args);
	else
		fprintf(f, "usage: iogroup [-j] %s%s%s\n", c->name,
			*c->args ? " " : "", c->args);
}

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: iogroup [-j|--json] COMMAND [ARGS]\n"
		"       iogroup help [COMMAND]\n"
		"       iogroup --version\n"
		"\n"
		"Show who owns the DMA of each IOMMU group, as tracked by the\n"
		"iogroup kernel module.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < N_COMMANDS; i++) {
		char left[64];

		snprintf(left, sizeof(left), "%s%s%s", commands[i].name,
			 *commands[i].args ? " " : "", commands[i].args);
		fprintf(f, "  %-20s %s\n", left, commands[i].description);
	}
	fprintf(f,
		"\n"
		"Options (before or after the command):\n"
		"  -j, --json           JSON output on stdout (errors stay text on stderr)\n"
		"  -h, --help           show help (of the command)\n"
		"      --version        print the version\n"
		"\n"
		"Exit status: 0 ok, 1 failure (check: drift found), 2 usage error.\n"
		"See 'iogroup help COMMAND' for details about a command.\n");
}

static void print_command_help(FILE *f, const struct ig_command *c)
{
	print_synopsis(f, c);
	fprintf(f, "\n%c%s.\n", toupper((unsigned char)c->description[0]),
		c->description + 1);
	if (*c->help)
		fprintf(f, "\n%s", c->help);
	if (c->fn != cmd_help)
		fprintf(f, "\nOptions:\n"
			"  -j, --json   JSON output (schema: docs/cli.md)\n");
}

static int cmd_help(int argc, char **argv, const struct ig_opts *o)
{
	const struct ig_command *c;

	(void)o;
	if (argc == 0) {
		print_usage(stdout);
		return 0;
	}
	c = find_command(argv[0]);
	if (!c)
		return ig_usage_error("help", "unknown command '%s'", argv[0]);
	print_command_help(stdout, c);
	return 0;
}

static int usage_tail(const char *cmd)
{
	const struct ig_command *c = cmd ? find_command(cmd) : NULL;

	if (c)
		print_synopsis(stderr, c);
	else
		fprintf(stderr, "usage: iogroup [-j|--json] COMMAND [ARGS]\n"
			"Try 'iogroup help' for the list of commands.\n");
	return EXIT_USAGE;
}

int ig_usage_error_arg(const char *cmd, const char *arg, const char *msg)
{
	fprintf(stderr, "iogroup: %s '%s': %s\n", cmd, arg, msg);
	return usage_tail(cmd);
}

int ig_usage_error(const char *cmd, const char *fmt, ...)
{
	const struct ig_command *c = cmd ? find_command(cmd) : NULL;
	va_list ap;

	fprintf(stderr, "iogroup: ");
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c)
		print_synopsis(stderr, c);
	else
		fprintf(stderr, "usage: iogroup [-j|--json] COMMAND [ARGS]\n"
			"Try 'iogroup help' for the list of commands.\n");
	return EXIT_USAGE;
}

void ig_report(const char *what, const struct ig_nl *nl, int err,
	       const char *msg)
{
	const char *extack = ig_nl_extack(nl);

	if (err == IG_ERR_NOFAMILY) {
		fprintf(stderr, "iogroup: iogroup module not loaded and could not be loaded (modprobe iogroup)\n");
		return;
	}
	fprintf(stderr, "iogroup: %s: %s\n", what,
		msg ? msg : ig_nl_strerror(nl, err));
	if (extack)
		fprintf(stderr, "iogroup: kernel says: %s\n", extack);
}

int ig_connect(struct ig_nl **nl, bool watch, const char *what)
{
	int err = ig_nl_open(nl, watch);

	if (!err)
		return 0;
	ig_report(what, *nl, err, NULL);
	ig_nl_close(*nl);
	*nl = NULL;
	return 1;
}

int ig_output_error(const char *what, int err)
{
	fprintf(stderr, "iogroup: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

/* Returns -1 for an unknown option. */
static int parse_option(const char *arg, struct ig_opts *o, bool *help,
			bool *version)
{
	const char *p;

	if (!strcmp(arg, "--json")) {
		o->json = true;
		return 0;
	}
	if (!strcmp(arg, "--help")) {
		*help = true;
		return 0;
	}
	if (!strcmp(arg, "--version")) {
		*version = true;
		return 0;
	}
	if (arg[1] == '-')
		return -1;
	for (p = arg + 1; *p; p++) {
		if (*p == 'j')
			o->json = true;
		else if (*p == 'h')
			*help = true;
		else
			return -1;
	}
	return 0;
}

static int finish_stdout(int ret)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "iogroup: write error: %s\n", strerror(errno));
		return 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct ig_opts o = { 0 };
	bool help = false, version = false, dashdash = false;
	const struct ig_command *c;
	char **pos;
	int npos = 0, i;

	pos = calloc((size_t)argc + 1, sizeof(*pos));
	if (!pos) {
		fprintf(stderr, "iogroup: %s\n", strerror(ENOMEM));
		return 1;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || !a[1]) {
			pos[npos++] = argv[i];
		} else if (!strcmp(a, "--")) {
			dashdash = true;
		} else if (parse_option(a, &o, &help, &version) < 0) {
			i = ig_usage_error(npos ? pos[0] : NULL,
					   "unknown option '%s'", a);
			free(pos);
			return i;
		}
	}

	if (version) {
		free(pos);
		printf("iogroup %s\n", IOGROUP_VERSION);
		return finish_stdout(0);
	}
	if (!npos) {
		free(pos);
		if (help) {
			print_usage(stdout);
			return finish_stdout(0);
		}
		print_usage(stderr);
		return EXIT_USAGE;
	}
	c = find_command(pos[0]);
	if (!c) {
		i = ig_usage_error(NULL, "unknown command '%s'", pos[0]);
		free(pos);
		return i;
	}
	if (help) {
		free(pos);
		print_command_help(stdout, c);
		return finish_stdout(0);
	}
	if (npos - 1 < c->min_args)
		i = ig_usage_error(c->name, "missing argument %s", c->args);
	else if (npos - 1 > c->max_args)
		i = ig_usage_error(c->name, "unexpected argument '%s'",
				   pos[1 + c->max_args]);
	else
		i = finish_stdout(c->fn(npos - 1, pos + 1, &o));
	free(pos);
	return i;
}
