/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal raw generic-netlink client for the iogroup tests.
 *
 * Deliberately independent of libnl and of the CLI: plain AF_NETLINK
 * sockets, hand-built messages, hand-parsed replies.  Every request
 * reports the kernel's errno and its extack message (NETLINK_EXT_ACK +
 * NETLINK_CAP_ACK, NLMSGERR_ATTR_MSG), so tests can assert both.
 */
#ifndef IOGROUP_NL_H
#define IOGROUP_NL_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/iogroup.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define IOG_BUFSZ	(64 * 1024)
#define IOG_MAX_GROUPS	256
#define IOG_MAX_DEVS	32
#define IOG_NAME	128

/* ---------------------------------------------------------------- socket */

struct iog_sock {
	int fd;
	uint16_t family;	/* genl family id of "iogroup" */
	uint32_t mcgrp_events;	/* id of the "events" multicast group */
	uint32_t seq;
	uint32_t portid;
};

/* Outcome of one request: errno (0 = ok) and the extack message, if any. */
struct iog_err {
	int err;			/* positive errno, 0 on success */
	char msg[256];			/* NLMSGERR_ATTR_MSG, "" if none */
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS, 0 if none */
	bool has_offs;
	uint32_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE */
	bool has_miss_type;
};

struct iog_msg {
	union {
		struct nlmsghdr nlh;
		char buf[4096];
	};
};

static inline int iog_socket_raw(struct iog_sock *s)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof(sa);
	/* never hang: the kernel answers a request at once or not at all */
	struct timeval tmo = { .tv_sec = 10 };
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		return -errno;
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &salen) < 0 ||
	    setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) < 0 ||
	    setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)) < 0) {
		int e = errno;

		close(s->fd);
		s->fd = -1;
		return -e;
	}
	s->portid = sa.nl_pid;
	s->seq = (uint32_t)getpid() << 8;
	return 0;
}

static inline void iog_close(struct iog_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* ------------------------------------------------------- message building */

static inline void iog_msg_init(struct iog_msg *m, uint16_t type, uint16_t flags,
				uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	g = NLMSG_DATA(&m->nlh);
	g->cmd = cmd;
	g->version = version;
}

/* Raw attribute: any type (flags included) and any payload length. */
static inline struct nlattr *iog_put(struct iog_msg *m, uint16_t type,
				     const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh.nlmsg_len));

	if (NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_ALIGN(NLA_HDRLEN + len) > sizeof(m->buf))
		abort();
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(a->nla_len) - a->nla_len);
	m->nlh.nlmsg_len = NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static inline void iog_put_u8(struct iog_msg *m, uint16_t type, uint8_t v)
{
	iog_put(m, type, &v, 1);
}

static inline void iog_put_u32(struct iog_msg *m, uint16_t type, uint32_t v)
{
	iog_put(m, type, &v, 4);
}

static inline void iog_put_u64(struct iog_msg *m, uint16_t type, uint64_t v)
{
	iog_put(m, type, &v, 8);
}

/* NUL-terminated string attribute. */
static inline void iog_put_str(struct iog_msg *m, uint16_t type, const char *s)
{
	iog_put(m, type, s, strlen(s) + 1);
}

/* Append raw bytes after the last attribute (garbage / truncated attrs). */
static inline void iog_put_bytes(struct iog_msg *m, const void *data, size_t len)
{
	memcpy(m->buf + m->nlh.nlmsg_len, data, len);
	m->nlh.nlmsg_len += len;
}

/* ----------------------------------------------------- attribute parsing */

#define iog_for_each_attr(a, data, len)					\
	for (a = (struct nlattr *)(data);					\
	     (char *)a + NLA_HDRLEN <= (char *)(data) + (len) &&		\
	     a->nla_len >= NLA_HDRLEN &&					\
	     (char *)a + a->nla_len <= (char *)(data) + (len);			\
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

static inline void *iog_attr_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static inline int iog_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static inline int iog_attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

/* Fill tb[0..max] with the last attribute of each type; others NULL. */
static inline void iog_parse(const struct nlattr **tb, int max,
			     const void *data, int len)
{
	const struct nlattr *a;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	iog_for_each_attr(a, data, len)
		if (iog_attr_type(a) <= max)
			tb[iog_attr_type(a)] = a;
}

/*
 * Typed getters: return true and store the value only if the attribute
 * has exactly the expected length; a malformed attribute counts as a
 * wrong reply (callers assert on the return value).
 */
static inline bool iog_get_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || iog_attr_len(a) != 1)
		return false;
	*v = *(uint8_t *)iog_attr_data(a);
	return true;
}

