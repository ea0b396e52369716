// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic netlink transport and message parsing for the iogroup CLI.
 * This is the only file of the CLI that includes libnl headers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Attempts at a group dump that the kernel flags NLM_F_DUMP_INTR. */
#define DUMP_RETRIES		10
#define MSG_BUF_SIZE		(64 * 1024)
#define QUERY_RCVBUF		(256 * 1024)
#define WATCH_RCVBUF		(4 * 1024 * 1024)

struct ig_nl {
	struct nl_sock *sk;
	int family;
	char extack[512];
	char errstr[256];
};

/* State of one request/response exchange. */
struct req {
	struct ig_nl *nl;
	int (*parse)(struct ig_nl *nl, struct nlmsghdr *nlh, void *arg);
	void *arg;
	int err;		/* 0 or negative errno */
	bool done;
};

static int set_errstr(struct ig_nl *nl, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_errstr(struct ig_nl *nl, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nl->errstr, sizeof(nl->errstr), fmt, ap);
	va_end(ap);
	return err;
}

/* A libnl error: keep libnl's text, return an errno that fits. */
static int lib_err(struct ig_nl *nl, int nlerr)
{
	int err;

	if (nlerr < 0)
		nlerr = -nlerr;
	switch (nlerr) {
	case NLE_NOMEM:
		err = -ENOMEM;
		break;
	case NLE_PERM:
		err = -EPERM;
		break;
	case NLE_NOACCESS:
		err = -EACCES;
		break;
	case NLE_AGAIN:
		err = -EAGAIN;
		break;
	default:
		err = -EIO;
		break;
	}
	return set_errstr(nl, err, "%s", nl_geterror(nlerr));
}

static int malformed(struct ig_nl *nl, const char *what)
{
	return set_errstr(nl, -EBADMSG, "malformed reply from the kernel (%s)",
			  what);
}

const char *ig_nl_strerror(const struct ig_nl *nl, int err)
{
	if (nl && nl->errstr[0])
		return nl->errstr;
	if (err < 0)
		err = -err;
	return strerror(err);
}

const char *ig_nl_extack(const struct ig_nl *nl)
{
	return nl && nl->extack[0] ? nl->extack : NULL;
}

static void reset_error(struct ig_nl *nl)
{
	nl->errstr[0] = '\0';
	nl->extack[0] = '\0';
}

/* ------------------------------------------------------------------ */
/* Extended ack                                                        */

static void parse_ack_tlvs(struct ig_nl *nl, const struct nlmsghdr *nlh,
			   size_t ack_len)
{
	static const struct nla_policy pol[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
		[NLMSGERR_ATTR_OFFS] = { .type = NLA_U32 },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_len <= ack_len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + ack_len),
		      (int)(nlh->nlmsg_len - ack_len), pol) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->extack, sizeof(nl->extack), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
}

/*
 * libnl 3.7 does not parse extended acks: walk the TLVs that follow the
 * struct nlmsgerr (and the echoed request unless NLM_F_CAPPED) ourselves.
 * libnl hands us the payload; the header sits right before it.
 */
static int error_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct req *r = arg;
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)e - 1;
	size_t ack_len = NLMSG_HDRLEN + sizeof(*e);

	(void)who;
	r->err = e->error < 0 ? e->error : -EPROTO;
	r->done = true;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return NL_STOP;
		ack_len += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	}
	parse_ack_tlvs(r->nl, nlh, ack_len);
	return NL_STOP;
}

/* NLMSG_DONE of a dump: may carry an error (and TLVs) after the int. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int e;

	r->done = true;
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
		memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
		if (e < 0) {
			r->err = e;
			parse_ack_tlvs(r->nl, nlh, NLMSG_LENGTH(sizeof(int)));
		}
	}
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	if (r->err)
		return NL_SKIP;	/* drain the rest after a parse error */
	if (!genlmsg_valid_hdr(nlh, 0)) {
		r->err = malformed(r->nl, "short generic netlink header");
		return NL_SKIP;
	}
	err = r->parse(r->nl, nlh, r->arg);
	if (err)
		r->err = err;
	return NL_SKIP;
}

