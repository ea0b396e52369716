/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Netlink side of the CLI.  nl.c is the only file that includes libnl; the
 * rest of the CLI sees the opaque struct ig_nl and the plain model structs.
 *
 * Functions return 0 on success or a negative errno.  Kernel errors are the
 * kernel's errno; local failures set a description that ig_nl_strerror()
 * returns instead of strerror().  ig_nl_extack() is the kernel's extended
 * ack message of the last error, or NULL.
 */
#ifndef IOGROUP_CLI_NL_H
#define IOGROUP_CLI_NL_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct ig_nl;

/* ig_nl_open(): the iogroup family is not registered (module not loaded). */
#define IG_ERR_NOFAMILY	(-100000)

/*
 * Open a generic netlink socket and resolve the iogroup family.  With
 * @watch, also resolve and join the "events" multicast group and prepare
 * the socket for unsolicited messages.  *@out is set even on failure (for
 * ig_nl_strerror()); always release it with ig_nl_close().
 */
int ig_nl_open(struct ig_nl **out, bool watch);
void ig_nl_close(struct ig_nl *nl);

const char *ig_nl_strerror(const struct ig_nl *nl, int err);
const char *ig_nl_extack(const struct ig_nl *nl);

/*
 * Dump all groups, ordered by group id (retried if the dump is interrupted).
 * @verify: ask the module to check each group against the kernel first
 * (IOGROUP_A_GROUP_VERIFY), so that the drift is current.
 */
int ig_nl_group_dump(struct ig_nl *nl, bool verify, struct ig_group_list *out);
/* One group, by id (@devname NULL) or by the name of one of its devices. */
int ig_nl_group_get(struct ig_nl *nl, uint32_t id, const char *devname,
		    struct ig_group *out);
int ig_nl_stats_get(struct ig_nl *nl, struct ig_stats *out);

/*
 * IOGROUP_CMD_CLAIM with IOGROUP_CLAIM_F_* @flags.  Without
 * IOGROUP_CLAIM_F_PERSISTENT the claim belongs to this socket: the kernel
 * releases it when the socket closes.  The socket is close-on-exec.
 */
int ig_nl_claim(struct ig_nl *nl, uint32_t id, uint32_t flags);
/* IOGROUP_CMD_RELEASE: -ENOENT if iogroup holds no claim on the group. */
int ig_nl_release(struct ig_nl *nl, uint32_t id);

/*
 * Called for each event; @ev is NULL when events were lost (receive buffer
 * overrun).  Return a negative errno to stop watching with that error.
 */
typedef int (*ig_event_cb)(const struct ig_event *ev, void *arg);

/* Deliver events until @stop_fd becomes readable (returns 0) or an error. */
int ig_nl_watch(struct ig_nl *nl, int stop_fd, ig_event_cb cb, void *arg);

#endif
