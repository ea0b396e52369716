// SPDX-License-Identifier: GPL-2.0-only
/* iogroup watch: print events until SIGINT or SIGTERM. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli.h"
#include "nl.h"
#include "output.h"

struct watch_state {
	bool json;
	bool have_seq;
	uint64_t last_seq;
};

static int on_event(const struct ig_event *ev, void *arg)
{
	struct watch_state *w = arg;
	int err;

	if (!ev) {
		fprintf(stderr, "iogroup: watch: receive buffer overrun, events were lost; re-read the groups\n");
		w->have_seq = false;
		return 0;
	}
	if (ev->has_seq) {
		if (w->have_seq && ev->seq != w->last_seq + 1 &&
		    ev->seq > w->last_seq)
			fprintf(stderr, "iogroup: watch: %" PRIu64 " event(s) lost (sequence %" PRIu64 " after %" PRIu64 ")\n",
				ev->seq - w->last_seq - 1, ev->seq,
				w->last_seq);
		w->have_seq = true;
		w->last_seq = ev->seq;
	}
	err = ig_print_event(stdout, ev, w->json);
	if (err)
		return err;
	if (fflush(stdout) || ferror(stdout))
		return errno ? -errno : -EIO;
	return 0;
}

int cmd_watch(int argc, char **argv, const struct ig_opts *o)
{
	struct watch_state w = { .json = o->json };
	struct ig_nl *nl;
	sigset_t set;
	int sfd, err;

	(void)argc;
	(void)argv;
	/* Block the signals first so none is lost before the loop runs. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		fprintf(stderr, "iogroup: watch: sigprocmask: %s\n", strerror(errno));
		return 1;
	}
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "iogroup: watch: signalfd: %s\n", strerror(errno));
		return 1;
	}
	if (ig_connect(&nl, true, "watch")) {
		close(sfd);
		return 1;
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "iogroup: watching events, Ctrl-C to stop\n");
	err = ig_nl_watch(nl, sfd, on_event, &w);
	if (err)
		ig_report("watch", nl, err, NULL);
	ig_nl_close(nl);
	close(sfd);
	return err ? 1 : 0;
}
