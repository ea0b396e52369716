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
	uint32_t seq;		/* of the request */
	bool reply_ends;	/* a do without NLM_F_ACK: its reply ends it */
	int err;		/* 0 or negative errno */
	bool done;
	bool interrupted;	/* NLM_F_DUMP_INTR: the dump is to be redone */
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
/* Attributes                                                          */

/*
 * The CLI's own attribute walk.  It checks what nla_parse() with a policy
 * checks (a known attribute at least as long as its type, strings
 * NUL-terminated; unknown types skipped; of a repeated attribute the last
 * one wins, unless the caller collects them all), in one pass with no call
 * per attribute.  A listing decodes every group of the host: with libnl's
 * nla_parse() and a strdup() per string, decoding a group took 3,300
 * instructions, with this walk and one allocation per group 1,400
 * (callgrind, 268 groups).
 */
enum attr_kind {
	AK_NONE,	/* not read: skipped unchecked */
	AK_U8,
	AK_U16,
	AK_U32,
	AK_U64,
	AK_STR,
	AK_FLAG,
	AK_NEST,
	AK_RAW,		/* repeated: the caller checks each one */
	AK_MAX = AK_RAW
};

static const int attr_min_len[AK_MAX + 1] = {
	[AK_U8] = 1, [AK_U16] = 2, [AK_U32] = 4, [AK_U64] = 8, [AK_STR] = 1,
};

#define for_each_attr(a, data, len, rem)				\
	for ((a) = (const struct nlattr *)(data), (rem) = (len);	\
	     (rem) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN &&	\
	     (a)->nla_len <= (rem);					\
	     (rem) -= NLA_ALIGN((a)->nla_len),				\
	     (a) = (const struct nlattr *)((const char *)(a) +		\
					   NLA_ALIGN((a)->nla_len)))

static const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static int attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static uint8_t attr_u8(const struct nlattr *a)
{
	return *(const uint8_t *)attr_data(a);
}

static uint16_t attr_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static uint32_t attr_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static uint64_t attr_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

/*
 * Fill tb[0..max] from the attributes in @data as nla_parse() would, and
 * count those of type @multi (0: none) in *n_multi.  Returns 0, or
 * -EBADMSG if an attribute of a known kind is malformed.
 */
static int walk_attrs(const struct nlattr **tb, int max, const uint8_t *kinds,
		      const void *data, int len, int multi, size_t *n_multi)
{
	const struct nlattr *a;
	int rem;

	memset(tb, 0, (size_t)(max + 1) * sizeof(*tb));
	for_each_attr(a, data, len, rem) {
		int type = a->nla_type & NLA_TYPE_MASK;
		int kind = type <= max ? kinds[type] : AK_NONE;

		if (kind == AK_NONE)
			continue;
		if (attr_len(a) < attr_min_len[kind] ||
		    (kind == AK_STR &&
		     ((const char *)attr_data(a))[attr_len(a) - 1]))
			return -EBADMSG;
		tb[type] = a;
		if (multi && type == multi)
			(*n_multi)++;
	}
	return 0;
}

static int walk_msg(const struct nlattr **tb, int max, const uint8_t *kinds,
		    const struct nlmsghdr *nlh, int multi, size_t *n_multi)
{
	return walk_attrs(tb, max, kinds, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), multi, n_multi);
}

static int dup_str(char **dst, const struct nlattr *a)
{
	if (!a)
		return 0;
	*dst = strdup(attr_data(a));
	return *dst ? 0 : -ENOMEM;
}

/*
 * Copy a string attribute (checked: NUL-terminated) to *@p, which moves
 * past it; NULL if absent.  The strings of a group go into its one
 * allocation (ig_group.mem), sized by the message that holds them all.
 */
static char *put_str(char **p, const struct nlattr *a)
{
	char *s = *p;

	if (!a)
		return NULL;
	memcpy(s, attr_data(a), (size_t)attr_len(a));
	*p += attr_len(a);
	return s;
}

/* ------------------------------------------------------------------ */
/* Extended ack                                                        */