static inline bool iog_get_u16(const struct nlattr *a, uint16_t *v)
{
	if (!a || iog_attr_len(a) != 2)
		return false;
	memcpy(v, iog_attr_data(a), 2);
	return true;
}

static inline bool iog_get_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || iog_attr_len(a) != 4)
		return false;
	memcpy(v, iog_attr_data(a), 4);
	return true;
}

static inline bool iog_get_u64(const struct nlattr *a, uint64_t *v)
{
	if (!a || iog_attr_len(a) != 8)
		return false;
	memcpy(v, iog_attr_data(a), 8);
	return true;
}

/* NUL-terminated string that fits in dst. */
static inline bool iog_get_str(const struct nlattr *a, char *dst, size_t dstsz)
{
	int len;

	if (!a)
		return false;
	len = iog_attr_len(a);
	if (len < 1 || (size_t)len > dstsz ||
	    ((char *)iog_attr_data(a))[len - 1] != '\0' ||
	    strlen(iog_attr_data(a)) != (size_t)len - 1)
		return false;
	memcpy(dst, iog_attr_data(a), len);
	return true;
}

static inline bool iog_get_flag(const struct nlattr *a)
{
	return a && iog_attr_len(a) == 0;
}

/* --------------------------------------------------- send and receive */

static inline int iog_send(struct iog_sock *s, struct iog_msg *m)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n;

	m->nlh.nlmsg_seq = ++s->seq;
	m->nlh.nlmsg_pid = 0;
	n = sendto(s->fd, m->buf, m->nlh.nlmsg_len, 0,
		   (struct sockaddr *)&sa, sizeof(sa));
	if (n < 0)
		return -errno;
	if ((size_t)n != m->nlh.nlmsg_len)
		return -EMSGSIZE;
	return 0;
}

/* Extract errno and extack text from an NLMSG_ERROR or NLMSG_DONE. */
static inline void iog_parse_ack(const struct nlmsghdr *nlh, struct iog_err *e)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *attrs;
	int alen, err;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(int))) {
			e->err = 0;
			return;
		}
		memcpy(&err, NLMSG_DATA(nlh), sizeof(int));
		e->err = -err;
		attrs = (const char *)NLMSG_DATA(nlh) + sizeof(int);
		alen = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(int));
	} else {
		const struct nlmsgerr *ne = NLMSG_DATA(nlh);
		size_t hlen = sizeof(*ne);

		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ne))) {
			e->err = EBADMSG;
			return;
		}
		e->err = -ne->error;
		/* without NETLINK_CAP_ACK the request is echoed back */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			hlen += ne->msg.nlmsg_len - sizeof(ne->msg);
		attrs = (const char *)ne + hlen;
		alen = (int)nlh->nlmsg_len - (int)NLMSG_LENGTH(hlen);
	}
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || alen <= 0)
		return;
	iog_parse(tb, NLMSGERR_ATTR_MAX, attrs, alen);
	if (tb[NLMSGERR_ATTR_MSG]) {
		int l = iog_attr_len(tb[NLMSGERR_ATTR_MSG]);

		if (l >= (int)sizeof(e->msg))
			l = sizeof(e->msg) - 1;
		memcpy(e->msg, iog_attr_data(tb[NLMSGERR_ATTR_MSG]), l);
		e->msg[l] = '\0';
	}
	if (tb[NLMSGERR_ATTR_OFFS] &&
	    iog_get_u32(tb[NLMSGERR_ATTR_OFFS], &e->offs))
		e->has_offs = true;
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    iog_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE], &e->miss_type))
		e->has_miss_type = true;
}

/*
 * Called once per reply message (not for the final ack); the genl payload
 * (after genlmsghdr) is handed over.  Return <0 to record an error.
 */
typedef int (*iog_cb)(const struct nlmsghdr *nlh, const struct genlmsghdr *g,
		      const void *attrs, int alen, void *arg);

