// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side test of nl.c's parsing, without the kernel: builds replies,
 * malformed replies and extended acks by hand and feeds them to the
 * parsers and callbacks.  Includes nl.c to reach its static functions.
 */
#include "../nl.c"

#include <unistd.h>

#include "check.h"


static struct nl_msg *reply(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, 0, 1, 0x20, 0, 0, cmd, 1))
		abort();
	return msg;
}

static void put_device(struct nl_msg *msg, const char *name, bool pci)
{
	struct nlattr *d = nla_nest_start(msg, NLA_F_NESTED | IOGROUP_A_GROUP_DEVICE);

	nla_put_string(msg, IOGROUP_A_DEVICE_NAME, name);
	if (pci) {
		nla_put_string(msg, IOGROUP_A_DEVICE_BUS, "pci");
		nla_put_u16(msg, IOGROUP_A_DEVICE_VENDOR, 0x8086);
		nla_put_u16(msg, IOGROUP_A_DEVICE_DEVICE, 0x10d3);
		nla_put_u32(msg, IOGROUP_A_DEVICE_CLASS, 0x020000);
		nla_put_string(msg, IOGROUP_A_DEVICE_DRIVER, "e1000e");
		nla_put_flag(msg, IOGROUP_A_DEVICE_KERNEL_DMA);
		nla_put_flag(msg, IOGROUP_A_DEVICE_BLOCKS_VIABILITY);
		nla_put_u32(msg, IOGROUP_A_DEVICE_LAST_ERRNO, 517);
		nla_put_string(msg, IOGROUP_A_DEVICE_LAST_FAILED_DRIVER, "vfio-pci");
		nla_put_u32(msg, 250, 1);	/* newer attribute: ignored */
	}
	nla_nest_end(msg, d);
}

static void test_group(struct ig_nl *nl)
{
	struct nl_msg *msg = reply(IOGROUP_CMD_GROUP_GET);
	struct nlattr *o;
	struct ig_group g;

	nla_put_u32(msg, IOGROUP_A_GROUP_ID, 5);
	nla_put_u32(msg, IOGROUP_A_GROUP_DOMAIN, IOGROUP_DOMAIN_UNMANAGED);
	nla_put_u32(msg, IOGROUP_A_GROUP_DEFAULT_DOMAIN, IOGROUP_DOMAIN_DMA_FQ);
	nla_put_u32(msg, IOGROUP_A_GROUP_KERNEL_USERS, 1);
	o = nla_nest_start(msg, NLA_F_NESTED | IOGROUP_A_GROUP_OWNER);
	nla_put_u32(msg, IOGROUP_A_OWNER_KIND, IOGROUP_OWNER_USER);
	nla_put_u32(msg, IOGROUP_A_OWNER_PID, 1234);
	nla_put_string(msg, IOGROUP_A_OWNER_COMM, "qemu");
	nla_put_string(msg, IOGROUP_A_OWNER_CALLER, "vfio_container_attach_group [vfio]");
	nla_put(msg, IOGROUP_A_OWNER_PAD, 0, NULL);
	nla_put_u64(msg, IOGROUP_A_OWNER_SINCE, 123456789);
	nla_nest_end(msg, o);
	nla_put_u8(msg, IOGROUP_A_GROUP_VIABLE, 0);
	put_device(msg, "0000:00:02.0", true);
	put_device(msg, "0000:00:02.1", false);
	nla_put_u8(msg, IOGROUP_A_GROUP_KERNEL_CLAIMED, 1);
	nla_put_string(msg, IOGROUP_A_GROUP_DRIFT, "shadow: user; kernel: unclaimed");
	nla_put_u64(msg, IOGROUP_A_GROUP_GENERATION, 12);
	nla_put_u32(msg, 300, 7);		/* newer attribute: ignored */

	CHECK(parse_group(nl, nlmsg_hdr(msg), &g) == 0);
	CHECK(g.id == 5 && g.domain == IOGROUP_DOMAIN_UNMANAGED);
	CHECK(g.has_default_domain && g.default_domain == IOGROUP_DOMAIN_DMA_FQ);
	CHECK(g.kernel_users == 1 && !g.viable);
	CHECK(g.has_kernel_claimed && g.kernel_claimed);
	CHECK(g.drift && !strcmp(g.drift, "shadow: user; kernel: unclaimed"));
	CHECK(g.generation == 12);
	CHECK(g.owner.kind == IOGROUP_OWNER_USER && g.owner.has_pid &&
	      g.owner.pid == 1234 && !strcmp(g.owner.comm, "qemu") &&
	      !strcmp(g.owner.caller, "vfio_container_attach_group [vfio]") &&
	      g.owner.has_since && g.owner.since_ns == 123456789);
	CHECK(g.n_devices == 2);
	if (g.n_devices == 2) {
		struct ig_device *d = g.devices;

		CHECK(!strcmp(d[0].name, "0000:00:02.0") &&
		      !strcmp(d[0].bus, "pci"));
		CHECK(d[0].has_vendor && d[0].vendor == 0x8086);
		CHECK(d[0].has_device && d[0].device == 0x10d3);
		CHECK(d[0].has_class && d[0].class_code == 0x020000);
		CHECK(!strcmp(d[0].driver, "e1000e"));
		CHECK(d[0].kernel_dma && d[0].blocks_viability &&
		      !d[0].driver_managed_dma && !d[0].bridge);
		CHECK(d[0].has_last_errno && d[0].last_errno == 517 &&
		      !strcmp(d[0].last_failed_driver, "vfio-pci"));
		CHECK(!strcmp(d[1].name, "0000:00:02.1") && !d[1].driver &&
		      !d[1].has_vendor && !d[1].bus);
	}
	ig_group_free(&g);
	nlmsg_free(msg);
}