static void parse_ack_tlvs(struct ig_nl *nl, const struct nlmsghdr *nlh,
			   size_t ack_len)
{
	static const uint8_t kinds[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = AK_STR,
		[NLMSGERR_ATTR_OFFS] = AK_U32,
	};
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_len <= ack_len)
		return;
	if (walk_attrs(tb, NLMSGERR_ATTR_MAX, kinds, (const char *)nlh + ack_len,
		       (int)(nlh->nlmsg_len - ack_len), 0, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->extack, sizeof(nl->extack), "%s",
			 (const char *)attr_data(tb[NLMSGERR_ATTR_MSG]));
}

/*
 * NLMSG_ERROR: an ack, or the kernel's errno with, as extended ack TLVs
 * (which libnl 3.7 does not parse), its message.  The TLVs follow the
 * struct nlmsgerr, and the echoed request unless NLM_F_CAPPED.
 */
static void reply_error(struct req *r, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t ack_len = NLMSG_HDRLEN + sizeof(*e);

	r->done = true;
	if (nlh->nlmsg_len < ack_len) {
		r->err = malformed(r->nl, "truncated error");
		return;
	}
	if (!e->error)
		return;
	r->err = e->error < 0 ? e->error : -EPROTO;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return;
		ack_len += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	}
	parse_ack_tlvs(r->nl, nlh, ack_len);
}

/* NLMSG_DONE of a dump: may carry an error (and TLVs) after the int. */
static void reply_done(struct req *r, const struct nlmsghdr *nlh)
{
	int e;

	r->done = true;
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
		memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
		if (e < 0) {
			r->err = e;
			parse_ack_tlvs(r->nl, nlh, NLMSG_LENGTH(sizeof(int)));
		}
	}
}

static void reply_data(struct req *r, struct nlmsghdr *nlh)
{
	int err;

	if (r->err)
		return;		/* drain the rest after a parse error */
	if (!genlmsg_valid_hdr(nlh, 0)) {
		r->err = malformed(r->nl, "short generic netlink header");
		return;
	}
	err = r->parse(r->nl, nlh, r->arg);
	if (err)
		r->err = err;
	if (r->reply_ends)
		r->done = true;
}

/*
 * The messages of one receive, taken in place.  nl_recvmsgs() would copy
 * each into an nl_msg of its own first: a listing is one message per
 * group, and that copy cost 880 instructions each.  Only the kernel's
 * replies to this request count; anything else (another sender, another
 * sequence number: the rest of an exchange given up on) is skipped, as
 * iproute2 does.  The messages after the end of the exchange are dropped,
 * as nl_recvmsgs() drops them.
 */
static void reply_buf(struct req *r, const struct sockaddr_nl *peer,
		      struct nlmsghdr *nlh, int len)
{
	if (peer->nl_pid != 0)
		return;
	for (; !r->done && nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_seq != r->seq)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			r->interrupted = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_DONE:
			reply_done(r, nlh);
			break;
		case NLMSG_ERROR:
			reply_error(r, nlh);
			break;
		case NLMSG_OVERRUN:
			r->err = set_errstr(r->nl, -EOVERFLOW,
					    "netlink reported an overrun");
			r->done = true;
			break;
		default:
			reply_data(r, nlh);
		}
	}
}

/*
 * Send @msg (consumed) and receive replies until the ack, the end of the
 * dump, the reply of a do sent without NLM_F_ACK (the socket asks for no
 * ack of its own: a reply is answer enough, one receive fewer) or an
 * error.  Returns 0, a negative errno, or -EINTR when a dump was
 * interrupted (NLM_F_DUMP_INTR) and should be retried.
 */