/*
 * Send m, then read until the request is over: the ack (do with
 * NLM_F_ACK) or NLMSG_DONE (dump).  Returns 0 or -errno; e (may be NULL)
 * gets the errno and extack.  Messages with another seq are ignored.
 * The socket must not be subscribed to multicast groups.
 */
static inline int iog_request(struct iog_sock *s, struct iog_msg *m,
			      iog_cb cb, void *arg, struct iog_err *e)
{
	static char buf[IOG_BUFSZ];
	struct iog_err tmp;
	bool dump = (m->nlh.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	int ret, cbret = 0;

	if (!e)
		e = &tmp;
	memset(e, 0, sizeof(*e));
	if (!dump)
		m->nlh.nlmsg_flags |= NLM_F_ACK;
	ret = iog_send(s, m);
	if (ret < 0) {
		e->err = -ret;
		snprintf(e->msg, sizeof(e->msg), "sendto: %s", strerror(-ret));
		return ret;
	}
	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n;

		/* SO_RCVTIMEO (iog_socket_raw()): one system call, no poll() */
		n = recv(s->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			e->err = ETIMEDOUT;
			snprintf(e->msg, sizeof(e->msg), "test: no answer from the kernel");
			return -e->err;
		}
		if (n < 0) {
			e->err = errno;
			snprintf(e->msg, sizeof(e->msg), "recv: %s", strerror(errno));
			return -e->err;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != s->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_DONE) {
				iog_parse_ack(nlh, e);
				if (!e->err && cbret < 0) {
					e->err = -cbret;
					snprintf(e->msg, sizeof(e->msg),
						 "test: malformed reply");
				}
				return -e->err;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			if (cb && nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN)) {
				const struct genlmsghdr *g = NLMSG_DATA(nlh);
				int r = cb(nlh, g, (const char *)g + GENL_HDRLEN,
					   nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
					   arg);
				if (r < 0 && !cbret)
					cbret = r;
			}
			if (!dump && !(m->nlh.nlmsg_flags & NLM_F_ACK))
				return cbret;
		}
	}
}

/* ------------------------------------------------- family resolution */

struct iog_family_ctx {
	uint16_t id;
	uint32_t mcgrp;
	bool found_id;
};

static inline int iog_family_cb(const struct nlmsghdr *nlh,
				const struct genlmsghdr *g,
				const void *attrs, int alen, void *arg)
{
	struct iog_family_ctx *c = arg;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *grp;

	(void)nlh;
	(void)g;
	iog_parse(tb, CTRL_ATTR_MAX, attrs, alen);
	if (iog_get_u16(tb[CTRL_ATTR_FAMILY_ID], &c->id))
		c->found_id = true;
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	iog_for_each_attr(grp, iog_attr_data(tb[CTRL_ATTR_MCAST_GROUPS]),
			  iog_attr_len(tb[CTRL_ATTR_MCAST_GROUPS])) {
		const struct nlattr *gt[CTRL_ATTR_MCAST_GRP_MAX + 1];
		char name[GENL_NAMSIZ];
		uint32_t id;

		iog_parse(gt, CTRL_ATTR_MCAST_GRP_MAX, iog_attr_data(grp),
			  iog_attr_len(grp));
		if (iog_get_str(gt[CTRL_ATTR_MCAST_GRP_NAME], name, sizeof(name)) &&
		    iog_get_u32(gt[CTRL_ATTR_MCAST_GRP_ID], &id) &&
		    !strcmp(name, IOGROUP_MCGRP_EVENTS))
			c->mcgrp = id;
	}
	return 0;
}

/* Resolve the family (and its "events" group) on an open socket. */
static inline int iog_resolve(struct iog_sock *s, struct iog_err *e)
{
	struct iog_family_ctx c = { 0 };
	struct iog_msg m;
	int ret;

	iog_msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	iog_put_str(&m, CTRL_ATTR_FAMILY_NAME, IOGROUP_FAMILY_NAME);
	ret = iog_request(s, &m, iog_family_cb, &c, e);
	if (ret < 0)
		return ret;
	if (!c.found_id)
		return -EBADMSG;
	s->family = c.id;
	s->mcgrp_events = c.mcgrp;
	return 0;
}

/* Open a socket and resolve the family: 0 or -errno. */
static inline int iog_open(struct iog_sock *s, struct iog_err *e)
{
	int ret = iog_socket_raw(s);

	if (ret < 0)
		return ret;
	ret = iog_resolve(s, e);
	if (ret < 0)
		iog_close(s);
	return ret;
}