/* An iogroup claim: persistent, restore, repeated UNBOUND strings. */
static void test_iogroup_owner(struct ig_nl *nl)
{
	struct nl_msg *msg = reply(IOGROUP_CMD_GROUP_GET);
	struct nlattr *o;
	struct ig_group g;

	nla_put_u32(msg, IOGROUP_A_GROUP_ID, 7);
	o = nla_nest_start(msg, NLA_F_NESTED | IOGROUP_A_GROUP_OWNER);
	nla_put_u32(msg, IOGROUP_A_OWNER_KIND, IOGROUP_OWNER_IOGROUP);
	nla_put_u32(msg, IOGROUP_A_OWNER_PID, 123);
	nla_put_string(msg, IOGROUP_A_OWNER_COMM, "iogroup");
	nla_put_u64(msg, IOGROUP_A_OWNER_SINCE, 5);
	nla_put_flag(msg, IOGROUP_A_OWNER_PERSISTENT);
	nla_put_flag(msg, IOGROUP_A_OWNER_RESTORE);
	nla_put_string(msg, IOGROUP_A_OWNER_UNBOUND, "0000:00:02.0 e1000e");
	nla_put_string(msg, IOGROUP_A_OWNER_UNBOUND, "0000:00:02.1 snd_hda_intel");
	nla_put_string(msg, IOGROUP_A_OWNER_UNBOUND, "platform-x");
	nla_nest_end(msg, o);
	nla_put_u8(msg, IOGROUP_A_GROUP_VIABLE, 1);

	CHECK(parse_group(nl, nlmsg_hdr(msg), &g) == 0);
	CHECK(g.owner.kind == IOGROUP_OWNER_IOGROUP && g.owner.pid == 123 &&
	      !strcmp(g.owner.comm, "iogroup") && g.owner.since_ns == 5);
	CHECK(g.owner.persistent && g.owner.restore);
	CHECK(g.owner.n_unbound == 3);
	if (g.owner.n_unbound == 3) {
		CHECK(!strcmp(g.owner.unbound[0].device, "0000:00:02.0") &&
		      !strcmp(g.owner.unbound[0].driver, "e1000e"));
		CHECK(!strcmp(g.owner.unbound[1].device, "0000:00:02.1") &&
		      !strcmp(g.owner.unbound[1].driver, "snd_hda_intel"));
		CHECK(!strcmp(g.owner.unbound[2].device, "platform-x") &&
		      !g.owner.unbound[2].driver);
	}
	ig_group_free(&g);
	nlmsg_free(msg);

	/* a user owner has none of it */
	msg = reply(IOGROUP_CMD_GROUP_GET);
	nla_put_u32(msg, IOGROUP_A_GROUP_ID, 7);
	o = nla_nest_start(msg, NLA_F_NESTED | IOGROUP_A_GROUP_OWNER);
	nla_put_u32(msg, IOGROUP_A_OWNER_KIND, IOGROUP_OWNER_USER);
	nla_nest_end(msg, o);
	CHECK(parse_group(nl, nlmsg_hdr(msg), &g) == 0);
	CHECK(!g.owner.persistent && !g.owner.restore && !g.owner.n_unbound &&
	      !g.owner.unbound);
	ig_group_free(&g);
	nlmsg_free(msg);

	/* an UNBOUND without NUL, before a good one: refused */
	msg = reply(IOGROUP_CMD_GROUP_GET);
	nla_put_u32(msg, IOGROUP_A_GROUP_ID, 7);
	o = nla_nest_start(msg, NLA_F_NESTED | IOGROUP_A_GROUP_OWNER);
	nla_put_u32(msg, IOGROUP_A_OWNER_KIND, IOGROUP_OWNER_IOGROUP);
	nla_put(msg, IOGROUP_A_OWNER_UNBOUND, 4, "abcd");
	nla_put_string(msg, IOGROUP_A_OWNER_UNBOUND, "0000:00:02.0 e1000e");
	nla_nest_end(msg, o);
	CHECK(parse_group(nl, nlmsg_hdr(msg), &g) == -EBADMSG);
	CHECK(!g.owner.unbound);
	nlmsg_free(msg);
}