/*
 * Send @msg (consumed) and receive replies until the ack, the end of the
 * dump or an error.  Returns 0, a negative errno, or -EINTR when a dump was
 * interrupted (NLM_F_DUMP_INTR) and should be retried.
 */
static int transact(struct ig_nl *nl, struct nl_msg *msg,
		    int (*parse)(struct ig_nl *, struct nlmsghdr *, void *),
		    void *arg)
{
	struct req r = { .nl = nl, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &r);

	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		ret = lib_err(nl, ret);
		goto out;
	}
	ret = 0;
	while (!r.done) {
		int n = nl_recvmsgs(nl->sk, cb);

		/*
		 * An error from the kernel (error_cb returns NL_STOP, which
		 * libnl turns into a negative libnl code) or from parsing
		 * wins over what nl_recvmsgs() says.
		 */
		if (r.err)
			break;
		if (n == -NLE_DUMP_INTR) {
			ret = -EINTR;
			goto out;
		}
		if (n < 0) {
			ret = lib_err(nl, n);
			goto out;
		}
	}
	ret = r.err;
out:
	nl_cb_put(cb);
	return ret;
}

static struct nl_msg *new_request(struct ig_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, IOGROUP_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* ------------------------------------------------------------------ */
/* Socket                                                              */

static int enable_sockopt(struct ig_nl *nl, int opt, const char *name)
{
	int one = 1;

	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, opt, &one,
		       sizeof(one)) < 0 && errno != ENOPROTOOPT)
		return set_errstr(nl, -errno, "setsockopt %s: %s", name,
				  strerror(errno));
	return 0;
}

int ig_nl_open(struct ig_nl **out, bool watch)
{
	struct ig_nl *nl;
	int ret, grp;

	*out = nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return set_errstr(nl, -ENOMEM, "cannot allocate netlink socket");
	ret = genl_connect(nl->sk);
	if (ret < 0)
		return lib_err(nl, ret);
	/*
	 * A claim belongs to this socket: a child that exec()s must not
	 * inherit it, or the claim would outlive us.  libnl >= 3.2.x opens
	 * it with SOCK_CLOEXEC; make sure.
	 */
	if (fcntl(nl_socket_get_fd(nl->sk), F_SETFD, FD_CLOEXEC) < 0)
		return set_errstr(nl, -errno, "fcntl FD_CLOEXEC: %s",
				  strerror(errno));
	ret = enable_sockopt(nl, NETLINK_EXT_ACK, "NETLINK_EXT_ACK");
	if (!ret)
		ret = enable_sockopt(nl, NETLINK_CAP_ACK, "NETLINK_CAP_ACK");
	if (ret)
		return ret;
	ret = nl_socket_set_buffer_size(nl->sk,
					watch ? WATCH_RCVBUF : QUERY_RCVBUF, 0);
	if (ret < 0)
		return lib_err(nl, ret);
	ret = nl_socket_set_msg_buf_size(nl->sk, MSG_BUF_SIZE);
	if (ret < 0)
		return lib_err(nl, ret);
	/* Peek at each message's size first: a group can exceed the buffer. */
	nl_socket_enable_msg_peek(nl->sk);

	/* The kernel tries "modprobe net-pf-16-proto-16-family-iogroup". */
	nl->family = genl_ctrl_resolve(nl->sk, IOGROUP_FAMILY_NAME);
	if (nl->family == -NLE_OBJ_NOTFOUND)
		return IG_ERR_NOFAMILY;
	if (nl->family < 0)
		return lib_err(nl, nl->family);
	if (!watch)
		return 0;

	grp = genl_ctrl_resolve_grp(nl->sk, IOGROUP_FAMILY_NAME,
				    IOGROUP_MCGRP_EVENTS);
	if (grp == -NLE_OBJ_NOTFOUND)
		return set_errstr(nl, -ENOENT,
				  "the iogroup family has no multicast group \"%s\"",
				  IOGROUP_MCGRP_EVENTS);
	if (grp < 0)
		return lib_err(nl, grp);
	nl_socket_disable_seq_check(nl->sk);
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret < 0)
		return set_errstr(nl, lib_err(nl, ret),
				  "cannot join multicast group \"%s\": %s",
				  IOGROUP_MCGRP_EVENTS, nl_geterror(ret));
	ret = nl_socket_set_nonblocking(nl->sk);
	if (ret < 0)
		return lib_err(nl, ret);
	return 0;
}