/* Join the "events" multicast group. */
static inline int iog_subscribe(struct iog_sock *s)
{
	int grp = s->mcgrp_events;

	if (!grp)
		return -ENOENT;
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &grp, sizeof(grp)) < 0)
		return -errno;
	return 0;
}

/* -------------------------------------------------- decoded objects */

struct iog_dev {
	char name[IOG_NAME];
	char bus[32];
	bool has_vendor, has_device, has_class;
	uint16_t vendor, device;
	uint32_t class;
	bool bridge;
	bool has_driver;
	char driver[IOG_NAME];
	bool driver_managed_dma, kernel_dma, blocks_viability;
	bool has_last_errno;
	uint32_t last_errno;
	bool has_failed_driver;
	char failed_driver[IOG_NAME];
};

struct iog_owner {
	uint32_t kind;
	bool has_pid, has_comm, has_caller, has_since;
	uint32_t pid;
	char comm[32];
	char caller[IOG_NAME];
	uint64_t since;
	bool persistent, restore;
	int nunbound;
	char unbound[8][IOG_NAME];	/* "device driver" */
};

struct iog_group {
	uint32_t id;
	bool has_domain, has_default_domain, has_kernel_users, has_owner,
	     has_viable, has_kernel_claimed, has_drift, has_generation;
	uint32_t domain, default_domain, kernel_users;
	struct iog_owner owner;
	uint8_t viable, kernel_claimed;
	char drift[512];
	uint64_t generation;
	int ndev;
	struct iog_dev dev[IOG_MAX_DEVS];
	char bad[160];		/* first malformed attribute, "" if none */
};

static inline void iog_bad(struct iog_group *g, const char *what)
{
	if (!g->bad[0])
		snprintf(g->bad, sizeof(g->bad), "%s", what);
}

static inline void iog_decode_dev(struct iog_group *g, struct iog_dev *d,
				  const struct nlattr *nest)
{
	const struct nlattr *tb[IOGROUP_A_DEVICE_MAX + 1];

	memset(d, 0, sizeof(*d));
	iog_parse(tb, IOGROUP_A_DEVICE_MAX, iog_attr_data(nest), iog_attr_len(nest));
	if (!iog_get_str(tb[IOGROUP_A_DEVICE_NAME], d->name, sizeof(d->name)))
		iog_bad(g, "device NAME missing or malformed");
	if (tb[IOGROUP_A_DEVICE_BUS] &&
	    !iog_get_str(tb[IOGROUP_A_DEVICE_BUS], d->bus, sizeof(d->bus)))
		iog_bad(g, "device BUS malformed");
	if (tb[IOGROUP_A_DEVICE_VENDOR] &&
	    !(d->has_vendor = iog_get_u16(tb[IOGROUP_A_DEVICE_VENDOR], &d->vendor)))
		iog_bad(g, "device VENDOR not a u16");
	if (tb[IOGROUP_A_DEVICE_DEVICE] &&
	    !(d->has_device = iog_get_u16(tb[IOGROUP_A_DEVICE_DEVICE], &d->device)))
		iog_bad(g, "device DEVICE not a u16");
	if (tb[IOGROUP_A_DEVICE_CLASS] &&
	    !(d->has_class = iog_get_u32(tb[IOGROUP_A_DEVICE_CLASS], &d->class)))
		iog_bad(g, "device CLASS not a u32");
	if (tb[IOGROUP_A_DEVICE_DRIVER] &&
	    !(d->has_driver = iog_get_str(tb[IOGROUP_A_DEVICE_DRIVER], d->driver,
					  sizeof(d->driver))))
		iog_bad(g, "device DRIVER malformed");
	if (tb[IOGROUP_A_DEVICE_LAST_ERRNO] &&
	    !(d->has_last_errno = iog_get_u32(tb[IOGROUP_A_DEVICE_LAST_ERRNO],
					      &d->last_errno)))
		iog_bad(g, "device LAST_ERRNO not a u32");
	if (tb[IOGROUP_A_DEVICE_LAST_FAILED_DRIVER] &&
	    !(d->has_failed_driver = iog_get_str(tb[IOGROUP_A_DEVICE_LAST_FAILED_DRIVER],
						 d->failed_driver,
						 sizeof(d->failed_driver))))
		iog_bad(g, "device LAST_FAILED_DRIVER malformed");
#define IOG_FLAG(attr, field, what)					\
	do {								\
		if (tb[attr]) {						\
			if (iog_get_flag(tb[attr]))			\
				d->field = true;			\
			else						\
				iog_bad(g, "device " what " not a flag"); \
		}							\
	} while (0)
	IOG_FLAG(IOGROUP_A_DEVICE_BRIDGE, bridge, "BRIDGE");
	IOG_FLAG(IOGROUP_A_DEVICE_DRIVER_MANAGED_DMA, driver_managed_dma,
		 "DRIVER_MANAGED_DMA");
	IOG_FLAG(IOGROUP_A_DEVICE_KERNEL_DMA, kernel_dma, "KERNEL_DMA");
	IOG_FLAG(IOGROUP_A_DEVICE_BLOCKS_VIABILITY, blocks_viability,
		 "BLOCKS_VIABILITY");
#undef IOG_FLAG
}