/* The requests of the write side and of check, parsed back. */
static void test_requests(struct ig_nl *nl)
{
	struct nlattr *tb[IOGROUP_A_GROUP_MAX + 1];
	struct nl_msg *msg;
	struct genlmsghdr *gh;

	nl->family = 0x20;
	msg = claim_request(nl, IOGROUP_CMD_CLAIM, 5, true,
			    IOGROUP_CLAIM_F_UNBIND | IOGROUP_CLAIM_F_PERSISTENT);
	CHECK(msg != NULL);
	gh = nlmsg_data(nlmsg_hdr(msg));
	CHECK(gh->cmd == IOGROUP_CMD_CLAIM);
	CHECK(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_ACK);
	CHECK(genlmsg_parse(nlmsg_hdr(msg), 0, tb, IOGROUP_A_GROUP_MAX, NULL) == 0);
	CHECK(tb[IOGROUP_A_GROUP_ID] && nla_get_u32(tb[IOGROUP_A_GROUP_ID]) == 5);
	CHECK(tb[IOGROUP_A_GROUP_CLAIM_FLAGS] &&
	      nla_get_u32(tb[IOGROUP_A_GROUP_CLAIM_FLAGS]) == 5);
	nlmsg_free(msg);

	msg = claim_request(nl, IOGROUP_CMD_RELEASE, 9, false, 0);
	gh = nlmsg_data(nlmsg_hdr(msg));
	CHECK(gh->cmd == IOGROUP_CMD_RELEASE);
	CHECK(genlmsg_parse(nlmsg_hdr(msg), 0, tb, IOGROUP_A_GROUP_MAX, NULL) == 0);
	CHECK(nla_get_u32(tb[IOGROUP_A_GROUP_ID]) == 9);
	CHECK(!tb[IOGROUP_A_GROUP_CLAIM_FLAGS]);
	nlmsg_free(msg);

	msg = dump_request(nl, true);
	CHECK((nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP);
	CHECK(genlmsg_parse(nlmsg_hdr(msg), 0, tb, IOGROUP_A_GROUP_MAX, NULL) == 0);
	CHECK(tb[IOGROUP_A_GROUP_VERIFY] && nla_len(tb[IOGROUP_A_GROUP_VERIFY]) == 0);
	nlmsg_free(msg);
	msg = dump_request(nl, false);
	CHECK(genlmsg_parse(nlmsg_hdr(msg), 0, tb, IOGROUP_A_GROUP_MAX, NULL) == 0);
	CHECK(!tb[IOGROUP_A_GROUP_VERIFY]);
	nlmsg_free(msg);
	nl->family = 0;
}

static void test_malformed(struct ig_nl *nl)
{
	struct nl_msg *msg;
	struct nlattr *d;
	struct ig_group g;
	uint16_t short_id = 5;

	/* u32 attribute of 2 bytes */
	msg = reply(IOGROUP_CMD_GROUP_GET);
	nla_put(msg, IOGROUP_A_GROUP_ID, sizeof(short_id), &short_id);
	CHECK(parse_group(nl, nlmsg_hdr(msg), &g) == -EBADMSG);
	nlmsg_free(msg);

	/* no group id */
	msg = reply(IOGROUP_CMD_GROUP_GET);
	nla_put_u32(msg, IOGROUP_A_GROUP_DOMAIN, 1);
	CHECK(parse_group(nl, nlmsg_hdr(msg), &g) == -EBADMSG);
	nlmsg_free(msg);

	/* device name without NUL, after a good device */
	msg = reply(IOGROUP_CMD_GROUP_GET);
	nla_put_u32(msg, IOGROUP_A_GROUP_ID, 1);
	put_device(msg, "0000:00:02.0", true);
	d = nla_nest_start(msg, IOGROUP_A_GROUP_DEVICE);
	nla_put(msg, IOGROUP_A_DEVICE_NAME, 4, "abcd");
	nla_nest_end(msg, d);
	CHECK(parse_group(nl, nlmsg_hdr(msg), &g) == -EBADMSG);
	CHECK(g.devices == NULL && g.n_devices == 0);
	nlmsg_free(msg);

	/* device without a name */
	msg = reply(IOGROUP_CMD_GROUP_GET);
	nla_put_u32(msg, IOGROUP_A_GROUP_ID, 1);
	d = nla_nest_start(msg, IOGROUP_A_GROUP_DEVICE);
	nla_put_flag(msg, IOGROUP_A_DEVICE_BRIDGE);
	nla_nest_end(msg, d);
	CHECK(parse_group(nl, nlmsg_hdr(msg), &g) == -EBADMSG);
	nlmsg_free(msg);

	/* owner nest whose kind is a u8 */
	msg = reply(IOGROUP_CMD_GROUP_GET);
	nla_put_u32(msg, IOGROUP_A_GROUP_ID, 1);
	d = nla_nest_start(msg, IOGROUP_A_GROUP_OWNER);
	nla_put_u8(msg, IOGROUP_A_OWNER_KIND, 2);
	nla_nest_end(msg, d);
	CHECK(parse_group(nl, nlmsg_hdr(msg), &g) == -EBADMSG);
	nlmsg_free(msg);
}

static void test_stats_event(struct ig_nl *nl)
{
	struct nl_msg *msg = reply(IOGROUP_CMD_STATS_GET);
	struct ig_stats s = { 0 };
	struct ig_event ev;

	nla_put_u64(msg, IOGROUP_A_STATS_PROBE_HITS, 10);
	nla_put_u64(msg, IOGROUP_A_STATS_EVENTS_DROPPED, 0);
	nla_put_u32(msg, IOGROUP_A_STATS_GROUPS, 14);
	nla_put_u64(msg, IOGROUP_A_STATS_BYTES, 1ULL << 33);
	nla_put_string(msg, IOGROUP_A_STATS_HOOKS, "really_probe");
	nla_put_u64(msg, IOGROUP_A_STATS_VETOES, 3);
	nla_put_u32(msg, IOGROUP_A_STATS_CLAIMS, 2);
	nla_put_u64(msg, IOGROUP_A_STATS_CLAIMS_TOTAL, 40);
	nla_put_u64(msg, IOGROUP_A_STATS_AUTO_RELEASES, 38);
	CHECK(stats_one(nl, nlmsg_hdr(msg), &s) == 0);
	CHECK(s.has[IOGROUP_A_STATS_VETOES] && s.val[IOGROUP_A_STATS_VETOES] == 3);
	CHECK(s.has[IOGROUP_A_STATS_CLAIMS] && s.val[IOGROUP_A_STATS_CLAIMS] == 2);
	CHECK(s.val[IOGROUP_A_STATS_CLAIMS_TOTAL] == 40);
	CHECK(s.val[IOGROUP_A_STATS_AUTO_RELEASES] == 38);
	CHECK(s.has[IOGROUP_A_STATS_PROBE_HITS] && s.val[IOGROUP_A_STATS_PROBE_HITS] == 10);
	CHECK(s.has[IOGROUP_A_STATS_EVENTS_DROPPED]);
	CHECK(!s.has[IOGROUP_A_STATS_RESYNCS]);
	CHECK(s.val[IOGROUP_A_STATS_GROUPS] == 14);
	CHECK(s.val[IOGROUP_A_STATS_BYTES] == 1ULL << 33);
	CHECK(s.hooks && !strcmp(s.hooks, "really_probe"));
	ig_stats_free(&s);
	nlmsg_free(msg);

	msg = reply(IOGROUP_CMD_EVENT);
	nla_put_u32(msg, IOGROUP_A_EVENT_TYPE, IOGROUP_EVENT_BIND_FAILED);
	nla_put_u64(msg, IOGROUP_A_EVENT_SEQ, 7);
	nla_put_u64(msg, IOGROUP_A_EVENT_TIMESTAMP, 99);
	nla_put_u32(msg, IOGROUP_A_EVENT_GROUP_ID, 5);
	nla_put_string(msg, IOGROUP_A_EVENT_DEVICE, "0000:00:02.0");
	nla_put_string(msg, IOGROUP_A_EVENT_DRIVER, "virtio-pci");
	nla_put_u32(msg, IOGROUP_A_EVENT_ERRNO, 19);
	CHECK(parse_event(nlmsg_hdr(msg), &ev) == 0);
	CHECK(ev.type == IOGROUP_EVENT_BIND_FAILED && ev.has_seq && ev.seq == 7 &&
	      ev.timestamp_ns == 99 && ev.group == 5 && ev.has_errno &&
	      ev.err == 19 && !strcmp(ev.device, "0000:00:02.0") &&
	      !strcmp(ev.driver, "virtio-pci") && !ev.has_owner && !ev.comm);
	ig_event_free(&ev);
	nlmsg_free(msg);

	msg = reply(IOGROUP_CMD_EVENT);
	nla_put_u32(msg, IOGROUP_A_EVENT_TYPE, IOGROUP_EVENT_DRIFT);
	nla_put_u32(msg, IOGROUP_A_EVENT_GROUP_ID, 5);
	nla_put_string(msg, IOGROUP_A_EVENT_DRIFT, "shadow: none; kernel: claimed");
	CHECK(parse_event(nlmsg_hdr(msg), &ev) == 0);
	CHECK(ev.type == IOGROUP_EVENT_DRIFT && ev.group == 5 && ev.drift &&
	      !strcmp(ev.drift, "shadow: none; kernel: claimed"));
	ig_event_free(&ev);
	nlmsg_free(msg);

	msg = reply(IOGROUP_CMD_EVENT);		/* no type */
	nla_put_u64(msg, IOGROUP_A_EVENT_SEQ, 7);
	CHECK(parse_event(nlmsg_hdr(msg), &ev) == -EBADMSG);
	nlmsg_free(msg);
}

/* Build an NLMSG_ERROR / NLMSG_DONE as the kernel does, with extack TLVs. */
static size_t put_tlv(char *p, uint16_t type, const char *s)
{
	struct nlattr *a = (struct nlattr *)p;

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(s) + 1);
	memcpy(p + NLA_HDRLEN, s, strlen(s) + 1);
	return NLA_ALIGN(a->nla_len);
}