void ig_nl_close(struct ig_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

static int dup_str(char **dst, struct nlattr *a)
{
	if (!a)
		return 0;
	*dst = strdup(nla_get_string(a));
	return *dst ? 0 : -ENOMEM;
}

static int parse_owner(struct ig_nl *nl, struct nlattr *nest,
		       struct ig_owner *o)
{
	static const struct nla_policy pol[IOGROUP_A_OWNER_MAX + 1] = {
		[IOGROUP_A_OWNER_KIND] = { .type = NLA_U32 },
		[IOGROUP_A_OWNER_PID] = { .type = NLA_U32 },
		[IOGROUP_A_OWNER_COMM] = { .type = NLA_STRING },
		[IOGROUP_A_OWNER_CALLER] = { .type = NLA_STRING },
		[IOGROUP_A_OWNER_SINCE] = { .type = NLA_U64 },
		[IOGROUP_A_OWNER_PERSISTENT] = { .type = NLA_FLAG },
		[IOGROUP_A_OWNER_RESTORE] = { .type = NLA_FLAG },
		[IOGROUP_A_OWNER_UNBOUND] = { .type = NLA_STRING },
	};
	struct nlattr *tb[IOGROUP_A_OWNER_MAX + 1];
	struct nlattr *pos;
	size_t n = 0;
	int rem, err;

	if (nla_parse_nested(tb, IOGROUP_A_OWNER_MAX, nest, pol) < 0)
		return malformed(nl, "owner");
	if (tb[IOGROUP_A_OWNER_KIND])
		o->kind = nla_get_u32(tb[IOGROUP_A_OWNER_KIND]);
	if (tb[IOGROUP_A_OWNER_PID]) {
		o->has_pid = true;
		o->pid = nla_get_u32(tb[IOGROUP_A_OWNER_PID]);
	}
	if (tb[IOGROUP_A_OWNER_SINCE]) {
		o->has_since = true;
		o->since_ns = nla_get_u64(tb[IOGROUP_A_OWNER_SINCE]);
	}
	o->persistent = !!tb[IOGROUP_A_OWNER_PERSISTENT];
	o->restore = !!tb[IOGROUP_A_OWNER_RESTORE];
	if (dup_str(&o->comm, tb[IOGROUP_A_OWNER_COMM]) ||
	    dup_str(&o->caller, tb[IOGROUP_A_OWNER_CALLER]))
		return -ENOMEM;

	/* UNBOUND is repeated: nla_parse() validated only the last one. */
	nla_for_each_nested(pos, nest, rem)
		if (nla_type(pos) == IOGROUP_A_OWNER_UNBOUND)
			n++;
	if (!n)
		return 0;
	o->unbound = calloc(n, sizeof(*o->unbound));
	if (!o->unbound)
		return -ENOMEM;
	nla_for_each_nested(pos, nest, rem) {
		struct ig_unbound *u;
		const char *s, *sp;

		if (nla_type(pos) != IOGROUP_A_OWNER_UNBOUND)
			continue;
		s = nla_data(pos);
		if (nla_len(pos) < 1 || s[nla_len(pos) - 1] != '\0' ||
		    !*s)
			return malformed(nl, "owner: unbound device");
		u = &o->unbound[o->n_unbound++];
		sp = strchr(s, ' ');
		err = -ENOMEM;
		if (sp) {
			u->device = strndup(s, (size_t)(sp - s));
			while (*sp == ' ')
				sp++;
			if (*sp && !(u->driver = strdup(sp)))
				return err;
		} else {
			u->device = strdup(s);
		}
		if (!u->device)
			return err;
	}
	return 0;
}

static int parse_device(struct ig_nl *nl, struct nlattr *nest,
			struct ig_device *d)
{
	static const struct nla_policy pol[IOGROUP_A_DEVICE_MAX + 1] = {
		[IOGROUP_A_DEVICE_NAME] = { .type = NLA_STRING },
		[IOGROUP_A_DEVICE_BUS] = { .type = NLA_STRING },
		[IOGROUP_A_DEVICE_VENDOR] = { .type = NLA_U16 },
		[IOGROUP_A_DEVICE_DEVICE] = { .type = NLA_U16 },
		[IOGROUP_A_DEVICE_CLASS] = { .type = NLA_U32 },
		[IOGROUP_A_DEVICE_BRIDGE] = { .type = NLA_FLAG },
		[IOGROUP_A_DEVICE_DRIVER] = { .type = NLA_STRING },
		[IOGROUP_A_DEVICE_DRIVER_MANAGED_DMA] = { .type = NLA_FLAG },
		[IOGROUP_A_DEVICE_KERNEL_DMA] = { .type = NLA_FLAG },
		[IOGROUP_A_DEVICE_BLOCKS_VIABILITY] = { .type = NLA_FLAG },
		[IOGROUP_A_DEVICE_LAST_ERRNO] = { .type = NLA_U32 },
		[IOGROUP_A_DEVICE_LAST_FAILED_DRIVER] = { .type = NLA_STRING },
	};
	struct nlattr *tb[IOGROUP_A_DEVICE_MAX + 1];

	if (nla_parse_nested(tb, IOGROUP_A_DEVICE_MAX, nest, pol) < 0)
		return malformed(nl, "device");
	if (!tb[IOGROUP_A_DEVICE_NAME])
		return malformed(nl, "device without a name");
	if (tb[IOGROUP_A_DEVICE_VENDOR]) {
		d->has_vendor = true;
		d->vendor = nla_get_u16(tb[IOGROUP_A_DEVICE_VENDOR]);
	}
	if (tb[IOGROUP_A_DEVICE_DEVICE]) {
		d->has_device = true;
		d->device = nla_get_u16(tb[IOGROUP_A_DEVICE_DEVICE]);
	}
	if (tb[IOGROUP_A_DEVICE_CLASS]) {
		d->has_class = true;
		d->class_code = nla_get_u32(tb[IOGROUP_A_DEVICE_CLASS]) & 0xffffff;
	}
	d->bridge = !!tb[IOGROUP_A_DEVICE_BRIDGE];
	d->driver_managed_dma = !!tb[IOGROUP_A_DEVICE_DRIVER_MANAGED_DMA];
	d->kernel_dma = !!tb[IOGROUP_A_DEVICE_KERNEL_DMA];
	d->blocks_viability = !!tb[IOGROUP_A_DEVICE_BLOCKS_VIABILITY];
	if (tb[IOGROUP_A_DEVICE_LAST_ERRNO]) {
		d->has_last_errno = true;
		d->last_errno = nla_get_u32(tb[IOGROUP_A_DEVICE_LAST_ERRNO]);
	}
	if (dup_str(&d->name, tb[IOGROUP_A_DEVICE_NAME]) ||
	    dup_str(&d->bus, tb[IOGROUP_A_DEVICE_BUS]) ||
	    dup_str(&d->driver, tb[IOGROUP_A_DEVICE_DRIVER]) ||
	    dup_str(&d->last_failed_driver,
		    tb[IOGROUP_A_DEVICE_LAST_FAILED_DRIVER]))
		return -ENOMEM;
	return 0;
}

static int parse_group(struct ig_nl *nl, struct nlmsghdr *nlh,
		       struct ig_group *g)
{
	static const struct nla_policy pol[IOGROUP_A_GROUP_MAX + 1] = {
		[IOGROUP_A_GROUP_ID] = { .type = NLA_U32 },
		[IOGROUP_A_GROUP_DEVICE_NAME] = { .type = NLA_STRING },
		[IOGROUP_A_GROUP_DOMAIN] = { .type = NLA_U32 },
		[IOGROUP_A_GROUP_DEFAULT_DOMAIN] = { .type = NLA_U32 },
		[IOGROUP_A_GROUP_KERNEL_USERS] = { .type = NLA_U32 },
		[IOGROUP_A_GROUP_OWNER] = { .type = NLA_NESTED },
		[IOGROUP_A_GROUP_VIABLE] = { .type = NLA_U8 },
		[IOGROUP_A_GROUP_DEVICE] = { .type = NLA_NESTED },
		[IOGROUP_A_GROUP_KERNEL_CLAIMED] = { .type = NLA_U8 },
		[IOGROUP_A_GROUP_DRIFT] = { .type = NLA_STRING },
		[IOGROUP_A_GROUP_GENERATION] = { .type = NLA_U64 },
	};
	struct nlattr *tb[IOGROUP_A_GROUP_MAX + 1];
	struct nlattr *pos;
	size_t n = 0;
	int rem, err;

	memset(g, 0, sizeof(*g));
	if (genlmsg_parse(nlh, 0, tb, IOGROUP_A_GROUP_MAX, pol) < 0)
		return malformed(nl, "group");
	if (!tb[IOGROUP_A_GROUP_ID])
		return malformed(nl, "group without an id");
	g->id = nla_get_u32(tb[IOGROUP_A_GROUP_ID]);
	if (tb[IOGROUP_A_GROUP_DOMAIN])
		g->domain = nla_get_u32(tb[IOGROUP_A_GROUP_DOMAIN]);
	if (tb[IOGROUP_A_GROUP_DEFAULT_DOMAIN]) {
		g->has_default_domain = true;
		g->default_domain = nla_get_u32(tb[IOGROUP_A_GROUP_DEFAULT_DOMAIN]);
	}
	if (tb[IOGROUP_A_GROUP_KERNEL_USERS])
		g->kernel_users = nla_get_u32(tb[IOGROUP_A_GROUP_KERNEL_USERS]);
	if (tb[IOGROUP_A_GROUP_VIABLE])
		g->viable = !!nla_get_u8(tb[IOGROUP_A_GROUP_VIABLE]);
	if (tb[IOGROUP_A_GROUP_KERNEL_CLAIMED]) {
		g->has_kernel_claimed = true;
		g->kernel_claimed = !!nla_get_u8(tb[IOGROUP_A_GROUP_KERNEL_CLAIMED]);
	}
	if (tb[IOGROUP_A_GROUP_GENERATION])
		g->generation = nla_get_u64(tb[IOGROUP_A_GROUP_GENERATION]);
	if (dup_str(&g->drift, tb[IOGROUP_A_GROUP_DRIFT]))
		goto nomem;
	if (tb[IOGROUP_A_GROUP_OWNER]) {
		err = parse_owner(nl, tb[IOGROUP_A_GROUP_OWNER], &g->owner);
		if (err)
			goto fail;
	}

	/* Devices are repeated nests: nla_parse() keeps only the last. */
	nla_for_each_attr(pos, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem)
		if (nla_type(pos) == IOGROUP_A_GROUP_DEVICE)
			n++;
	if (n) {
		g->devices = calloc(n, sizeof(*g->devices));
		if (!g->devices)
			goto nomem;
	}
	nla_for_each_attr(pos, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(pos) != IOGROUP_A_GROUP_DEVICE)
			continue;
		err = parse_device(nl, pos, &g->devices[g->n_devices++]);
		if (err)
			goto fail;
	}
	return 0;
nomem:
	err = -ENOMEM;
fail:
	ig_group_free(g);
	return err;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */

static int dump_one(struct ig_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct ig_group_list *l = arg;
	struct ig_group *groups;
	int err;

	/* doubling from 8: no copy of the whole list per group */
	if (l->n == 0 || (l->n >= 8 && !(l->n & (l->n - 1)))) {
		groups = realloc(l->groups, (l->n ? 2 * l->n : 8) *
					    sizeof(*groups));
		if (!groups)
			return -ENOMEM;
		l->groups = groups;
	}
	err = parse_group(nl, nlh, &l->groups[l->n]);
	if (!err)
		l->n++;
	return err;
}

static int cmp_group(const void *a, const void *b)
{
	const struct ig_group *ga = a, *gb = b;

	return (ga->id > gb->id) - (ga->id < gb->id);
}

static struct nl_msg *dump_request(struct ig_nl *nl, bool verify)
{
	struct nl_msg *msg = new_request(nl, IOGROUP_CMD_GROUP_GET, NLM_F_DUMP);

	if (msg && verify && nla_put_flag(msg, IOGROUP_A_GROUP_VERIFY) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int ig_nl_group_dump(struct ig_nl *nl, bool verify, struct ig_group_list *out)
{
	int tries, err = -EINTR;

	memset(out, 0, sizeof(*out));
	for (tries = 0; tries < DUMP_RETRIES && err == -EINTR; tries++) {
		struct nl_msg *msg;

		ig_group_list_free(out);
		reset_error(nl);
		msg = dump_request(nl, verify);
		if (!msg)
			return -ENOMEM;
		err = transact(nl, msg, dump_one, out);
	}
	if (err == -EINTR)
		err = set_errstr(nl, -EAGAIN,
				 "groups kept changing during %d dump attempts",
				 DUMP_RETRIES);
	if (err) {
		ig_group_list_free(out);
		return err;
	}
	/* The kernel orders by id already; make it a guarantee. */
	if (out->n > 1)
		qsort(out->groups, out->n, sizeof(*out->groups), cmp_group);
	return 0;
}

struct get_ctx {
	struct ig_group *g;
	bool got;
};

static int get_one(struct ig_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct get_ctx *c = arg;
	int err;

	if (c->got)
		return 0;	/* only one reply is expected */
	err = parse_group(nl, nlh, c->g);
	if (!err)
		c->got = true;
	return err;
}

int ig_nl_group_get(struct ig_nl *nl, uint32_t id, const char *devname,
		    struct ig_group *out)
{
	struct get_ctx c = { .g = out };
	struct nl_msg *msg;
	int err;

	memset(out, 0, sizeof(*out));
	reset_error(nl);
	msg = new_request(nl, IOGROUP_CMD_GROUP_GET, 0);
	if (!msg)
		return -ENOMEM;
	if (devname)
		err = nla_put_string(msg, IOGROUP_A_GROUP_DEVICE_NAME, devname);
	else
		err = nla_put_u32(msg, IOGROUP_A_GROUP_ID, id);
	if (err < 0) {
		nlmsg_free(msg);
		return lib_err(nl, err);
	}
	err = transact(nl, msg, get_one, &c);
	if (!err && !c.got)
		err = malformed(nl, "no group in the reply");
	if (err)
		ig_group_free(out);
	return err;
}

static int stats_one(struct ig_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	static const struct nla_policy pol[IOGROUP_A_STATS_MAX + 1] = {
		[IOGROUP_A_STATS_PROBE_HITS] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_PROBE_BOUND] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_PROBE_FAILED] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_RELEASE_HITS] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_CLAIM_HITS] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_UNCLAIM_HITS] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_PROBE_MISSED] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_KPROBE_MISSED] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_EVENTS_SENT] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_EVENTS_DROPPED] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_RESYNCS] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_DRIFT_CHECKS] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_DRIFT_FOUND] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_DRIFT_GROUPS] = { .type = NLA_U32 },
		[IOGROUP_A_STATS_GROUPS] = { .type = NLA_U32 },
		[IOGROUP_A_STATS_DEVICES] = { .type = NLA_U32 },
		[IOGROUP_A_STATS_HOOKS] = { .type = NLA_STRING },
		[IOGROUP_A_STATS_BYTES] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_VETOES] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_CLAIMS] = { .type = NLA_U32 },
		[IOGROUP_A_STATS_CLAIMS_TOTAL] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_AUTO_RELEASES] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_GROUP_BYTES] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_DEVICE_BYTES] = { .type = NLA_U64 },
		[IOGROUP_A_STATS_RING_BYTES] = { .type = NLA_U64 },
	};
	struct nlattr *tb[IOGROUP_A_STATS_MAX + 1];
	struct ig_stats *s = arg;
	int i;

	if (genlmsg_parse(nlh, 0, tb, IOGROUP_A_STATS_MAX, pol) < 0)
		return malformed(nl, "stats");
	for (i = 1; i <= IOGROUP_A_STATS_MAX; i++) {
		if (!tb[i] || i == IOGROUP_A_STATS_PAD ||
		    i == IOGROUP_A_STATS_HOOKS)
			continue;
		s->has[i] = true;
		s->val[i] = pol[i].type == NLA_U32 ? nla_get_u32(tb[i])
						   : nla_get_u64(tb[i]);
	}
	free(s->hooks);
	s->hooks = NULL;
	return dup_str(&s->hooks, tb[IOGROUP_A_STATS_HOOKS]);
}