static inline void iog_decode_owner(struct iog_group *g, const struct nlattr *nest)
{
	const struct nlattr *tb[IOGROUP_A_OWNER_MAX + 1], *a;
	struct iog_owner *o = &g->owner;

	iog_parse(tb, IOGROUP_A_OWNER_MAX, iog_attr_data(nest), iog_attr_len(nest));
	if (!iog_get_u32(tb[IOGROUP_A_OWNER_KIND], &o->kind))
		iog_bad(g, "owner KIND missing or not a u32");
	if (tb[IOGROUP_A_OWNER_PID] &&
	    !(o->has_pid = iog_get_u32(tb[IOGROUP_A_OWNER_PID], &o->pid)))
		iog_bad(g, "owner PID not a u32");
	if (tb[IOGROUP_A_OWNER_COMM] &&
	    !(o->has_comm = iog_get_str(tb[IOGROUP_A_OWNER_COMM], o->comm,
					sizeof(o->comm))))
		iog_bad(g, "owner COMM malformed");
	if (tb[IOGROUP_A_OWNER_CALLER] &&
	    !(o->has_caller = iog_get_str(tb[IOGROUP_A_OWNER_CALLER], o->caller,
					  sizeof(o->caller))))
		iog_bad(g, "owner CALLER malformed");
	if (tb[IOGROUP_A_OWNER_SINCE] &&
	    !(o->has_since = iog_get_u64(tb[IOGROUP_A_OWNER_SINCE], &o->since)))
		iog_bad(g, "owner SINCE not a u64");
	if (tb[IOGROUP_A_OWNER_PERSISTENT] &&
	    !(o->persistent = iog_get_flag(tb[IOGROUP_A_OWNER_PERSISTENT])))
		iog_bad(g, "owner PERSISTENT not a flag");
	if (tb[IOGROUP_A_OWNER_RESTORE] &&
	    !(o->restore = iog_get_flag(tb[IOGROUP_A_OWNER_RESTORE])))
		iog_bad(g, "owner RESTORE not a flag");
	iog_for_each_attr(a, iog_attr_data(nest), iog_attr_len(nest)) {
		if (iog_attr_type(a) != IOGROUP_A_OWNER_UNBOUND)
			continue;
		if (o->nunbound >= 8 ||
		    !iog_get_str(a, o->unbound[o->nunbound], sizeof(o->unbound[0])))
			iog_bad(g, "owner UNBOUND malformed");
		else
			o->nunbound++;
	}
}