static void test_extack(struct ig_nl *nl)
{
	union {
		char buf[512];
		struct nlmsghdr align;
	} u;
	struct nlmsghdr *h = &u.align;
	struct nlmsgerr *e = (struct nlmsgerr *)(u.buf + NLMSG_HDRLEN);
	struct req r = { .nl = nl };
	size_t len;

	/* capped: nlmsgerr carries only the request's header */
	memset(&u, 0, sizeof(u));
	len = NLMSG_HDRLEN + sizeof(*e);
	len += put_tlv(u.buf + len, NLMSGERR_ATTR_MSG, "no such device");
	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	e->error = -ENODEV;
	e->msg.nlmsg_len = 64;		/* the original request was longer */
	reply_error(&r, h);
	CHECK(r.err == -ENODEV && r.done);
	CHECK(!strcmp(nl->extack, "no such device"));

	/* not capped: the whole request (header + 12 bytes) is echoed */
	reset_error(nl);
	memset(&u, 0, sizeof(u));
	len = NLMSG_HDRLEN + sizeof(*e) + 12;
	len += put_tlv(u.buf + len, NLMSGERR_ATTR_MSG, "Unknown attribute type");
	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_flags = NLM_F_ACK_TLVS;
	e->error = -EINVAL;
	e->msg.nlmsg_len = NLMSG_HDRLEN + 12;
	r.err = 0;
	reply_error(&r, h);
	CHECK(r.err == -EINVAL);
	CHECK(!strcmp(nl->extack, "Unknown attribute type"));

	/* no TLVs flag: nothing parsed */
	reset_error(nl);
	h->nlmsg_flags = 0;
	reply_error(&r, h);
	CHECK(r.done && !ig_nl_extack(nl));

	/* bogus: message not NUL terminated -> ignored, no crash */
	reset_error(nl);
	memset(&u, 0, sizeof(u));
	len = NLMSG_HDRLEN + sizeof(*e);
	len += put_tlv(u.buf + len, NLMSGERR_ATTR_MSG, "abc");
	u.buf[len - 1 - 0] = 'x';	/* overwrite padding/NUL */
	u.buf[NLMSG_HDRLEN + sizeof(*e) + NLA_HDRLEN + 3] = 'x';
	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	e->error = -EPERM;
	reply_error(&r, h);
	CHECK(r.err == -EPERM);
	CHECK(!ig_nl_extack(nl));

	/* NLMSG_DONE of a failed dump, with a message */
	{
		struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
		char tlv[64];
		int v = -EMSGSIZE;

		nlmsg_append(msg, &v, sizeof(v), NLMSG_ALIGNTO);
		len = put_tlv(tlv, NLMSGERR_ATTR_MSG, "too big");
		nlmsg_append(msg, tlv, len, NLMSG_ALIGNTO);
		reset_error(nl);
		memset(&r, 0, sizeof(r));
		r.nl = nl;
		reply_done(&r, nlmsg_hdr(msg));
		CHECK(r.done && r.err == -EMSGSIZE);
		CHECK(ig_nl_extack(nl) && !strcmp(nl->extack, "too big"));
		nlmsg_free(msg);

		msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
		v = 0;
		nlmsg_append(msg, &v, sizeof(v), NLMSG_ALIGNTO);
		memset(&r, 0, sizeof(r));
		r.nl = nl;
		reply_done(&r, nlmsg_hdr(msg));
		CHECK(r.done && r.err == 0);
		nlmsg_free(msg);
	}
}