static int transact(struct ig_nl *nl, struct nl_msg *msg,
		    int (*parse)(struct ig_nl *, struct nlmsghdr *, void *),
		    void *arg)
{
	struct req r = { .nl = nl, .parse = parse, .arg = arg };
	int ret;

	ret = nl_send_auto(nl->sk, msg);
	r.seq = nlmsg_hdr(msg)->nlmsg_seq;
	r.reply_ends = !(nlmsg_hdr(msg)->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP));
	nlmsg_free(msg);
	if (ret < 0)
		return lib_err(nl, ret);
	while (!r.done) {
		struct sockaddr_nl peer;
		unsigned char *buf = NULL;
		int n = nl_recv(nl->sk, &peer, &buf, NULL);

		if (n > 0)
			reply_buf(&r, &peer, (struct nlmsghdr *)buf, n);
		free(buf);
		if (n < 0)
			return lib_err(nl, n);
		if (n == 0)
			return set_errstr(nl, -EPIPE,
					  "netlink socket closed before the reply");
	}
	/* an error from the kernel or from parsing wins */
	if (r.err)
		return r.err;
	return r.interrupted ? -EINTR : 0;
}

static struct nl_msg *genl_request(int family, uint8_t cmd, uint8_t version,
				   int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
			 cmd, version)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct nl_msg *new_request(struct ig_nl *nl, uint8_t cmd, int flags)
{
	return genl_request(nl->family, cmd, IOGROUP_FAMILY_VERSION, flags);
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

struct family {
	int id;
	int events;		/* the events multicast group, 0 if none */
};

static int family_one(struct ig_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	static const uint8_t kinds[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID] = AK_U16,
		[CTRL_ATTR_MCAST_GROUPS] = AK_NEST,
	};
	static const uint8_t grp_kinds[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
		[CTRL_ATTR_MCAST_GRP_NAME] = AK_STR,
		[CTRL_ATTR_MCAST_GRP_ID] = AK_U32,
	};
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct nlattr *gtb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	const struct nlattr *pos, *grps;
	struct family *f = arg;
	int rem;

	if (walk_msg(tb, CTRL_ATTR_MAX, kinds, nlh, 0, NULL) ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return malformed(nl, "family");
	f->id = attr_u16(tb[CTRL_ATTR_FAMILY_ID]);
	grps = tb[CTRL_ATTR_MCAST_GROUPS];
	if (!grps)
		return 0;
	for_each_attr(pos, attr_data(grps), attr_len(grps), rem) {
		if (walk_attrs(gtb, CTRL_ATTR_MCAST_GRP_MAX, grp_kinds,
			       attr_data(pos), attr_len(pos), 0, NULL))
			return malformed(nl, "family: multicast group");
		if (gtb[CTRL_ATTR_MCAST_GRP_NAME] && gtb[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(attr_data(gtb[CTRL_ATTR_MCAST_GRP_NAME]),
			    IOGROUP_MCGRP_EVENTS))
			f->events = (int)attr_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

/*
 * The family's id and its events group's, in one request to nlctrl (which
 * tries "modprobe net-pf-16-proto-16-family-iogroup" first), rather than
 * libnl's genl_ctrl_resolve() and genl_ctrl_resolve_grp(): each of those
 * is a request, an ack and a parse of the family's every operation.
 */
static int resolve_family(struct ig_nl *nl, int *events)
{
	struct nl_msg *msg = genl_request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	struct family f = { 0 };
	int err;

	if (!msg ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, IOGROUP_FAMILY_NAME) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = transact(nl, msg, family_one, &f);
	if (err == -ENOENT)
		return IG_ERR_NOFAMILY;
	if (err)
		return err;
	if (!f.id)
		return malformed(nl, "no family id");
	nl->family = f.id;
	*events = f.events;
	return 0;
}

int ig_nl_open(struct ig_nl **out, bool watch)
{
	struct ig_nl *nl;
	int ret, grp = 0;

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
	/* Requests without a reply ask for their ack themselves. */
	nl_socket_disable_auto_ack(nl->sk);

	ret = resolve_family(nl, &grp);
	if (ret)
		return ret;
	if (!watch)
		return 0;
	if (!grp)
		return set_errstr(nl, -ENOENT,
				  "the iogroup family has no multicast group \"%s\"",
				  IOGROUP_MCGRP_EVENTS);
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

static const uint8_t owner_kinds[IOGROUP_A_OWNER_MAX + 1] = {
	[IOGROUP_A_OWNER_KIND] = AK_U32,
	[IOGROUP_A_OWNER_PID] = AK_U32,
	[IOGROUP_A_OWNER_COMM] = AK_STR,
	[IOGROUP_A_OWNER_CALLER] = AK_STR,
	[IOGROUP_A_OWNER_SINCE] = AK_U64,
	[IOGROUP_A_OWNER_PERSISTENT] = AK_FLAG,
	[IOGROUP_A_OWNER_RESTORE] = AK_FLAG,
	[IOGROUP_A_OWNER_UNBOUND] = AK_RAW,
};

/* The owner, with @tb from walk_attrs() and room for its n_unbound. */
static int parse_owner(struct ig_nl *nl, const struct nlattr **tb,
		       const struct nlattr *nest, struct ig_owner *o,
		       char **strs)
{
	const struct nlattr *pos;
	int rem;

	if (tb[IOGROUP_A_OWNER_KIND])
		o->kind = attr_u32(tb[IOGROUP_A_OWNER_KIND]);
	if (tb[IOGROUP_A_OWNER_PID]) {
		o->has_pid = true;
		o->pid = attr_u32(tb[IOGROUP_A_OWNER_PID]);
	}
	if (tb[IOGROUP_A_OWNER_SINCE]) {
		o->has_since = true;
		o->since_ns = attr_u64(tb[IOGROUP_A_OWNER_SINCE]);
	}
	o->persistent = !!tb[IOGROUP_A_OWNER_PERSISTENT];
	o->restore = !!tb[IOGROUP_A_OWNER_RESTORE];
	o->comm = put_str(strs, tb[IOGROUP_A_OWNER_COMM]);
	o->caller = put_str(strs, tb[IOGROUP_A_OWNER_CALLER]);

	/* UNBOUND: "device driver" or "device", one per unbound device */
	o->n_unbound = 0;
	for_each_attr(pos, attr_data(nest), attr_len(nest), rem) {
		struct ig_unbound *u;
		char *s, *sp;

		if ((pos->nla_type & NLA_TYPE_MASK) != IOGROUP_A_OWNER_UNBOUND)
			continue;
		s = (char *)attr_data(pos);
		if (attr_len(pos) < 1 || s[attr_len(pos) - 1] != '\0' || !*s)
			return malformed(nl, "owner: unbound device");
		u = &o->unbound[o->n_unbound++];
		u->device = s = put_str(strs, pos);
		sp = strchr(s, ' ');
		if (sp) {
			*sp++ = '\0';
			while (*sp == ' ')
				sp++;
			if (*sp)
				u->driver = sp;
		}
	}
	return 0;
}

static int parse_device(struct ig_nl *nl, const struct nlattr *nest,
			struct ig_device *d, char **strs)
{
	static const uint8_t kinds[IOGROUP_A_DEVICE_MAX + 1] = {
		[IOGROUP_A_DEVICE_NAME] = AK_STR,
		[IOGROUP_A_DEVICE_BUS] = AK_STR,
		[IOGROUP_A_DEVICE_VENDOR] = AK_U16,
		[IOGROUP_A_DEVICE_DEVICE] = AK_U16,
		[IOGROUP_A_DEVICE_CLASS] = AK_U32,
		[IOGROUP_A_DEVICE_BRIDGE] = AK_FLAG,
		[IOGROUP_A_DEVICE_DRIVER] = AK_STR,
		[IOGROUP_A_DEVICE_DRIVER_MANAGED_DMA] = AK_FLAG,
		[IOGROUP_A_DEVICE_KERNEL_DMA] = AK_FLAG,
		[IOGROUP_A_DEVICE_BLOCKS_VIABILITY] = AK_FLAG,
		[IOGROUP_A_DEVICE_LAST_ERRNO] = AK_U32,
		[IOGROUP_A_DEVICE_LAST_FAILED_DRIVER] = AK_STR,
	};
	const struct nlattr *tb[IOGROUP_A_DEVICE_MAX + 1];

	if (walk_attrs(tb, IOGROUP_A_DEVICE_MAX, kinds, attr_data(nest),
		       attr_len(nest), 0, NULL))
		return malformed(nl, "device");
	if (!tb[IOGROUP_A_DEVICE_NAME])
		return malformed(nl, "device without a name");
	if (tb[IOGROUP_A_DEVICE_VENDOR]) {
		d->has_vendor = true;
		d->vendor = attr_u16(tb[IOGROUP_A_DEVICE_VENDOR]);
	}
	if (tb[IOGROUP_A_DEVICE_DEVICE]) {
		d->has_device = true;
		d->device = attr_u16(tb[IOGROUP_A_DEVICE_DEVICE]);
	}
	if (tb[IOGROUP_A_DEVICE_CLASS]) {
		d->has_class = true;
		d->class_code = attr_u32(tb[IOGROUP_A_DEVICE_CLASS]) & 0xffffff;
	}
	d->bridge = !!tb[IOGROUP_A_DEVICE_BRIDGE];
	d->driver_managed_dma = !!tb[IOGROUP_A_DEVICE_DRIVER_MANAGED_DMA];
	d->kernel_dma = !!tb[IOGROUP_A_DEVICE_KERNEL_DMA];
	d->blocks_viability = !!tb[IOGROUP_A_DEVICE_BLOCKS_VIABILITY];
	if (tb[IOGROUP_A_DEVICE_LAST_ERRNO]) {
		d->has_last_errno = true;
		d->last_errno = attr_u32(tb[IOGROUP_A_DEVICE_LAST_ERRNO]);
	}
	d->name = put_str(strs, tb[IOGROUP_A_DEVICE_NAME]);
	d->bus = put_str(strs, tb[IOGROUP_A_DEVICE_BUS]);
	d->driver = put_str(strs, tb[IOGROUP_A_DEVICE_DRIVER]);
	d->last_failed_driver =
		put_str(strs, tb[IOGROUP_A_DEVICE_LAST_FAILED_DRIVER]);
	return 0;
}

static int parse_group(struct ig_nl *nl, struct nlmsghdr *nlh,
		       struct ig_group *g)
{
	static const uint8_t kinds[IOGROUP_A_GROUP_MAX + 1] = {
		[IOGROUP_A_GROUP_ID] = AK_U32,
		[IOGROUP_A_GROUP_DEVICE_NAME] = AK_STR,
		[IOGROUP_A_GROUP_DOMAIN] = AK_U32,
		[IOGROUP_A_GROUP_DEFAULT_DOMAIN] = AK_U32,
		[IOGROUP_A_GROUP_KERNEL_USERS] = AK_U32,
		[IOGROUP_A_GROUP_OWNER] = AK_NEST,
		[IOGROUP_A_GROUP_VIABLE] = AK_U8,
		[IOGROUP_A_GROUP_DEVICE] = AK_NEST,
		[IOGROUP_A_GROUP_KERNEL_CLAIMED] = AK_U8,
		[IOGROUP_A_GROUP_DRIFT] = AK_STR,
		[IOGROUP_A_GROUP_GENERATION] = AK_U64,
	};
	const struct nlattr *tb[IOGROUP_A_GROUP_MAX + 1];
	const struct nlattr *otb[IOGROUP_A_OWNER_MAX + 1];
	const struct nlattr *pos, *attrs = genlmsg_attrdata(nlmsg_data(nlh), 0);
	int len = genlmsg_attrlen(nlmsg_data(nlh), 0);
	size_t n_dev = 0, n_unbound = 0, head;
	char *strs;
	int rem, err;

	memset(g, 0, sizeof(*g));
	if (walk_attrs(tb, IOGROUP_A_GROUP_MAX, kinds, attrs, len,
		       IOGROUP_A_GROUP_DEVICE, &n_dev))
		return malformed(nl, "group");
	if (!tb[IOGROUP_A_GROUP_ID])
		return malformed(nl, "group without an id");
	if (tb[IOGROUP_A_GROUP_OWNER] &&
	    walk_attrs(otb, IOGROUP_A_OWNER_MAX, owner_kinds,
		       attr_data(tb[IOGROUP_A_GROUP_OWNER]),
		       attr_len(tb[IOGROUP_A_GROUP_OWNER]),
		       IOGROUP_A_OWNER_UNBOUND, &n_unbound))
		return malformed(nl, "owner");

	/* devices, then the owner's unbound list, then every string */
	head = n_dev * sizeof(*g->devices) +
	       n_unbound * sizeof(*g->owner.unbound);
	g->mem = malloc(head + (size_t)len);
	if (!g->mem)
		return -ENOMEM;
	memset(g->mem, 0, head);
	if (n_dev)
		g->devices = g->mem;
	if (n_unbound)
		g->owner.unbound = (void *)((char *)g->mem +
					    n_dev * sizeof(*g->devices));
	strs = (char *)g->mem + head;

	g->id = attr_u32(tb[IOGROUP_A_GROUP_ID]);
	if (tb[IOGROUP_A_GROUP_DOMAIN])
		g->domain = attr_u32(tb[IOGROUP_A_GROUP_DOMAIN]);
	if (tb[IOGROUP_A_GROUP_DEFAULT_DOMAIN]) {
		g->has_default_domain = true;
		g->default_domain = attr_u32(tb[IOGROUP_A_GROUP_DEFAULT_DOMAIN]);
	}
	if (tb[IOGROUP_A_GROUP_KERNEL_USERS])
		g->kernel_users = attr_u32(tb[IOGROUP_A_GROUP_KERNEL_USERS]);
	if (tb[IOGROUP_A_GROUP_VIABLE])
		g->viable = !!attr_u8(tb[IOGROUP_A_GROUP_VIABLE]);
	if (tb[IOGROUP_A_GROUP_KERNEL_CLAIMED]) {
		g->has_kernel_claimed = true;
		g->kernel_claimed = !!attr_u8(tb[IOGROUP_A_GROUP_KERNEL_CLAIMED]);
	}
	if (tb[IOGROUP_A_GROUP_GENERATION])
		g->generation = attr_u64(tb[IOGROUP_A_GROUP_GENERATION]);
	g->drift = put_str(&strs, tb[IOGROUP_A_GROUP_DRIFT]);
	if (tb[IOGROUP_A_GROUP_OWNER]) {
		err = parse_owner(nl, otb, tb[IOGROUP_A_GROUP_OWNER],
				  &g->owner, &strs);
		if (err)
			goto fail;
	}

	/* DEVICE is repeated: walk_attrs() counted them, kept the last */
	for_each_attr(pos, attrs, len, rem) {
		if ((pos->nla_type & NLA_TYPE_MASK) != IOGROUP_A_GROUP_DEVICE)
			continue;
		err = parse_device(nl, pos, &g->devices[g->n_devices++], &strs);
		if (err)
			goto fail;
	}
	return 0;
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
	size_t i;

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
	/*
	 * The kernel orders by id already; make it a guarantee.  Checked
	 * first: glibc's qsort() of an array this size asks the kernel for
	 * the memory size (sysinfo()) and sorts through a copy.
	 */
	for (i = 1; i < out->n; i++) {
		if (cmp_group(&out->groups[i - 1], &out->groups[i]) > 0) {
			qsort(out->groups, out->n, sizeof(*out->groups),
			      cmp_group);
			break;
		}
	}
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
	static const uint8_t kinds[IOGROUP_A_STATS_MAX + 1] = {
		[IOGROUP_A_STATS_PROBE_HITS] = AK_U64,
		[IOGROUP_A_STATS_PROBE_BOUND] = AK_U64,
		[IOGROUP_A_STATS_PROBE_FAILED] = AK_U64,
		[IOGROUP_A_STATS_RELEASE_HITS] = AK_U64,
		[IOGROUP_A_STATS_CLAIM_HITS] = AK_U64,
		[IOGROUP_A_STATS_UNCLAIM_HITS] = AK_U64,
		[IOGROUP_A_STATS_PROBE_MISSED] = AK_U64,
		[IOGROUP_A_STATS_KPROBE_MISSED] = AK_U64,
		[IOGROUP_A_STATS_EVENTS_SENT] = AK_U64,
		[IOGROUP_A_STATS_EVENTS_DROPPED] = AK_U64,
		[IOGROUP_A_STATS_RESYNCS] = AK_U64,
		[IOGROUP_A_STATS_DRIFT_CHECKS] = AK_U64,
		[IOGROUP_A_STATS_DRIFT_FOUND] = AK_U64,
		[IOGROUP_A_STATS_DRIFT_GROUPS] = AK_U32,
		[IOGROUP_A_STATS_GROUPS] = AK_U32,
		[IOGROUP_A_STATS_DEVICES] = AK_U32,
		[IOGROUP_A_STATS_HOOKS] = AK_STR,
		[IOGROUP_A_STATS_BYTES] = AK_U64,
		[IOGROUP_A_STATS_VETOES] = AK_U64,
		[IOGROUP_A_STATS_CLAIMS] = AK_U32,
		[IOGROUP_A_STATS_CLAIMS_TOTAL] = AK_U64,
		[IOGROUP_A_STATS_AUTO_RELEASES] = AK_U64,
		[IOGROUP_A_STATS_GROUP_BYTES] = AK_U64,
		[IOGROUP_A_STATS_DEVICE_BYTES] = AK_U64,
		[IOGROUP_A_STATS_RING_BYTES] = AK_U64,
	};
	const struct nlattr *tb[IOGROUP_A_STATS_MAX + 1];
	struct ig_stats *s = arg;
	int i;

	if (walk_msg(tb, IOGROUP_A_STATS_MAX, kinds, nlh, 0, NULL))
		return malformed(nl, "stats");
	for (i = 1; i <= IOGROUP_A_STATS_MAX; i++) {
		if (!tb[i] || i == IOGROUP_A_STATS_PAD ||
		    i == IOGROUP_A_STATS_HOOKS)
			continue;
		s->has[i] = true;
		s->val[i] = kinds[i] == AK_U32 ? attr_u32(tb[i])
					       : attr_u64(tb[i]);
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
	static const uint8_t kinds[IOGROUP_A_EVENT_MAX + 1] = {
		[IOGROUP_A_EVENT_TYPE] = AK_U32,
		[IOGROUP_A_EVENT_SEQ] = AK_U64,
		[IOGROUP_A_EVENT_TIMESTAMP] = AK_U64,
		[IOGROUP_A_EVENT_GROUP_ID] = AK_U32,
		[IOGROUP_A_EVENT_DEVICE] = AK_STR,
		[IOGROUP_A_EVENT_DRIVER] = AK_STR,
		[IOGROUP_A_EVENT_ERRNO] = AK_U32,
		[IOGROUP_A_EVENT_OWNER] = AK_U32,
		[IOGROUP_A_EVENT_PID] = AK_U32,
		[IOGROUP_A_EVENT_COMM] = AK_STR,
		[IOGROUP_A_EVENT_DOMAIN] = AK_U32,
		[IOGROUP_A_EVENT_DRIFT] = AK_STR,
	};
	const struct nlattr *tb[IOGROUP_A_EVENT_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (walk_msg(tb, IOGROUP_A_EVENT_MAX, kinds, nlh, 0, NULL) ||
	    !tb[IOGROUP_A_EVENT_TYPE])
		return -EBADMSG;
	ev->type = attr_u32(tb[IOGROUP_A_EVENT_TYPE]);
#define GET(flag, field, attr, getter)				\
	do {							\
		if (tb[attr]) {					\
			ev->flag = true;			\
			ev->field = getter(tb[attr]);		\
		}						\
	} while (0)
	GET(has_seq, seq, IOGROUP_A_EVENT_SEQ, attr_u64);
	GET(has_timestamp, timestamp_ns, IOGROUP_A_EVENT_TIMESTAMP, attr_u64);
	GET(has_group, group, IOGROUP_A_EVENT_GROUP_ID, attr_u32);
	GET(has_errno, err, IOGROUP_A_EVENT_ERRNO, attr_u32);
	GET(has_owner, owner, IOGROUP_A_EVENT_OWNER, attr_u32);
	GET(has_pid, pid, IOGROUP_A_EVENT_PID, attr_u32);
	GET(has_domain, domain, IOGROUP_A_EVENT_DOMAIN, attr_u32);
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