/* Decode one GROUP_GET reply; problems are recorded in g->bad. */
static inline void iog_decode_group(struct iog_group *g, const void *attrs, int alen)
{
	const struct nlattr *tb[IOGROUP_A_GROUP_MAX + 1], *a;

	memset(g, 0, sizeof(*g));
	iog_parse(tb, IOGROUP_A_GROUP_MAX, attrs, alen);
	if (!iog_get_u32(tb[IOGROUP_A_GROUP_ID], &g->id))
		iog_bad(g, "group ID missing or not a u32");
	if (tb[IOGROUP_A_GROUP_DEVICE_NAME])
		iog_bad(g, "request-only DEVICE_NAME in a reply");
	g->has_domain = iog_get_u32(tb[IOGROUP_A_GROUP_DOMAIN], &g->domain);
	if (tb[IOGROUP_A_GROUP_DOMAIN] && !g->has_domain)
		iog_bad(g, "DOMAIN not a u32");
	g->has_default_domain = iog_get_u32(tb[IOGROUP_A_GROUP_DEFAULT_DOMAIN],
					    &g->default_domain);
	if (tb[IOGROUP_A_GROUP_DEFAULT_DOMAIN] && !g->has_default_domain)
		iog_bad(g, "DEFAULT_DOMAIN not a u32");
	g->has_kernel_users = iog_get_u32(tb[IOGROUP_A_GROUP_KERNEL_USERS],
					  &g->kernel_users);
	if (tb[IOGROUP_A_GROUP_KERNEL_USERS] && !g->has_kernel_users)
		iog_bad(g, "KERNEL_USERS not a u32");
	if (tb[IOGROUP_A_GROUP_OWNER]) {
		g->has_owner = true;
		iog_decode_owner(g, tb[IOGROUP_A_GROUP_OWNER]);
	}
	g->has_viable = iog_get_u8(tb[IOGROUP_A_GROUP_VIABLE], &g->viable);
	if (tb[IOGROUP_A_GROUP_VIABLE] && !g->has_viable)
		iog_bad(g, "VIABLE not a u8");
	g->has_kernel_claimed = iog_get_u8(tb[IOGROUP_A_GROUP_KERNEL_CLAIMED],
					   &g->kernel_claimed);
	if (tb[IOGROUP_A_GROUP_KERNEL_CLAIMED] && !g->has_kernel_claimed)
		iog_bad(g, "KERNEL_CLAIMED not a u8");
	if (tb[IOGROUP_A_GROUP_DRIFT] &&
	    !(g->has_drift = iog_get_str(tb[IOGROUP_A_GROUP_DRIFT], g->drift,
					 sizeof(g->drift))))
		iog_bad(g, "DRIFT malformed");
	g->has_generation = iog_get_u64(tb[IOGROUP_A_GROUP_GENERATION],
					&g->generation);
	if (tb[IOGROUP_A_GROUP_GENERATION] && !g->has_generation)
		iog_bad(g, "GENERATION not a u64");
	iog_for_each_attr(a, attrs, alen) {
		if (iog_attr_type(a) != IOGROUP_A_GROUP_DEVICE)
			continue;
		if (g->ndev >= IOG_MAX_DEVS) {
			iog_bad(g, "too many devices for the test");
			break;
		}
		iog_decode_dev(g, &g->dev[g->ndev++], a);
	}
}

static inline const struct iog_dev *iog_group_dev(const struct iog_group *g,
						  const char *name)
{
	for (int i = 0; i < g->ndev; i++)
		if (!strcmp(g->dev[i].name, name))
			return &g->dev[i];
	return NULL;
}

/* ------------------------------------------------------ GROUP_GET */

struct iog_groups {
	int n;
	bool bad_cmd;		/* a reply with a cmd other than GROUP_GET */
	struct iog_group g[IOG_MAX_GROUPS];
};

static inline int iog_groups_cb(const struct nlmsghdr *nlh,
				const struct genlmsghdr *gh,
				const void *attrs, int alen, void *arg)
{
	struct iog_groups *gs = arg;

	(void)nlh;
	if (gh->cmd != IOGROUP_CMD_GROUP_GET)
		gs->bad_cmd = true;
	if (gs->n >= IOG_MAX_GROUPS)
		return -E2BIG;
	iog_decode_group(&gs->g[gs->n++], attrs, alen);
	return 0;
}

/* Dump all groups into gs (caller-allocated, it's big). */
static inline int iog_dump_groups(struct iog_sock *s, struct iog_groups *gs,
				  struct iog_err *e)
{
	struct iog_msg m;

	memset(gs, 0, sizeof(*gs));
	iog_msg_init(&m, s->family, NLM_F_DUMP, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	return iog_request(s, &m, iog_groups_cb, gs, e);
}

static inline const struct iog_group *iog_find_group(const struct iog_groups *gs,
						     uint32_t id)
{
	for (int i = 0; i < gs->n; i++)
		if (gs->g[i].id == id)
			return &gs->g[i];
	return NULL;
}

/* Send a prepared GROUP_GET do; exactly one reply expected in gs. */
static inline int iog_get_group_msg(struct iog_sock *s, struct iog_msg *m,
				    struct iog_groups *gs, struct iog_err *e)
{
	memset(gs, 0, sizeof(*gs));
	return iog_request(s, m, iog_groups_cb, gs, e);
}

/* Dump all groups with VERIFY: the module checks them against the kernel first. */
static inline int iog_dump_groups_verify(struct iog_sock *s, struct iog_groups *gs,
					 struct iog_err *e)
{
	struct iog_msg m;

