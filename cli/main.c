// SPDX-License-Identifier: GPL-2.0-only
/*
 * iogroup: show the DMA ownership of IOMMU groups as tracked by the iogroup
 * kernel module.  Command dispatch, global options, help and version.
 */
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
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

/* Command options (after the command name); bits of ig_command.opts. */
#define OPT_UNBIND	(1U << 0)
#define OPT_RESTORE	(1U << 1)
#define OPT_FORCE	(1U << 2)
#define OPT_DRIVER	(1U << 3)
#define OPT_OUTPUT	(1U << 4)
#define OPT_CONFIG	(1U << 5)
#define OPT_DRY_RUN	(1U << 6)

static const struct ig_cmd_option {
	const char *name;
	unsigned int bit;
	bool has_arg;
	const char *help;
} cmd_options[] = {
	{ "--unbind", OPT_UNBIND, false,
	  "unbind the kernel DMA-API drivers of the group first" },
	{ "--restore", OPT_RESTORE, false,
	  "with --unbind: probe those devices again on release" },
	{ "--force", OPT_FORCE, false,
	  "override the host-impact guard (warns what it overrides)" },
	{ "--driver", OPT_DRIVER, true,
	  "vfio-pci (default) or pci-stub" },
	{ "--output", OPT_OUTPUT, true,
	  "write FILE atomically (temporary file, rename) instead of stdout" },
	{ "--config", OPT_CONFIG, true,
	  "the configuration file (default /etc/iogroup.conf)" },
	{ "--dry-run", OPT_DRY_RUN, false,
	  "only print what would be done" },
};

#define N_CMD_OPTIONS (sizeof(cmd_options) / sizeof(cmd_options[0]))

