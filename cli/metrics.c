// SPDX-License-Identifier: GPL-2.0-only
/*
 * iogroup metrics [--output FILE]: group ownership and the module's counters
 * in the Prometheus text exposition format (version 0.0.4), for the node
 * exporter's textfile collector.  --output writes FILE atomically (a
 * temporary file in the same directory, renamed over it), so the collector
 * never reads half a file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "metrics.h"
#include "nl.h"

/* Write @text to @path through a temporary file renamed over it. */
static int write_atomic(const char *path, const char *text, size_t len)
{
	char *tmp;
	FILE *f;
	int fd, err = 0;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return ig_output_error("metrics", ENOMEM);
	fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "iogroup: metrics: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return 1;
	}
	/* Readable by the collector, like a file written without umask. */
	if (fchmod(fd, 0644))
		err = errno;
	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		close(fd);
	} else {
		if (!err && fwrite(text, 1, len, f) != len)
			err = errno ? errno : EIO;
		if (fflush(f) && !err)
			err = errno;
		if (!err && fsync(fileno(f)))
			err = errno;
		if (fclose(f) && !err)
			err = errno;
	}
	if (!err && rename(tmp, path))
		err = errno;
	if (err) {
		fprintf(stderr, "iogroup: metrics: %s: %s\n", path, strerror(err));
		unlink(tmp);
	}
	free(tmp);
	return err ? 1 : 0;
}

int cmd_metrics(int argc, char **argv, const struct ig_opts *o)
{
	struct ig_group_list l;
	struct ig_stats s;
	struct ig_nl *nl;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	(void)argc;
	(void)argv;
	if (o->json)
		return ig_usage_error("metrics",
				      "no JSON form (the output is the Prometheus text format)");
	if (ig_connect(&nl, false, "metrics"))
		return 1;
	err = ig_nl_group_dump(nl, false, &l);
	if (err) {
		ig_report("metrics", nl, err, NULL);
		ig_nl_close(nl);
		return 1;
	}
	err = ig_nl_stats_get(nl, &s);
	if (err) {
		ig_report("metrics", nl, err, NULL);
		ig_nl_close(nl);
		ig_group_list_free(&l);
		return 1;
	}
	ig_nl_close(nl);

	/* Rendered whole first: nothing is written if that fails. */
	f = open_memstream(&buf, &len);
	if (!f) {
		err = -errno;
	} else {
		err = ig_print_metrics(f, &l, &s);
		if (fclose(f) && !err)
			err = -ENOMEM;
	}
	ig_group_list_free(&l);
	ig_stats_free(&s);
	if (err) {
		free(buf);
		return ig_output_error("metrics", err);
	}
	if (o->output)
		err = write_atomic(o->output, buf, len);
	else if (fwrite(buf, 1, len, stdout) != len)
		err = ig_output_error("metrics", errno ? errno : EIO);
	free(buf);
	return err;
}