int ig_nl_stats_get(struct ig_nl *nl, struct ig_stats *out)
{
	struct nl_msg *msg;
	int err;

	memset(out, 0, sizeof(*out));
	reset_error(nl);
	msg = new_request(nl, IOGROUP_CMD_STATS_GET, 0);
	if (!msg)
		return -ENOMEM;
	err = transact(nl, msg, stats_one, out);
	if (err)
		ig_stats_free(out);
	return err;
}

/* CLAIM and RELEASE: a do with an ack; a reply message, if any, is ignored. */
static int no_reply(struct ig_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	(void)nl;
	(void)nlh;
	(void)arg;
	return 0;
}

/* The request of CLAIM (@with_flags) or RELEASE. */
static struct nl_msg *claim_request(struct ig_nl *nl, uint8_t cmd, uint32_t id,
				    bool with_flags, uint32_t flags)
{
	struct nl_msg *msg = new_request(nl, cmd, NLM_F_ACK);

	if (!msg)
		return NULL;
	if (nla_put_u32(msg, IOGROUP_A_GROUP_ID, id) < 0 ||
	    (with_flags &&
	     nla_put_u32(msg, IOGROUP_A_GROUP_CLAIM_FLAGS, flags) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int claim_release(struct ig_nl *nl, uint8_t cmd, uint32_t id,
			 bool with_flags, uint32_t flags)
{
	struct nl_msg *msg;

	reset_error(nl);
	msg = claim_request(nl, cmd, id, with_flags, flags);
	if (!msg)
		return -ENOMEM;
	return transact(nl, msg, no_reply, NULL);
}

int ig_nl_claim(struct ig_nl *nl, uint32_t id, uint32_t flags)
{
	return claim_release(nl, IOGROUP_CMD_CLAIM, id, true, flags);
}

int ig_nl_release(struct ig_nl *nl, uint32_t id)
{
	return claim_release(nl, IOGROUP_CMD_RELEASE, id, false, 0);
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

struct watch_ctx {
	struct ig_nl *nl;
	ig_event_cb cb;
	void *arg;
	int err;
};

static int parse_event(struct nlmsghdr *nlh, struct ig_event *ev)
{
	static const struct nla_policy pol[IOGROUP_A_EVENT_MAX + 1] = {
		[IOGROUP_A_EVENT_TYPE] = { .type = NLA_U32 },
		[IOGROUP_A_EVENT_SEQ] = { .type = NLA_U64 },
		[IOGROUP_A_EVENT_TIMESTAMP] = { .type = NLA_U64 },
		[IOGROUP_A_EVENT_GROUP_ID] = { .type = NLA_U32 },
		[IOGROUP_A_EVENT_DEVICE] = { .type = NLA_STRING },
		[IOGROUP_A_EVENT_DRIVER] = { .type = NLA_STRING },
		[IOGROUP_A_EVENT_ERRNO] = { .type = NLA_U32 },
		[IOGROUP_A_EVENT_OWNER] = { .type = NLA_U32 },
		[IOGROUP_A_EVENT_PID] = { .type = NLA_U32 },
		[IOGROUP_A_EVENT_COMM] = { .type = NLA_STRING },
		[IOGROUP_A_EVENT_DOMAIN] = { .type = NLA_U32 },
		[IOGROUP_A_EVENT_DRIFT] = { .type = NLA_STRING },
	};
	struct nlattr *tb[IOGROUP_A_EVENT_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (genlmsg_parse(nlh, 0, tb, IOGROUP_A_EVENT_MAX, pol) < 0 ||
	    !tb[IOGROUP_A_EVENT_TYPE])
		return -EBADMSG;
	ev->type = nla_get_u32(tb[IOGROUP_A_EVENT_TYPE]);
#define GET(flag, field, attr, getter)				\
	do {							\
		if (tb[attr]) {					\
			ev->flag = true;			\
			ev->field = getter(tb[attr]);		\
		}						\
	} while (0)
	GET(has_seq, seq, IOGROUP_A_EVENT_SEQ, nla_get_u64);
	GET(has_timestamp, timestamp_ns, IOGROUP_A_EVENT_TIMESTAMP, nla_get_u64);
	GET(has_group, group, IOGROUP_A_EVENT_GROUP_ID, nla_get_u32);
	GET(has_errno, err, IOGROUP_A_EVENT_ERRNO, nla_get_u32);
	GET(has_owner, owner, IOGROUP_A_EVENT_OWNER, nla_get_u32);
	GET(has_pid, pid, IOGROUP_A_EVENT_PID, nla_get_u32);
	GET(has_domain, domain, IOGROUP_A_EVENT_DOMAIN, nla_get_u32);
#undef GET
	if (dup_str(&ev->device, tb[IOGROUP_A_EVENT_DEVICE]) ||
	    dup_str(&ev->driver, tb[IOGROUP_A_EVENT_DRIVER]) ||
	    dup_str(&ev->comm, tb[IOGROUP_A_EVENT_COMM]) ||
	    dup_str(&ev->drift, tb[IOGROUP_A_EVENT_DRIFT])) {
		ig_event_free(ev);
		return -ENOMEM;
	}
	return 0;
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct watch_ctx *w = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ig_event ev;
	int err;

	if (w->err)
		return NL_STOP;
	if (nlh->nlmsg_type != w->nl->family || !genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	if (((struct genlmsghdr *)nlmsg_data(nlh))->cmd != IOGROUP_CMD_EVENT)
		return NL_SKIP;
	err = parse_event(nlh, &ev);
	if (err == -EBADMSG) {
		fprintf(stderr, "iogroup: watch: ignoring a malformed event\n");
		return NL_SKIP;
	}
	if (!err) {
		err = w->cb(&ev, w->arg);
		ig_event_free(&ev);
	}
	if (err) {
		w->err = err;
		return NL_STOP;
	}
	return NL_SKIP;
}

int ig_nl_watch(struct ig_nl *nl, int stop_fd, ig_event_cb cb, void *arg)
{
	struct watch_ctx w = { .nl = nl, .cb = cb, .arg = arg };
	struct nl_cb *ncb;
	int ret = 0;

	reset_error(nl);
	/* Clone the socket's callbacks: they carry the disabled seq check. */
	ncb = nl_socket_get_cb(nl->sk);
	if (!ncb)
		return -ENOMEM;
	{
		struct nl_cb *clone = nl_cb_clone(ncb);

		nl_cb_put(ncb);
		ncb = clone;
	}
	if (!ncb)
		return -ENOMEM;
	nl_cb_set(ncb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &w);

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = nl_socket_get_fd(nl->sk), .events = POLLIN },
			{ .fd = stop_fd, .events = POLLIN },
		};
		int n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (p[1].revents)
			break;
		if (!p[0].revents)
			continue;
		n = nl_recvmsgs(nl->sk, ncb);
		if (w.err) {
			ret = w.err;
			break;
		}
		if (n == -NLE_NOMEM) {
			/* ENOBUFS: the socket overran, events were lost. */
			ret = cb(NULL, arg);
			if (ret)
				break;
			continue;
		}
		if (n < 0 && n != -NLE_AGAIN) {
			ret = lib_err(nl, n);
			break;
		}
	}
	nl_cb_put(ncb);
	return ret;
}