	iog_msg_init(&m, s->family, NLM_F_DUMP, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	iog_put(&m, IOGROUP_A_GROUP_VERIFY, NULL, 0);
	return iog_get_group_msg(s, &m, gs, e);
}

static inline int iog_get_group_by_id(struct iog_sock *s, uint32_t id,
				      struct iog_groups *gs, struct iog_err *e)
{
	struct iog_msg m;

	iog_msg_init(&m, s->family, 0, IOGROUP_CMD_GROUP_GET, IOGROUP_FAMILY_VERSION);
	iog_put_u32(&m, IOGROUP_A_GROUP_ID, id);
	return iog_get_group_msg(s, &m, gs, e);
}

static inline int iog_get_group_by_name(struct iog_sock *s, const char *name,
					struct iog_groups *gs, struct iog_err *e)
{
	struct iog_msg m;

	iog_msg_init(&m, s->family, 0, IOGROUP_CMD_GROUP_GET, IOGROUP_FAMILY_VERSION);
	iog_put_str(&m, IOGROUP_A_GROUP_DEVICE_NAME, name);
	return iog_get_group_msg(s, &m, gs, e);
}

/* ------------------------------------------------------ STATS_GET */

struct iog_stats {
	/* raw attributes by type, to check presence and lengths */
	int len[IOGROUP_A_STATS_MAX + 1];	/* -1: absent */
	uint64_t u64[IOGROUP_A_STATS_MAX + 1];	/* u64 and u32 values */
	char hooks[512];
	int replies;
	bool bad_cmd;
};

static inline int iog_stats_cb(const struct nlmsghdr *nlh,
			       const struct genlmsghdr *gh,
			       const void *attrs, int alen, void *arg)
{
	struct iog_stats *st = arg;
	const struct nlattr *a;

	(void)nlh;
	st->replies++;
	if (gh->cmd != IOGROUP_CMD_STATS_GET)
		st->bad_cmd = true;
	iog_for_each_attr(a, attrs, alen) {
		int t = iog_attr_type(a);
		uint32_t v32;

		if (t > IOGROUP_A_STATS_MAX)
			continue;
		st->len[t] = iog_attr_len(a);
		if (st->len[t] == 8)
			iog_get_u64(a, &st->u64[t]);
		else if (st->len[t] == 4 && t != IOGROUP_A_STATS_HOOKS &&
			 iog_get_u32(a, &v32))
			st->u64[t] = v32;
		if (t == IOGROUP_A_STATS_HOOKS &&
		    !iog_get_str(a, st->hooks, sizeof(st->hooks)))
			st->hooks[0] = '\0';
	}
	return 0;
}

static inline int iog_get_stats(struct iog_sock *s, struct iog_stats *st,
				struct iog_err *e)
{
	struct iog_msg m;