static int count_msgs(struct ig_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	(void)nl;
	(void)nlh;
	(*(int *)arg)++;
	return 0;
}

static size_t put_hdr(char *at, uint16_t type, uint16_t flags, uint32_t seq,
		      size_t payload)
{
	struct nlmsghdr h = {
		.nlmsg_len = (uint32_t)NLMSG_LENGTH(payload),
		.nlmsg_type = type,
		.nlmsg_flags = flags,
		.nlmsg_seq = seq,
	};

	memcpy(at, &h, sizeof(h));
	memset(at + NLMSG_HDRLEN, 0, NLMSG_ALIGN(payload));
	return NLMSG_SPACE(payload);
}

/*
 * One receive's messages, taken in place: only the kernel's replies to
 * this request's sequence number count, NLM_F_DUMP_INTR is remembered,
 * NOOP is skipped, and nothing after the end of the exchange is read.
 */
static void test_reply_buf(struct ig_nl *nl)
{
	union {
		char buf[1024];
		struct nlmsghdr align;
	} u;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct sockaddr_nl user = { .nl_family = AF_NETLINK, .nl_pid = 4242 };
	struct genlmsghdr gh = { .cmd = IOGROUP_CMD_GROUP_GET, .version = 1 };
	struct req r;
	size_t len = 0, at;
	int n = 0;

	len += put_hdr(u.buf + len, 0x20, NLM_F_MULTI, 8, sizeof(gh));	/* other seq */
	at = len;
	len += put_hdr(u.buf + len, 0x20, NLM_F_MULTI | NLM_F_DUMP_INTR, 7,
		       sizeof(gh));
	memcpy(u.buf + at + NLMSG_HDRLEN, &gh, sizeof(gh));
	len += put_hdr(u.buf + len, NLMSG_NOOP, 0, 7, 0);
	at = len;
	len += put_hdr(u.buf + len, 0x20, NLM_F_MULTI, 7, sizeof(gh));
	memcpy(u.buf + at + NLMSG_HDRLEN, &gh, sizeof(gh));
	len += put_hdr(u.buf + len, NLMSG_DONE, NLM_F_MULTI, 7, sizeof(int));
	at = len;
	len += put_hdr(u.buf + len, 0x20, NLM_F_MULTI, 7, sizeof(gh));	/* after DONE */
	memcpy(u.buf + at + NLMSG_HDRLEN, &gh, sizeof(gh));

	/* from a user-space port: not a reply at all */
	r = (struct req){ .nl = nl, .parse = count_msgs, .arg = &n, .seq = 7 };
	reply_buf(&r, &user, &u.align, (int)len);
	CHECK(n == 0 && !r.done && !r.interrupted && !r.err);

	reply_buf(&r, &kernel, &u.align, (int)len);
	CHECK(n == 2 && r.done && r.interrupted && !r.err);

	/* a truncated error ends the exchange as malformed */
	len = put_hdr(u.buf, NLMSG_ERROR, 0, 7, sizeof(int));
	r = (struct req){ .nl = nl, .parse = count_msgs, .arg = &n, .seq = 7 };
	reply_buf(&r, &kernel, &u.align, (int)len);
	CHECK(r.done && r.err == -EBADMSG);

	/* an ack, and an overrun */
	len = put_hdr(u.buf, NLMSG_ERROR, 0, 7, sizeof(struct nlmsgerr));
	r = (struct req){ .nl = nl, .parse = count_msgs, .arg = &n, .seq = 7 };
	reply_buf(&r, &kernel, &u.align, (int)len);
	CHECK(r.done && !r.err);
	len = put_hdr(u.buf, NLMSG_OVERRUN, 0, 7, 0);
	r = (struct req){ .nl = nl, .parse = count_msgs, .arg = &n, .seq = 7 };
	reply_buf(&r, &kernel, &u.align, (int)len);
	CHECK(r.done && r.err == -EOVERFLOW);
	reset_error(nl);
}