static const struct ig_command {
	const char *name;
	ig_cmd_fn fn;
	int min_args, max_args;
	const char *args;		/* synopsis of the arguments */
	const char *description;	/* one line */
	const char *help;		/* details for "help COMMAND" */
	unsigned int opts;		/* OPT_* it accepts */
	bool exec;			/* takes "-- COMMAND [ARGS...]" */
	bool no_json;			/* has no -j form */
} commands[] = {
	{ "list", cmd_list, 0, 0, "",
	  "list all IOMMU groups: owner, domain, viability, devices",
	  "One row per IOMMU group.  OWNER is none, kernel (a driver that uses\n"
	  "the kernel DMA API is bound), user PID/COMM (VFIO, iommufd) or\n"
	  "iogroup PID/COMM (claimed with 'iogroup claim').\n"
	  "DOMAIN is the domain the group is attached to now.  VIABLE tells\n"
	  "whether VFIO would accept the group.  DEVICES lists name[driver]\n"
	  "(\"-\" for no driver).  A group marked ! disagrees with the kernel.\n",
	  0, false, false },
	{ "show", cmd_show, 1, 1, "GROUP|DEVICE",
	  "show one group in detail, by number or by one of its devices",
	  "GROUP is an IOMMU group number (as in /sys/kernel/iommu_groups);\n"
	  "anything else is a device name such as 0000:00:02.0.  Shows the\n"
	  "domain, the owner, the kernel DMA users, why the group is not viable\n"
	  "for VFIO (the devices that block it) and a table of its devices.\n",
	  0, false, false },
	{ "watch", cmd_watch, 0, 0, "",
	  "print ownership events as they happen, until interrupted",
	  "Subscribes to the \"events\" multicast group and prints one line per\n"
	  "event (one JSON object per line with -j) until SIGINT or SIGTERM,\n"
	  "then exits 0.  Lost events are reported on stderr.\n",
	  0, false, false },
	{ "stats", cmd_stats, 0, 0, "",
	  "print the module's counters",
	  "One \"name value\" line per counter of the module.\n",
	  0, false, false },
	{ "check", cmd_check, 0, 0, "",
	  "check that the module's shadow agrees with the kernel",
	  "Has the module check every group against the kernel now and names\n"
	  "each one whose shadow disagrees with it (drift).  Exit status 1 if any group drifts, 0 if all\n"
	  "groups agree.\n",
	  0, false, false },
	{ "claim", cmd_claim, 1, 1,
	  "GROUP|DEVICE [--unbind [--restore]] [--force] [-- COMMAND [ARGS...]]",
	  "take a group away from the kernel: block its DMA, veto kernel drivers",
	  "Claims the IOMMU group (a number, or the group of a device) through\n"
	  "the module: its DMA is blocked and no driver that uses the kernel\n"
	  "DMA API can bind to its devices (vfio-pci and pci-stub still can).\n"
	  "Needs CAP_SYS_ADMIN.\n"
	  "\n"
	  "Without COMMAND the claim is persistent: it stays until 'iogroup\n"
	  "release GROUP' (or the module is unloaded); prints \"claimed group N\".\n"
	  "With -- COMMAND the claim belongs to this process: iogroup runs\n"
	  "COMMAND, forwards SIGINT, SIGTERM and SIGHUP to it, releases the claim\n"
	  "when it ends and exits with its status (128+N if killed by signal N).\n"
	  "If iogroup dies (even by SIGKILL) the kernel releases the claim.\n"
	  "\n"
	  "A kernel driver bound in the group makes the claim fail (the devices\n"
	  "are listed) unless --unbind; before unbinding, iogroup refuses when a\n"
	  "device backs a mounted file system or swap, carries a network\n"
	  "interface that is up with addresses, or drives the console; --force\n"
	  "overrides that.\n",
	  OPT_UNBIND | OPT_RESTORE | OPT_FORCE, true, false },
	{ "release", cmd_release, 1, 1, "GROUP|DEVICE",
	  "give a group claimed by iogroup back to the kernel",
	  "Releases the claim that iogroup holds on the group: the kernel's\n"
	  "default domain is restored (and with a claim --restore, the drivers\n"
	  "it unbound are probed again).  Fails if iogroup holds no claim on it.\n"
	  "Needs CAP_SYS_ADMIN.\n",
	  0, false, false },
	{ "detach", cmd_detach, 1, 1, "GROUP|DEVICE [--driver vfio-pci|pci-stub] [--force]",
	  "hand a whole group to vfio-pci (or pci-stub) without races",
	  "Checks the host impact (as claim --unbind; --force overrides), claims\n"
	  "the group with --unbind so no kernel driver can grab a device in\n"
	  "between, loads the driver if needed (modprobe), binds every device\n"
	  "of the group except bridges to it through driver_override, releases\n"
	  "the claim and checks that the group is viable for VFIO.  On failure\n"
	  "the claim is released and what happened is reported (exit 1); the\n"
	  "devices stay unbound, 'iogroup reattach GROUP' gives them back.\n",
	  OPT_DRIVER | OPT_FORCE, false, false },
	{ "reattach", cmd_reattach, 1, 1, "GROUP|DEVICE",
	  "give a detached group back to the host drivers",
	  "For each device of the group bound to vfio-pci or pci-stub, with a\n"
	  "driver_override, or unbound: clears driver_override, unbinds it and\n"
	  "asks the PCI bus to probe it, then prints \"DEVICE -> DRIVER\" (or\n"
	  "\"-> none\").  Refuses while the group is claimed by iogroup or owned\n"
	  "by user space (VFIO in use).\n",
	  0, false, false },
	{ "metrics", cmd_metrics, 0, 0, "[--output FILE]",
	  "print group ownership and counters as Prometheus metrics",
	  "Prints every group's owner, domain, viability, claim, drift and\n"
	  "devices (with their drivers) and the module's counters in the\n"
	  "Prometheus text exposition format, for the node exporter's textfile\n"
	  "collector: iogroup_group_info{group,owner,domain,default_domain},\n"
	  "iogroup_group_owner_pid{group,owner,comm}, iogroup_group_claimed,\n"
	  "iogroup_group_viable, iogroup_group_devices,\n"
	  "iogroup_group_kernel_users, iogroup_group_drift (each {group}),\n"
	  "iogroup_device_info{group,device,driver},\n"
	  "iogroup_device_blocks_viability{group,device} and the counters of\n"
	  "'iogroup stats' as iogroup_*_total (gauges for what is held now).\n"
	  "With --output FILE the text goes to FILE through a temporary file in\n"
	  "the same directory renamed over it, so a reader never sees half of it;\n"
	  "on failure FILE is left as it was.  There is no JSON form.\n",
	  OPT_OUTPUT, false, true },
	{ "apply", cmd_apply, 0, 0, "[--config FILE] [--dry-run]",
	  "claim or detach the groups /etc/iogroup.conf declares (at boot)",
	  "Reads the configuration (default /etc/iogroup.conf; format in\n"
	  "docs/iogroup.conf.md): one 'claim DEVICE' or 'detach DEVICE\n"
	  "[driver=vfio-pci|pci-stub]' per line, DEVICE a PCI address\n"
	  "(0000:00:02.0) or vendor:device (8086:10d3), optionally 'force'.\n"
	  "The whole file is checked first: an error names FILE:LINE and\n"
	  "nothing is applied.  Then for each IOMMU group a line selects: claim\n"
	  "makes a persistent claim (unbinding a kernel driver bound already,\n"
	  "after the host-impact guard), detach hands the group to the driver\n"
	  "as 'iogroup detach' does.  Groups claimed or detached already are\n"
	  "left as they are, so apply can run again.  Run it before the host\n"
	  "drivers load (initramfs or early systemd unit: see contrib/).\n"
	  "Prints one line per group; exit status 1 if any group failed.\n",
	  OPT_CONFIG | OPT_DRY_RUN, false, false },
	{ "help", cmd_help, 0, 1, "[COMMAND]",
	  "show help about iogroup or one of its commands", "", 0, false, false },
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
		fprintf(f, "usage: iogroup %s%s%s%s\n",
			c->no_json ? "" : "[-j] ", c->name,
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
		"iogroup kernel module, and hand groups to VFIO safely.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < N_COMMANDS; i++) {
		char left[128];

		snprintf(left, sizeof(left), "%s%s%s", commands[i].name,
			 *commands[i].args ? " " : "", commands[i].args);
		if (strlen(left) > 20)
			fprintf(f, "  %s\n  %-20s %s\n", left, "",
				commands[i].description);
		else
			fprintf(f, "  %-20s %s\n", left,
				commands[i].description);
	}
	fprintf(f,
		"\n"
		"Options (before or after the command):\n"
		"  -j, --json           JSON output on stdout (errors stay text on stderr)\n"
		"  -h, --help           show help (of the command)\n"
		"      --version        print the version\n"
		"\n"
		"Exit status: 0 ok, 1 failure (check: drift found), 2 usage error;\n"
		"claim -- COMMAND: the exit status of COMMAND.\n"
		"See 'iogroup help COMMAND' for details about a command.\n");
}