	memset(st, 0, sizeof(*st));
	for (int i = 0; i <= IOGROUP_A_STATS_MAX; i++)
		st->len[i] = -1;
	iog_msg_init(&m, s->family, 0, IOGROUP_CMD_STATS_GET, IOGROUP_FAMILY_VERSION);
	return iog_request(s, &m, iog_stats_cb, st, e);
}

/* ---------------------------------------------------------- events */

struct iog_event {
	uint8_t cmd;
	bool has_type, has_seq, has_ts, has_group, has_device, has_driver,
	     has_errno, has_owner, has_pid, has_comm, has_domain;
	uint32_t type, group, err, owner, pid, domain;
	uint64_t seq, ts;
	char device[IOG_NAME], driver[IOG_NAME], comm[32];
	char bad[128];
};

static inline void iog_decode_event(struct iog_event *ev, uint8_t cmd,
				    const void *attrs, int alen)
{
	const struct nlattr *tb[IOGROUP_A_EVENT_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	ev->cmd = cmd;
	iog_parse(tb, IOGROUP_A_EVENT_MAX, attrs, alen);
#define IOG_EV(attr, has, get, ...)					\
	do {								\
		if (tb[attr] && !(ev->has = get(tb[attr], __VA_ARGS__)) && \
		    !ev->bad[0])					\
			snprintf(ev->bad, sizeof(ev->bad),		\
				 "malformed " #attr);			\
	} while (0)
	IOG_EV(IOGROUP_A_EVENT_TYPE, has_type, iog_get_u32, &ev->type);
	IOG_EV(IOGROUP_A_EVENT_SEQ, has_seq, iog_get_u64, &ev->seq);
	IOG_EV(IOGROUP_A_EVENT_TIMESTAMP, has_ts, iog_get_u64, &ev->ts);
	IOG_EV(IOGROUP_A_EVENT_GROUP_ID, has_group, iog_get_u32, &ev->group);
	IOG_EV(IOGROUP_A_EVENT_DEVICE, has_device, iog_get_str, ev->device,
	       sizeof(ev->device));
	IOG_EV(IOGROUP_A_EVENT_DRIVER, has_driver, iog_get_str, ev->driver,
	       sizeof(ev->driver));
	IOG_EV(IOGROUP_A_EVENT_ERRNO, has_errno, iog_get_u32, &ev->err);
	IOG_EV(IOGROUP_A_EVENT_OWNER, has_owner, iog_get_u32, &ev->owner);
	IOG_EV(IOGROUP_A_EVENT_PID, has_pid, iog_get_u32, &ev->pid);
	IOG_EV(IOGROUP_A_EVENT_COMM, has_comm, iog_get_str, ev->comm,
	       sizeof(ev->comm));
	IOG_EV(IOGROUP_A_EVENT_DOMAIN, has_domain, iog_get_u32, &ev->domain);
#undef IOG_EV
	if (!ev->has_type && !ev->bad[0])
		snprintf(ev->bad, sizeof(ev->bad), "event without TYPE");
}

/*
 * Wait up to timeout_ms for the next event on a subscribed socket.
 * Returns 1 with *ev filled, 0 on timeout, -errno on error (-ENOBUFS:
 * the socket overran).  Non-iogroup messages are skipped.
 */
static inline int iog_next_event(struct iog_sock *s, int timeout_ms,
				 struct iog_event *ev)
{
	static char buf[IOG_BUFSZ];
	static int pending_len, pending_off;

	for (;;) {
		while (pending_off < pending_len) {
			struct nlmsghdr *nlh = (struct nlmsghdr *)(buf + pending_off);
			int rem = pending_len - pending_off;

			if (!NLMSG_OK(nlh, rem)) {
				pending_off = pending_len;
				break;
			}
			pending_off += NLMSG_ALIGN(nlh->nlmsg_len);
			if (nlh->nlmsg_type != s->family ||
			    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
				continue;
			const struct genlmsghdr *g = NLMSG_DATA(nlh);

			iog_decode_event(ev, g->cmd, (const char *)g + GENL_HDRLEN,
					 nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
			return 1;
		}
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		int r = poll(&pfd, 1, timeout_ms);

		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		pending_len = n;
		pending_off = 0;
	}
}

/* Drop whatever events are queued on s, an overrun included. */
static inline void iog_drain_events(struct iog_sock *s)
{
	struct iog_event ev;
	int ret;

	do
		ret = iog_next_event(s, 0, &ev);
	while (ret == 1 || ret == -ENOBUFS);
}

static inline const char *iog_event_name(uint32_t t)
{
	static const char *const names[] = {
		"unspec", "device-bound", "device-unbound", "bind-failed",
		"group-added", "group-removed", "owner-changed",
		"domain-changed", "device-added", "device-removed", "resync",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

/* CLAIM or RELEASE of group id (flags only if has_flags). */
static inline int iog_claim_req(struct iog_sock *s, uint8_t cmd, uint32_t id,
				bool has_flags, uint32_t flags,
				struct iog_err *e)
{
	struct iog_msg m;

	iog_msg_init(&m, s->family, 0, cmd, IOGROUP_FAMILY_VERSION);
	iog_put_u32(&m, IOGROUP_A_GROUP_ID, id);
	if (has_flags)
		iog_put_u32(&m, IOGROUP_A_GROUP_CLAIM_FLAGS, flags);
	return iog_request(s, &m, NULL, NULL, e);
}

#endif /* IOGROUP_NL_H */