/* nlctrl's answer: the family's id and its events group among others. */
static void test_family(struct ig_nl *nl)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *grps, *g;
	struct family f = { 0 };

	genlmsg_put(msg, 0, 1, GENL_ID_CTRL, 0, 0, CTRL_CMD_NEWFAMILY, 2);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, IOGROUP_FAMILY_NAME);
	nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, 0x23);
	grps = nla_nest_start(msg, CTRL_ATTR_MCAST_GROUPS);
	g = nla_nest_start(msg, 1);
	nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, 7);
	nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, "other");
	nla_nest_end(msg, g);
	g = nla_nest_start(msg, 2);
	nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, IOGROUP_MCGRP_EVENTS);
	nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, 9);
	nla_nest_end(msg, g);
	nla_nest_end(msg, grps);
	CHECK(family_one(nl, nlmsg_hdr(msg), &f) == 0);
	CHECK(f.id == 0x23 && f.events == 9);
	nlmsg_free(msg);

	/* no id: refused */
	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 1, GENL_ID_CTRL, 0, 0, CTRL_CMD_NEWFAMILY, 2);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, IOGROUP_FAMILY_NAME);
	CHECK(family_one(nl, nlmsg_hdr(msg), &f) == -EBADMSG);
	nlmsg_free(msg);
	reset_error(nl);
}