static void print_command_help(FILE *f, const struct ig_command *c)
{
	print_synopsis(f, c);
	fprintf(f, "\n%c%s.\n", toupper((unsigned char)c->description[0]),
		c->description + 1);
	if (*c->help)
		fprintf(f, "\n%s", c->help);
	if (c->fn != cmd_help) {
		size_t i;

		fprintf(f, "\nOptions:\n");
		for (i = 0; i < N_CMD_OPTIONS; i++)
			if (c->opts & cmd_options[i].bit)
				fprintf(f, "  %-18s %s\n",
					cmd_options[i].bit == OPT_DRIVER ?
					"--driver DRIVER" :
					cmd_options[i].bit == OPT_OUTPUT ?
					"--output FILE" :
					cmd_options[i].bit == OPT_CONFIG ?
					"--config FILE" : cmd_options[i].name,
					cmd_options[i].help);
		if (!c->no_json)
			fprintf(f, "  %-18s %s\n", "-j, --json",
				"JSON output (schema: docs/cli.md)");
	}
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

/*
 * A command option of @c at argv[*i] ("--driver X" or "--driver=X").
 * Returns 1 if it was one, 0 if not, or an exit status (2) after a usage
 * error.
 */
static int parse_cmd_option(const struct ig_command *c, int argc, char **argv,
			    int *i, struct ig_opts *o)
{
	const char *a = argv[*i];
	size_t k, len;

	for (k = 0; k < N_CMD_OPTIONS; k++) {
		const struct ig_cmd_option *opt = &cmd_options[k];
		const char *val = NULL;

		if (!(c->opts & opt->bit))
			continue;
		len = strlen(opt->name);
		if (strncmp(a, opt->name, len))
			continue;
		if (a[len] == '=' && opt->has_arg)
			val = a + len + 1;
		else if (a[len])
			continue;
		if (opt->has_arg && !val) {
			if (*i + 1 >= argc)
				return ig_usage_error(c->name,
						      "option '%s' needs an argument",
						      opt->name);
			val = argv[++*i];
		}
		switch (opt->bit) {
		case OPT_UNBIND:
			o->unbind = true;
			break;
		case OPT_RESTORE:
			o->restore = true;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_DRIVER:
			if (strcmp(val, "vfio-pci") && strcmp(val, "pci-stub"))
				return ig_usage_error(c->name,
					"--driver '%s': must be vfio-pci or pci-stub",
					val);
			o->driver = val;
			break;
		case OPT_OUTPUT:
			if (!*val)
				return ig_usage_error(c->name,
						      "--output: empty file name");
			o->output = val;
			break;
		case OPT_CONFIG:
			if (!*val)
				return ig_usage_error(c->name,
						      "--config: empty file name");
			o->config = val;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		}
		return 1;
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

/*
 * libnl allocates a receive buffer of MSG_BUF_SIZE (64 KiB) for every
 * recvmsg() and frees it once its messages are handled.  At the top of the
 * heap, glibc's default trim threshold handed those pages back to the
 * kernel at each free and took them again, zeroed, at the next receive: a
 * `list` of 268 groups made 8 brk() calls and faulted the same pages in
 * over and over (perf in the bench VM: brk() nearly as costly as the
 * kernel's whole dump of the groups).  Keep freed memory and grow the
 * heap in large steps: 3 brk() calls, and `list -j` 6 to 11% faster
 * there in every round of one VM (README, Performance).  Untouched
 * pages of the pad cost nothing; a long `watch` keeps at most 4 MiB it
 * freed.
 */
static void tune_malloc(void)
{
#if defined(M_TRIM_THRESHOLD) && defined(M_TOP_PAD)
	mallopt(M_TOP_PAD, 1 << 20);
	mallopt(M_TRIM_THRESHOLD, 4 << 20);
#endif
}

int main(int argc, char **argv)
{
	struct ig_opts o = { 0 };
	bool help = false, version = false, dashdash = false;
	const struct ig_command *c = NULL;
	char **pos;
	int npos = 0, i, r;

	tune_malloc();
	pos = calloc((size_t)argc + 1, sizeof(*pos));
	if (!pos) {
		fprintf(stderr, "iogroup: %s\n", strerror(ENOMEM));
		return 1;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (c && c->exec && !strcmp(a, "--")) {
			/* claim GROUP -- COMMAND [ARGS...]: the rest is its. */
			if (i + 1 >= argc) {
				free(pos);
				return ig_usage_error(c->name,
						      "missing COMMAND after '--'");
			}
			o.exec_argv = argv + i + 1;
			break;
		}
		if (dashdash || a[0] != '-' || !a[1]) {
			pos[npos++] = argv[i];
			if (npos == 1)
				c = find_command(a);
		} else if (!strcmp(a, "--")) {
			dashdash = true;
		} else if (c && (r = parse_cmd_option(c, argc, argv, &i, &o))) {
			if (r != 1) {
				free(pos);
				return r;
			}
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
	if (o.restore && !o.unbind)
		i = ig_usage_error(c->name, "--restore requires --unbind");
	else if (npos - 1 < c->min_args)
		i = ig_usage_error(c->name, "missing argument %.*s",
				   (int)strcspn(c->args, " "), c->args);
	else if (npos - 1 > c->max_args)
		i = ig_usage_error(c->name, "unexpected argument '%s'",
				   pos[1 + c->max_args]);
	else
		i = finish_stdout(c->fn(npos - 1, pos + 1, &o));
	free(pos);
	return i;
}