/*
 * The transport against a family every kernel has (nlctrl): a dump, a do
 * with its ack, and a refused request with its errno and extended ack.
 */
static void test_live(void)
{
	struct ig_nl *nl = NULL;
	struct nl_msg *msg;
	int n, err;

	err = ig_nl_open(&nl, false);
	if (err != 0 && err != IG_ERR_NOFAMILY) {
		printf("test_nl: no generic netlink here, live test skipped\n");
		ig_nl_close(nl);
		return;
	}
	/* A claim belongs to the socket: a child must not inherit it. */
	CHECK(fcntl(nl_socket_get_fd(nl->sk), F_GETFD) & FD_CLOEXEC);
	nl->family = GENL_ID_CTRL;

	n = 0;
	msg = new_request(nl, CTRL_CMD_GETFAMILY, NLM_F_DUMP);
	CHECK(transact(nl, msg, count_msgs, &n) == 0);
	CHECK(n >= 1);			/* at least nlctrl itself */

	n = 0;
	msg = new_request(nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	CHECK(transact(nl, msg, count_msgs, &n) == 0);
	CHECK(n == 1);

	n = 0;
	reset_error(nl);
	msg = new_request(nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nosuchfam");
	err = transact(nl, msg, count_msgs, &n);
	if (err != -ENOENT)
		printf("err=%d %s extack=%s\n", err, ig_nl_strerror(nl, err), ig_nl_extack(nl));
	CHECK(err == -ENOENT);
	CHECK(!strcmp(ig_nl_strerror(nl, err), strerror(ENOENT)));

	/* A u16 attribute of 1 byte: refused by policy, with an extack. */
	reset_error(nl);
	msg = new_request(nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_u8(msg, CTRL_ATTR_FAMILY_ID, 1);
	err = transact(nl, msg, count_msgs, &n);
	CHECK(err < 0);
	printf("test_nl: live: bad attribute -> %s; kernel says: %s\n",
	       ig_nl_strerror(nl, err),
	       ig_nl_extack(nl) ? ig_nl_extack(nl) : "(nothing)");

	/* nlctrl names itself: its id, by the parser of ig_nl_open() */
	{
		struct family f = { 0 };

		msg = new_request(nl, CTRL_CMD_GETFAMILY, 0);
		nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl");
		CHECK(transact(nl, msg, family_one, &f) == 0);
		CHECK(f.id == GENL_ID_CTRL);
	}

	/* The socket still works after an error. */
	n = 0;
	msg = new_request(nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	CHECK(transact(nl, msg, count_msgs, &n) == 0 && n == 1);
	ig_nl_close(nl);
}

struct watch_test {
	int n, stop_w;
	uint64_t seqs[4];
};

static int on_ev(const struct ig_event *ev, void *arg)
{
	struct watch_test *t = arg;

	if (!ev || t->n >= 4)
		return -EPROTO;
	t->seqs[t->n++] = ev->seq;
	if (ev->type == IOGROUP_EVENT_RESYNC)
		CHECK(write(t->stop_w, "x", 1) == 1);
	return 0;
}

/*
 * ig_nl_watch() fed by a second socket that unicasts fake events to it
 * (only root may send to a user-space port): event parsing, the disabled
 * sequence check, skipping of foreign messages, and the stop fd.
 */
static void test_watch_live(void)
{
	struct ig_nl *nl = calloc(1, sizeof(*nl));
	struct nl_sock *tx = nl_socket_alloc();
	struct watch_test t = { 0 };
	struct nl_msg *msg;
	int p[2], err;

	if (!nl || !tx || pipe(p))
		abort();
	nl->sk = nl_socket_alloc();
	nl->family = 0x7777;		/* a made-up family id */
	if (!nl->sk || genl_connect(nl->sk) || genl_connect(tx)) {
		printf("test_nl: no generic netlink here, watch test skipped\n");
		goto out;
	}
	nl_socket_disable_seq_check(nl->sk);
	nl_socket_set_nonblocking(nl->sk);
	nl_socket_set_peer_port(tx, nl_socket_get_local_port(nl->sk));
	t.stop_w = p[1];

	msg = nlmsg_alloc();		/* event 1 */
	genlmsg_put(msg, 0, 0, 0x7777, 0, 0, IOGROUP_CMD_EVENT, 1);
	nla_put_u32(msg, IOGROUP_A_EVENT_TYPE, IOGROUP_EVENT_DEVICE_BOUND);
	nla_put_u64(msg, IOGROUP_A_EVENT_SEQ, 1);
	nla_put_string(msg, IOGROUP_A_EVENT_DEVICE, "0000:00:02.0");
	err = nl_send_auto(tx, msg);
	nlmsg_free(msg);
	if (err < 0) {
		printf("test_nl: cannot unicast to a user socket (%s), watch test skipped\n",
		       nl_geterror(err));
		goto out;
	}
	msg = nlmsg_alloc();		/* another family: ignored */
	genlmsg_put(msg, 0, 0, 0x7778, 0, 0, IOGROUP_CMD_EVENT, 1);
	nla_put_u32(msg, IOGROUP_A_EVENT_TYPE, IOGROUP_EVENT_DEVICE_BOUND);
	nl_send_auto(tx, msg);
	nlmsg_free(msg);
	msg = nlmsg_alloc();		/* another command: ignored */
	genlmsg_put(msg, 0, 0, 0x7777, 0, 0, IOGROUP_CMD_GROUP_GET, 1);
	nla_put_u32(msg, IOGROUP_A_GROUP_ID, 1);
	nl_send_auto(tx, msg);
	nlmsg_free(msg);
	msg = nlmsg_alloc();		/* event 2: stops the test */
	genlmsg_put(msg, 0, 0, 0x7777, 0, 0, IOGROUP_CMD_EVENT, 1);
	nla_put_u32(msg, IOGROUP_A_EVENT_TYPE, IOGROUP_EVENT_RESYNC);
	nla_put_u64(msg, IOGROUP_A_EVENT_SEQ, 2);
	nl_send_auto(tx, msg);
	nlmsg_free(msg);

	err = ig_nl_watch(nl, p[0], on_ev, &t);
	CHECK(err == 0);
	CHECK(t.n == 2 && t.seqs[0] == 1 && t.seqs[1] == 2);
out:
	close(p[0]);
	close(p[1]);
	nl_socket_free(tx);
	ig_nl_close(nl);
}

int main(void)
{
	struct ig_nl *nl = calloc(1, sizeof(*nl));

	test_group(nl);
	test_iogroup_owner(nl);
	test_requests(nl);
	test_malformed(nl);
	test_stats_event(nl);
	test_extack(nl);
	test_reply_buf(nl);
	test_family(nl);
	free(nl);
	test_live();
	test_watch_live();
	if (failures) {
		fprintf(stderr, "test_nl: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_nl: ok\n");
	return 0;
}
