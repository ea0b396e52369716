// SPDX-License-Identifier: GPL-2.0
/*
 * nl_fuzz: random and mutated generic-netlink messages to the iogroup
 * family, as root and (concurrently, in a child) as uid/gid 1000, then
 * checks that the module survived and left nothing claimed.
 *
 *   IOGROUP_FUZZ_SEED    seed (default fixed, always printed)
 *   IOGROUP_FUZZ_COUNT   messages in total (default 1000000, half per mode)
 *   IOGROUP_FUZZ_BUDGET  seconds of fuzzing at most (default 85 times
 *                        IOGROUP_VM_SLOW: the VM runner kills a program
 *                        after 240 s times IOGROUP_VM_SLOW)
 *
 * Every message is also run through a small model of the netlink and
 * genetlink core (netlink_rcv_skb, genl_family_rcv_msg) that predicts
 * whether it gets an answer and, for the rejections the core makes before
 * the family's policy, which errno: the model is asserted too, so that a
 * message that reaches the module is known to.  Every error produced at
 * the policy or in the module must carry an extack message (EINVAL may
 * instead carry NLMSGERR_ATTR_MISS_TYPE, the kernel's way of naming a
 * missing attribute).
 *
 * Root CLAIM/RELEASE only ever name groups that do not exist (>= 100000):
 * every top-level GROUP_ID attribute of such a message is rewritten after
 * mutation, so the fuzzer never takes a real device's DMA away.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <grp.h>
#include <signal.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "iogroup_nl.h"
#include "sysfs_gt.h"

#define UNPRIV_UID	1000
#define DEF_SEED	0x10c0ffeeULL
#define DEF_COUNT	1000000
#define DEF_BUDGET	85
#define SLOT_MAX	(66 * 1024)	/* one message */
#define BATCH_MAX	32
#define BATCH_BYTES	(48 * 1024)
#define ANSWER_MS	2000
#define NVIOL		12

/* ----------------------------------------------------------- stats */

struct viol {
	char text[200];
};

struct fstats {
	uint64_t sent, dropped, answered, no_answer, extra, send_err, enobufs;
	uint64_t ok, replies, batches;
	uint64_t hist[4096];			/* errno -> answers */
	uint64_t with_msg[4096], with_miss[4096], bare[4096];
	uint64_t mod_msgs;			/* "iogroup: ..." messages */
	uint64_t late_bare;			/* policy/module errors w/o extack */
	uint64_t core_pred, core_mismatch;	/* model of the core */
	uint64_t unpriv_cr, unpriv_cr_dispatch, unpriv_cr_viol;
	uint64_t root_cr, root_cr_ok;		/* root CLAIM/RELEASE that succeeded */
	uint64_t dumps, dump_partial, dump_closed, dump_busy, dump_viol;
	uint64_t budget_hit;
	double secs;
	int nviol;
	struct viol v[NVIOL];
};

static struct fstats *ST[2];		/* 0 root, 1 user (shared memory) */
static uint16_t FAM;
static uint64_t rng_state;
static bool IS_ROOT;
static int KVER;		/* major * 100 + minor, from uname */
static struct timespec T_END;

/* real groups and devices, from sysfs */
static uint32_t gids[GT_MAX_GROUPS];
static int ngids;
static char devnames[64][GT_NAME];
static int ndevnames;

static void viol(struct fstats *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void viol(struct fstats *st, const char *fmt, ...)
{
	va_list ap;

	if (st->nviol >= NVIOL)
		return;
	va_start(ap, fmt);
	vsnprintf(st->v[st->nviol++].text, sizeof(st->v[0].text), fmt, ap);
	va_end(ap);
}

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint32_t rn(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(int percent)
{
	return rn(100) < (uint32_t)percent;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static bool past_deadline(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec > T_END.tv_sec ||
	       (t.tv_sec == T_END.tv_sec && t.tv_nsec >= T_END.tv_nsec);
}

/* ------------------------------------------------- message building */

struct fmsg {
	uint8_t *buf;
	uint32_t len;		/* bytes sent (slot length) */
	uint32_t seq;
	/* the model's prediction */
	bool expect;		/* an answer is due */
	bool dump;		/* answered by NLMSG_DONE (or an error) */
	bool ack;		/* NLM_F_ACK: an NLMSG_ERROR comes even on success */
	int stage;		/* see predict() */
	int pred_err;		/* errno the core gives at stages 3..7 */
	bool cr;		/* CLAIM/RELEASE reaching command dispatch */
	bool cr_any;		/* CLAIM/RELEASE command byte, any header */
	/* what came */
	bool done, reply;
	int err;
	char msg[256];
	bool has_miss;
};

enum {
	ST_DROP,	/* no answer: nlmsg_len < 16 or > bytes sent */
	ST_NOREQ,	/* no NLM_F_REQUEST: ack 0 if NLM_F_ACK, else nothing */
	ST_SHORT,	/* nlmsg_len < genl header: EINVAL, no extack */
	ST_HDRCHK,	/* reserved / flags: EINVAL with a message */
	ST_NOCMD,	/* unknown command: EOPNOTSUPP, no extack */
	ST_PERM,	/* GENL_ADMIN_PERM without CAP_NET_ADMIN: EPERM */
	ST_NODUMP,	/* dump of a do-only command: EOPNOTSUPP */
	ST_FAMILY,	/* the policy and the module */
};

static const char *const stage_name[] = {
	"dropped", "no-request", "short", "header-check", "no-command",
	"perm", "no-dump", "family",
};

static void predict(struct fmsg *m)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)m->buf;
	const struct genlmsghdr *g = (const void *)(m->buf + NLMSG_HDRLEN);
	uint16_t flags;
	bool dump;

	m->expect = false;
	m->dump = false;
	m->ack = false;
	m->pred_err = 0;
	m->cr = m->cr_any = false;
	if (m->len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
	    nlh->nlmsg_len > m->len) {
		m->stage = ST_DROP;
		return;
	}
	flags = nlh->nlmsg_flags;
	m->ack = flags & NLM_F_ACK;
	if (!(flags & NLM_F_REQUEST)) {
		m->stage = ST_NOREQ;
		m->expect = m->ack;
		return;
	}
	m->expect = true;
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		m->stage = ST_SHORT;
		m->pred_err = EINVAL;
		return;
	}
	m->cr_any = g->cmd == IOGROUP_CMD_CLAIM || g->cmd == IOGROUP_CMD_RELEASE;
	dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
	if (dump)
		flags &= ~NLM_F_DUMP;
	/* genl_header_check(): 6.1 on (resv_start_op 0: every command) */
	if (KVER >= 601 &&
	    (g->reserved || (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)))) {
		m->stage = ST_HDRCHK;
		m->pred_err = EINVAL;
		return;
	}
	if (g->cmd != IOGROUP_CMD_GROUP_GET && g->cmd != IOGROUP_CMD_STATS_GET &&
	    !m->cr_any) {
		m->stage = ST_NOCMD;
		m->pred_err = EOPNOTSUPP;
		return;
	}
	m->cr = m->cr_any;
	/* 6.2 on: split ops, a dump of a do-only command is looked up first */
	if (KVER >= 602 && dump && g->cmd != IOGROUP_CMD_GROUP_GET) {
		m->stage = ST_NODUMP;
		m->pred_err = EOPNOTSUPP;
		return;
	}
	if (m->cr && !IS_ROOT) {
		m->stage = ST_PERM;
		m->pred_err = EPERM;
		return;
	}
	if (dump && g->cmd != IOGROUP_CMD_GROUP_GET) {
		m->stage = ST_NODUMP;
		m->pred_err = EOPNOTSUPP;
		return;
	}
	m->dump = dump;
	m->stage = ST_FAMILY;
}

static const uint32_t safe_ids[] = {
	100000, 100001, 123456, 999999, 1000000000, 0x7fffffff, 0x80000000,
	0xfffffffe, 0xffffffff,
};

/*
 * Root CLAIM/RELEASE: rewrite every top-level GROUP_ID the kernel would
 * parse (same walk as nla_for_each_attr over nlmsg_len) to a group that
 * cannot exist.
 */
static void sanitize(struct fmsg *m)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = (void *)(m->buf + NLMSG_HDRLEN);
	uint32_t L = m->len, off;

	if (!IS_ROOT || m->len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	if (nlh->nlmsg_len < L)
		L = nlh->nlmsg_len;
	if (L < NLMSG_LENGTH(GENL_HDRLEN) ||
	    (g->cmd != IOGROUP_CMD_CLAIM && g->cmd != IOGROUP_CMD_RELEASE))
		return;
	off = NLMSG_LENGTH(GENL_HDRLEN);
	while (off + NLA_HDRLEN <= L) {
		struct nlattr *a = (struct nlattr *)(m->buf + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > L)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == IOGROUP_A_GROUP_ID &&
		    a->nla_len >= NLA_HDRLEN + 4) {
			uint32_t v = safe_ids[rn(sizeof(safe_ids) / 4)];

			memcpy((char *)a + NLA_HDRLEN, &v, 4);
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

static void fill_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = rnd();
}

static void fill_text(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = 'a' + rn(26);
}

static uint32_t interesting_u32(void)
{
	static const uint32_t v[] = {
		0, 1, 2, 3, 7, 255, 256, 65535, 65536, 100000, 0x7fffffff,
		0x80000000, 0xfffffffe, 0xffffffff, 0xdeadbeef,
		__IOGROUP_CLAIM_F_ALL, IOGROUP_CLAIM_F_RESTORE,
		IOGROUP_CLAIM_F_UNBIND | IOGROUP_CLAIM_F_RESTORE,
		IOGROUP_CLAIM_F_PERSISTENT, 1u << 3, 1u << 31,
	};

	if (ngids && chance(40))
		return gids[rn(ngids)];
	if (chance(10))
		return rnd();
	return v[rn(sizeof(v) / sizeof(v[0]))];
}

/* Append one attribute at p (room bytes); returns the bytes used. */
static size_t gen_attr(uint8_t *p, size_t room, int depth)
{
	struct nlattr *a = (struct nlattr *)p;
	uint8_t *d = p + NLA_HDRLEN;
	size_t len = 0, max;
	uint16_t type;
	uint32_t r;

	if (room < NLA_HDRLEN + GT_NAME + 8)
		return 0;
	/* aligned, so that the padded attribute never exceeds room */
	max = (room - NLA_HDRLEN) & ~(size_t)3;
	if (max > 65528)
		max = 65528;

	r = rn(100);
	if (r < 25)
		type = IOGROUP_A_GROUP_ID;
	else if (r < 40)
		type = IOGROUP_A_GROUP_DEVICE_NAME;
	else if (r < 50)
		type = IOGROUP_A_GROUP_CLAIM_FLAGS;
	else if (r < 58)
		type = IOGROUP_A_GROUP_VERIFY;
	else if (r < 85)
		type = rn(IOGROUP_A_GROUP_MAX + 1);
	else if (r < 95)
		type = IOGROUP_A_GROUP_MAX + 1 + rn(40);
	else
		type = rn(NLA_TYPE_MASK + 1);
	r = rn(100);
	if (r < 8)
		type |= NLA_F_NESTED;
	else if (r < 16)
		type |= NLA_F_NET_BYTEORDER;
	else if (r < 19)
		type |= NLA_F_NESTED | NLA_F_NET_BYTEORDER;

	r = rn(100);
	if (r < 30) {			/* the right shape for the type */
		switch (type & NLA_TYPE_MASK) {
		case IOGROUP_A_GROUP_DEVICE_NAME:
			if (ndevnames && chance(60)) {
				const char *n = devnames[rn(ndevnames)];

				len = strlen(n) + 1;
				memcpy(d, n, len);
			} else {
				len = 1 + rn(8);
				fill_text(d, len);
				d[len - 1] = 0;
			}
			break;
		case IOGROUP_A_GROUP_VERIFY:
			len = 0;
			break;
		default: {
			uint32_t v = interesting_u32();

			len = 4;
			memcpy(d, &v, 4);
		}
		}
	} else if (r < 55) {		/* wrong lengths */
		static const size_t lens[] = { 0, 1, 2, 3, 5, 6, 7, 8, 12, 16 };

		len = lens[rn(sizeof(lens) / sizeof(lens[0]))];
		len = len > max ? max : len;
		fill_random(d, len);
		if (len >= 4 && chance(50)) {
			uint32_t v = interesting_u32();

			memcpy(d, &v, 4);
		}
	} else if (r < 65) {		/* string without NUL */
		len = 1 + rn(IOGROUP_DEVICE_NAME_MAX + 8);
		len = len > max ? max : len;
		fill_text(d, len);
		if (ndevnames && chance(50)) {
			const char *n = devnames[rn(ndevnames)];

			len = strlen(n);
			len = len > max ? max : len;
			memcpy(d, n, len);
		}
	} else if (r < 75) {		/* overlong / edge-length strings */
		static const size_t lens[] = { 1, 2, 62, 63, 64, 65, 66, 100,
					       255, 256, 1000, 4000 };

		len = lens[rn(sizeof(lens) / sizeof(lens[0]))];
		if (len > max)
			len = max;
		fill_text(d, len);
		d[len - 1] = 0;
		if (chance(30) && len > 2)	/* NUL in the middle */
			d[rn(len - 1)] = 0;
	} else if (r < 88 && depth < 3) {	/* nested where flat is expected */
		size_t n = rn(4), used = 0;

		for (size_t i = 0; i < n; i++)
			used += gen_attr(d + used, max - used, depth + 1);
		len = used;
		if (chance(70))
			type |= NLA_F_NESTED;
	} else if (r < 96) {		/* random bytes */
		len = rn(64);
		len = len > max ? max : len;
		fill_random(d, len);
	} else {			/* big: up to the u16 nla_len limit */
		len = chance(50) || max <= 256 ? max : 256 + rn(max - 255);
		fill_random(d, len);
	}
	if (len > max)
		len = max;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memset(d + len, 0, NLA_ALIGN(a->nla_len) - a->nla_len);
	if (chance(3)) {		/* nla_len lies */
		static const uint16_t l[] = { 0, 1, 2, 3, 5, 0xffff, 0x1000 };

		a->nla_len = chance(50) ? l[rn(7)] : (uint16_t)rnd();
	}
	return NLA_ALIGN(NLA_HDRLEN + len);
}

static uint16_t gen_flags(void)
{
	static const uint16_t f[] = {
		NLM_F_REQUEST | NLM_F_ACK,
		NLM_F_REQUEST,
		NLM_F_REQUEST | NLM_F_DUMP,
		NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK,
		NLM_F_REQUEST | NLM_F_ECHO,
		NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO,
		NLM_F_REQUEST | NLM_F_ROOT,
		NLM_F_REQUEST | NLM_F_MATCH | NLM_F_ACK,
		NLM_F_REQUEST | NLM_F_ATOMIC,
		NLM_F_REQUEST | NLM_F_MULTI | NLM_F_ACK,
		NLM_F_REQUEST | NLM_F_DUMP_INTR,
		NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ECHO | NLM_F_ACK,
		NLM_F_ACK,
		0,
		NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
	};
	uint32_t r = rn(100);

	if (r < 70)
		return NLM_F_REQUEST | NLM_F_ACK;
	if (r < 80)
		return NLM_F_REQUEST;
	if (r < 96)
		return f[rn(sizeof(f) / sizeof(f[0]))];
	return rnd();
}

static uint8_t gen_cmd(void)
{
	uint32_t r = rn(100);

	if (r < 36)
		return IOGROUP_CMD_GROUP_GET;
	if (r < 46)
		return IOGROUP_CMD_STATS_GET;
	if (r < 64)
		return IOGROUP_CMD_CLAIM;
	if (r < 82)
		return IOGROUP_CMD_RELEASE;
	if (r < 87)
		return IOGROUP_CMD_EVENT;
	if (r < 90)
		return IOGROUP_CMD_UNSPEC;
	return 6 + rn(250);
}

static void put_hdr(uint8_t *b, uint16_t flags, uint8_t cmd, uint8_t ver)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)b;
	struct genlmsghdr *g = (void *)(b + NLMSG_HDRLEN);

	memset(b, 0, NLMSG_LENGTH(GENL_HDRLEN));
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = FAM;
	nlh->nlmsg_flags = flags;
	g->cmd = cmd;
	g->version = ver;
}

/*
 * Build one random message into m->buf.  Returns true if it must be sent
 * alone (framing lies, dumps, big messages).
 */
static bool gen_msg(struct fmsg *m)
{
	uint8_t *b = m->buf;
	struct nlmsghdr *nlh = (struct nlmsghdr *)b;
	uint16_t flags = gen_flags();
	uint32_t len, nattr, r;
	bool alone = false;

	/* seldom a big message: they are slow to copy */
	size_t cap = chance(2) ? SLOT_MAX : 1024;

	/* a full dump is slow: keep them rare */
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP && !chance(25))
		flags &= ~NLM_F_ROOT;
	put_hdr(b, flags, gen_cmd(), chance(92) ? IOGROUP_FAMILY_VERSION : rn(256));
	if (chance(3))
		((struct genlmsghdr *)(b + NLMSG_HDRLEN))->reserved = rnd();
	len = nlh->nlmsg_len;
	nattr = rn(100) < 20 ? 0 : 1 + rn(4);
	for (uint32_t i = 0; i < nattr; i++)
		len += gen_attr(b + len, cap - len, 0);
	if (chance(4) && len + 8 < cap) {	/* trailing garbage, < an attribute */
		uint32_t n = 1 + rn(3);

		fill_random(b + len, n);
		len += n;
	}
	nlh->nlmsg_len = len;
	if (chance(8) && len > NLMSG_LENGTH(GENL_HDRLEN)) {	/* mutate */
		uint32_t n = 1 + rn(4);

		for (uint32_t i = 0; i < n; i++) {
			uint32_t at = NLMSG_LENGTH(GENL_HDRLEN) +
				      rn(len - NLMSG_LENGTH(GENL_HDRLEN));

			if (chance(50))
				b[at] ^= 1 << rn(8);
			else
				b[at] = rnd();
		}
		if (chance(30))		/* truncate */
			nlh->nlmsg_len = len = NLMSG_LENGTH(GENL_HDRLEN) +
				rn(len - NLMSG_LENGTH(GENL_HDRLEN));
	}
	m->len = NLMSG_ALIGN(len);
	memset(b + len, 0, m->len - len);
	if (m->len > 8192)
		alone = true;

	r = rn(1000);
	if (r < 25) {			/* nlmsg_len lies */
		static const int d[] = { -4, -8, -1, 1, 4, 100, 4096 };

		alone = true;
		switch (rn(4)) {
		case 0:
			nlh->nlmsg_len = rn(NLMSG_HDRLEN);
			break;
		case 1:
			nlh->nlmsg_len = NLMSG_HDRLEN + rn(GENL_HDRLEN);
			break;
		case 2:
			nlh->nlmsg_len = len + d[rn(7)];
			break;
		default:
			nlh->nlmsg_len = rnd();
		}
		/* leave nothing behind nlmsg_len that parses as a message */
		if (nlh->nlmsg_len >= NLMSG_HDRLEN && nlh->nlmsg_len < m->len)
			memset(b + NLMSG_ALIGN(nlh->nlmsg_len), 0,
			       m->len - NLMSG_ALIGN(nlh->nlmsg_len));
	} else if (r < 40) {		/* truncated nlmsghdr / genlmsghdr */
		alone = true;
		m->len = 1 + rn(NLMSG_LENGTH(GENL_HDRLEN));
		if (chance(60))
			nlh->nlmsg_len = m->len;
		if (m->len < NLMSG_HDRLEN)
			nlh->nlmsg_len = m->len >= 4 ? nlh->nlmsg_len : 0;
	}
	if ((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
		alone = true;
	nlh->nlmsg_pid = chance(5) ? rnd() : 0;
	sanitize(m);
	return alone;
}

/* ------------------------------------------------- send and answers */

static uint8_t *rbufs;			/* BATCH_MAX receive buffers */
#define RBUF	(64 * 1024)

/* "type/len ..." of the top-level attributes the kernel sees */
static const char *attrs_str(const struct fmsg *m)
{
	static char b[120];
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)m->buf;
	uint32_t L = nlh->nlmsg_len < m->len ? nlh->nlmsg_len : m->len;
	uint32_t off = NLMSG_LENGTH(GENL_HDRLEN);
	size_t o = 0;

	b[0] = 0;
	while (off + NLA_HDRLEN <= L && o < sizeof(b) - 24) {
		const struct nlattr *a = (const void *)(m->buf + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > L)
			break;
		o += snprintf(b + o, sizeof(b) - o, " %#x/%u", a->nla_type,
			      a->nla_len - NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
	if (off < L && o < sizeof(b) - 24)
		snprintf(b + o, sizeof(b) - o, " +%u bytes", L - off);
	return b;
}

static void record(struct fstats *st, struct fmsg *m)
{
	int e = m->err;

	if (e < 0 || e >= 4096)
		e = 4095;
	if (!m->done) {
		st->no_answer++;
		viol(st, "no answer: stage %s len %u nlmsg_len %u flags %#x cmd %u",
		     stage_name[m->stage], m->len,
		     ((struct nlmsghdr *)m->buf)->nlmsg_len,
		     ((struct nlmsghdr *)m->buf)->nlmsg_flags,
		     m->len >= 20 ? m->buf[NLMSG_HDRLEN] : 0);
		return;
	}
	st->answered++;
	st->hist[e]++;
	if (!e)
		st->ok++;
	else if (m->msg[0])
		st->with_msg[e]++;
	else if (m->has_miss)
		st->with_miss[e]++;
	else
		st->bare[e]++;
	if (e && !strncmp(m->msg, "iogroup: ", 9))
		st->mod_msgs++;

	if (m->stage >= ST_SHORT && m->stage <= ST_NODUMP) {
		st->core_pred++;
		if (e != m->pred_err ||
		    (m->stage != ST_HDRCHK && m->msg[0]) ||
		    (m->stage == ST_HDRCHK && !m->msg[0])) {
			st->core_mismatch++;
			viol(st, "core model: stage %s predicted errno %d, got %d \"%s\"",
			     stage_name[m->stage], m->pred_err, e, m->msg);
		}
	} else if (m->stage == ST_NOREQ && e) {
		st->core_mismatch++;
		viol(st, "core model: no NLM_F_REQUEST answered errno %d", e);
	}
	if (m->stage == ST_FAMILY && e && !m->msg[0] &&
	    !(e == EINVAL && m->has_miss)) {
		st->late_bare++;
		viol(st, "errno %d without extack: cmd %u flags %#x len %u, attributes (type/len):%s",
		     e, m->buf[NLMSG_HDRLEN],
		     ((struct nlmsghdr *)m->buf)->nlmsg_flags, m->len, attrs_str(m));
	}
	if (m->cr_any) {
		if (IS_ROOT) {
			st->root_cr++;
			if (!e) {
				st->root_cr_ok++;
				viol(st, "root CLAIM/RELEASE of a group >= 100000 succeeded");
			}
		} else {
			st->unpriv_cr++;
			if (m->cr)
				st->unpriv_cr_dispatch++;
			/*
			 * Refused before anything ran: EPERM, or (6.2 on)
			 * EOPNOTSUPP for a dump of a do-only command, which
			 * the core looks up before the permission check.
			 */
			if (!e || (m->cr && e != EPERM &&
				   !(m->stage == ST_NODUMP && e == EOPNOTSUPP))) {
				st->unpriv_cr_viol++;
				viol(st, "uid %d: cmd %u flags %#x: errno %d \"%s\", expected EPERM",
				     UNPRIV_UID, m->buf[NLMSG_HDRLEN],
				     ((struct nlmsghdr *)m->buf)->nlmsg_flags, e, m->msg);
			}
		}
	}
}

/* Read answers for msgs[0..n) (seqs consecutive from msgs[0].seq). */
static void collect(int fd, struct fstats *st, struct fmsg *msgs, int n)
{
	struct mmsghdr mv[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	int pending = 0;

	for (int i = 0; i < n; i++)
		if (msgs[i].expect)
			pending++;
	while (pending > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll(&pfd, 1, ANSWER_MS), got;

		if (r <= 0)
			break;
		for (int i = 0; i < BATCH_MAX; i++) {
			iov[i].iov_base = rbufs + (size_t)i * RBUF;
			iov[i].iov_len = RBUF;
			memset(&mv[i].msg_hdr, 0, sizeof(mv[i].msg_hdr));
			mv[i].msg_hdr.msg_iov = &iov[i];
			mv[i].msg_hdr.msg_iovlen = 1;
		}
		got = recvmmsg(fd, mv, BATCH_MAX, MSG_DONTWAIT, NULL);
		if (got < 0) {
			if (errno == ENOBUFS)
				st->enobufs++;
			if (errno == EAGAIN || errno == EINTR || errno == ENOBUFS)
				continue;
			break;
		}
		for (int k = 0; k < got; k++) {
			int len = mv[k].msg_len;
			struct nlmsghdr *nlh = iov[k].iov_base;

			for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
				uint32_t i = nlh->nlmsg_seq - msgs[0].seq;
				struct fmsg *m;

				if (i >= (uint32_t)n || !msgs[i].expect || msgs[i].done) {
					st->extra++;
					continue;
				}
				m = &msgs[i];
				if (nlh->nlmsg_type == NLMSG_ERROR ||
				    (nlh->nlmsg_type == NLMSG_DONE && m->dump)) {
					struct iog_err e;

					memset(&e, 0, sizeof(e));
					iog_parse_ack(nlh, &e);
					m->err = e.err;
					snprintf(m->msg, sizeof(m->msg), "%s", e.msg);
					m->has_miss = e.has_miss_type;
					m->done = true;
					pending--;
				} else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
					st->replies++;
					m->reply = true;
					if (!m->dump && !m->ack) {
						m->done = true;
						pending--;
					}
				} else {
					st->extra++;
				}
			}
		}
	}
	for (int i = 0; i < n; i++) {
		if (msgs[i].expect)
			record(st, &msgs[i]);
		else
			st->dropped++;
	}
}

static uint32_t SEQ = 1;

/* Send msgs[0..n) in one sendto and read their answers. */
static void send_batch(int fd, struct fstats *st, struct fmsg *msgs, int n,
		       uint8_t *out)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	size_t off = 0;

	for (int i = 0; i < n; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)msgs[i].buf;

		msgs[i].seq = SEQ++;
		if (msgs[i].len >= 12)
			nlh->nlmsg_seq = msgs[i].seq;
		msgs[i].done = msgs[i].reply = false;
		msgs[i].err = 0;
		msgs[i].msg[0] = 0;
		msgs[i].has_miss = false;
		predict(&msgs[i]);
		if (n > 1) {
			memcpy(out + off, msgs[i].buf, msgs[i].len);
			off += msgs[i].len;
		}
	}
	st->sent += n;
	st->batches++;
	if (sendto(fd, n > 1 ? out : msgs[0].buf, n > 1 ? off : msgs[0].len, 0,
		   (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		st->send_err++;
		if (st->send_err < 4)
			viol(st, "sendto(%zu bytes): %s", n > 1 ? off : (size_t)msgs[0].len,
			     strerror(errno));
		for (int i = 0; i < n; i++)
			msgs[i].expect = false;
	}
	collect(fd, st, msgs, n);
}

static int open_sock(void)
{
	struct iog_sock s;
	int big = 4 << 20;

	if (iog_socket_raw(&s) < 0)
		return -1;
	if (setsockopt(s.fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
		setsockopt(s.fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return s.fd;
}

/* ------------------------------------------------ deterministic parts */

static struct fmsg *M;		/* BATCH_MAX messages */
static uint8_t *OUT;

static int qn;			/* queued deterministic messages */

static void q_flush(int fd, struct fstats *st)
{
	if (qn)
		send_batch(fd, st, M, qn, OUT);
	qn = 0;
}

static struct fmsg *q_new(int fd, struct fstats *st)
{
	if (qn == BATCH_MAX)
		q_flush(fd, st);
	return &M[qn++];
}

static void q_done(int fd, struct fstats *st, struct fmsg *m, uint32_t len)
{
	((struct nlmsghdr *)m->buf)->nlmsg_len = len;
	m->len = NLMSG_ALIGN(len);
	sanitize(m);
	if (m->len > 8192)
		q_flush(fd, st);
}

/* Every command byte, then every attribute of the set with every shape. */
static void sweep(int fd, struct fstats *st)
{
	static const uint8_t cmds[] = { IOGROUP_CMD_GROUP_GET, IOGROUP_CMD_CLAIM,
					IOGROUP_CMD_RELEASE, IOGROUP_CMD_STATS_GET };
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 8, 63, 64, 65, 300,
				       65000 };
	static const uint16_t fl[] = { 0, NLA_F_NESTED, NLA_F_NET_BYTEORDER };

	for (int c = 0; c < 256; c++) {
		struct fmsg *m = q_new(fd, st);

		put_hdr(m->buf, NLM_F_REQUEST | NLM_F_ACK, c, IOGROUP_FAMILY_VERSION);
		q_done(fd, st, m, NLMSG_LENGTH(GENL_HDRLEN));
	}
	for (size_t c = 0; c < sizeof(cmds); c++)
		for (int t = 0; t <= IOGROUP_A_GROUP_MAX + 2; t++)
			for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
				for (size_t f = 0; f < 3; f++) {
					struct fmsg *m = q_new(fd, st);
					struct nlattr *a;
					uint32_t len = NLMSG_LENGTH(GENL_HDRLEN);

					put_hdr(m->buf, NLM_F_REQUEST | NLM_F_ACK,
						cmds[c], IOGROUP_FAMILY_VERSION);
					a = (struct nlattr *)(m->buf + len);
					a->nla_type = t | fl[f];
					a->nla_len = NLA_HDRLEN + lens[l];
					/* no NUL anywhere for strings */
					fill_text((uint8_t *)a + NLA_HDRLEN, lens[l]);
					if (lens[l] == 4) {
						uint32_t v = 0xffffffff;

						memcpy((uint8_t *)a + NLA_HDRLEN, &v, 4);
					}
					len += NLA_ALIGN(a->nla_len);
					memset(m->buf + len - (NLA_ALIGN(a->nla_len) - a->nla_len),
					       0, NLA_ALIGN(a->nla_len) - a->nla_len);
					q_done(fd, st, m, len);
				}
	q_flush(fd, st);
}

static int dump_request(int fd, uint32_t seq, uint16_t flags)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint8_t b[64];
	struct nlmsghdr *nlh = (struct nlmsghdr *)b;

	put_hdr(b, NLM_F_REQUEST | NLM_F_DUMP | flags, IOGROUP_CMD_GROUP_GET,
		IOGROUP_FAMILY_VERSION);
	nlh->nlmsg_seq = seq;
	return sendto(fd, b, nlh->nlmsg_len, 0, (struct sockaddr *)&sa,
		      sizeof(sa)) < 0 ? -errno : 0;
}

static int simple_request(int fd, uint32_t seq, uint8_t cmd, uint32_t gid)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint8_t b[64];
	struct nlmsghdr *nlh = (struct nlmsghdr *)b;
	struct nlattr *a = (struct nlattr *)(b + NLMSG_LENGTH(GENL_HDRLEN));

	put_hdr(b, NLM_F_REQUEST | NLM_F_ACK, cmd, IOGROUP_FAMILY_VERSION);
	nlh->nlmsg_seq = seq;
	if (cmd == IOGROUP_CMD_GROUP_GET) {
		a->nla_type = IOGROUP_A_GROUP_ID;
		a->nla_len = 8;
		memcpy(a + 1, &gid, 4);
		nlh->nlmsg_len += 8;
	}
	return sendto(fd, b, nlh->nlmsg_len, 0, (struct sockaddr *)&sa,
		      sizeof(sa)) < 0 ? -errno : 0;
}

/*
 * Interrupted and resumed dumps, in four variants (round % 4):
 *  0: dump, read one datagram, then a do, a STATS_GET and a second dump,
 *     then read everything (the first dump resumes)
 *  1: the same, but close the socket mid-dump instead of reading
 *  2: dump, close without reading anything
 *  3: dump and at once a second dump (EBUSY: the first is still running,
 *     its NLMSG_DONE not produced yet), a do and a STATS_GET, then read all
 * Every request must be answered: the dumps by NLMSG_DONE (or EBUSY for a
 * second one), the others by their ack.
 */
static void dump_games(struct fstats *st, int rounds)
{
	char *buf = malloc(RBUF);

	for (int r = 0; r < rounds && !past_deadline(); r++) {
		int fd = open_sock(), v = r % 4, want = 4, n = 0;
		uint32_t s0 = SEQ, gid = ngids ? gids[r % ngids] : 0;
		bool got[4] = { 0 }, bad = false;

		SEQ += 4;
		if (fd < 0 || !buf)
			break;
		st->dumps++;
		if (dump_request(fd, s0, r & 4 ? NLM_F_ACK : 0))
			bad = true;
		st->sent++;
		if (v == 2) {
			close(fd);
			st->dump_closed++;
			continue;
		}
		if (v == 3) {
			if (dump_request(fd, s0 + 3, 0))
				bad = true;
		} else {
			n = recv(fd, buf, RBUF, 0);	/* the first part only */
			st->dump_partial++;
		}
		if (simple_request(fd, s0 + 1, IOGROUP_CMD_GROUP_GET, gid) ||
		    simple_request(fd, s0 + 2, IOGROUP_CMD_STATS_GET, 0) ||
		    (v != 3 && dump_request(fd, s0 + 3, 0)))
			bad = true;
		st->sent += 3;
		if (v == 1) {
			close(fd);
			st->dump_closed++;
			continue;
		}
		for (;;) {
			for (struct nlmsghdr *nlh = (void *)buf; n > 0 && NLMSG_OK(nlh, n);
			     nlh = NLMSG_NEXT(nlh, n)) {
				uint32_t i = nlh->nlmsg_seq - s0;
				struct iog_err e = { 0 };

				if (i >= 4 || got[i])
					continue;
				if (nlh->nlmsg_type != NLMSG_ERROR &&
				    nlh->nlmsg_type != NLMSG_DONE)
					continue;
				if (nlh->nlmsg_type == NLMSG_DONE && (i == 1 || i == 2))
					continue;
				iog_parse_ack(nlh, &e);
				got[i] = true;
				want--;
				if (i == 3 && e.err == EBUSY) {
					st->dump_busy++;
				} else if (e.err) {
					bad = true;
					viol(st, "dump game %d: request %u: errno %d \"%s\"",
					     r, i, e.err, e.msg);
				}
			}
			if (want <= 0 || bad)
				break;
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			if (poll(&pfd, 1, ANSWER_MS) <= 0) {
				bad = true;
				break;
			}
			n = recv(fd, buf, RBUF, 0);
			if (n < 0) {
				bad = true;
				break;
			}
		}
		if (bad) {
			st->dump_viol++;
			viol(st, "dump game %d (variant %d): answers missing (%d of 4 outstanding)",
			     r, v, want);
		}
		close(fd);
	}
	free(buf);
}

/* ---------------------------------------------------------- fuzzing */

static void fuzz(struct fstats *st, uint64_t count)
{
	double t0 = now_s();
	int fd = open_sock();
	uint64_t enobufs = 0;

	if (fd < 0) {
		viol(st, "socket: %s", strerror(errno));
		return;
	}
	sweep(fd, st);
	dump_games(st, 400);
	while (st->sent < count) {
		int n = 0;

		if (past_deadline()) {
			st->budget_hit = 1;
			break;
		}
		size_t bytes = 0;

		while (n < BATCH_MAX && st->sent + n < count) {
			bool alone;

			alone = gen_msg(&M[n]);
			if (alone) {
				if (n)
					send_batch(fd, st, M, n, OUT);
				/* M[n] holds it: move it first */
				if (n) {
					uint8_t *tmp = M[0].buf;

					M[0].buf = M[n].buf;
					M[n].buf = tmp;
					M[0].len = M[n].len;
				}
				send_batch(fd, st, M, 1, OUT);
				n = 0;
				break;
			}
			bytes += M[n].len;
			n++;
			if (bytes >= BATCH_BYTES)
				break;
		}
		if (n)
			send_batch(fd, st, M, n, OUT);
		if (st->enobufs != enobufs) {	/* re-open a clean socket */
			enobufs = st->enobufs;
			close(fd);
			fd = open_sock();
			if (fd < 0)
				break;
		}
	}
	close(fd);
	st->secs = now_s() - t0;
}

static int setup_mem(void)
{
	M = calloc(BATCH_MAX, sizeof(*M));
	OUT = malloc(BATCH_BYTES + SLOT_MAX + 16384);
	rbufs = malloc((size_t)BATCH_MAX * RBUF);
	if (!M || !OUT || !rbufs)
		return -1;
	for (int i = 0; i < BATCH_MAX; i++)
		if (!(M[i].buf = calloc(1, SLOT_MAX + 64)))
			return -1;
	return 0;
}

/* ------------------------------------------------------ after checks */

static int kmsg_fd = -1;

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

static const char *const bad_pat[] = {
	"WARNING:", "BUG:", "Oops", "Call Trace", "general protection",
	"KASAN", "refcount_t", "blocked for more than", "rcu_sched",
	"self-detected stall", "UBSAN", "kernel BUG", "list_add corruption",
	"list_del corruption", "stack-protector", "Kernel panic",
};

/* New kernel messages: count, print the bad ones; returns bad count. */
static int kmsg_check(int *lines)
{
	char rec[8192];
	int bad = 0;

	*lines = 0;
	if (kmsg_fd < 0)
		return -1;
	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);

		if (n < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		rec[n] = 0;
		(*lines)++;
		for (size_t i = 0; i < sizeof(bad_pat) / sizeof(bad_pat[0]); i++)
			if (strstr(rec, bad_pat[i])) {
				char *p = strchr(rec, ';');

				if (bad++ < 20)
					printf("#   dmesg: %s", p ? p + 1 : rec);
				break;
			}
	}
	return bad;
}

static long read_tainted(void)
{
	char b[64];

	if (gt_read("/proc/sys/kernel/tainted", b, sizeof(b)))
		return -1;
	return strtol(b, NULL, 10);
}

static int T;			/* KTAP test number */
static int FAILS;

static void result(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void result(bool ok, const char *name, const char *fmt, ...)
{
	char why[300] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!ok)
		FAILS++;
	printf("%s %d %s%s%s\n", ok ? "ok" : "not ok", ++T, name,
	       !ok && why[0] ? " # " : "", ok ? "" : why);
	fflush(stdout);
}

static void print_stats(const char *mode, struct fstats *st)
{
	char line[2048];
	size_t o = 0;

	printf("# %s: %llu messages (%llu sendto) in %.1f s (%.0f/s): %llu answered, "
	       "%llu without answer by design, %llu no answer, %llu replies, "
	       "%llu extra, %llu ENOBUFS, %llu send errors%s\n",
	       mode, (unsigned long long)st->sent, (unsigned long long)st->batches,
	       st->secs, st->secs > 0 ? st->sent / st->secs : 0,
	       (unsigned long long)st->answered, (unsigned long long)st->dropped,
	       (unsigned long long)st->no_answer, (unsigned long long)st->replies,
	       (unsigned long long)st->extra, (unsigned long long)st->enobufs,
	       (unsigned long long)st->send_err,
	       st->budget_hit ? " (time budget reached)" : "");
	o += snprintf(line + o, sizeof(line) - o, "# %s: errno histogram (total msg/miss/bare):", mode);
	for (int e = 0; e < 4096 && o < sizeof(line) - 80; e++) {
		if (!st->hist[e])
			continue;
		if (!e)
			o += snprintf(line + o, sizeof(line) - o, " ok=%llu",
				      (unsigned long long)st->hist[0]);
		else
			o += snprintf(line + o, sizeof(line) - o, " %s=%llu(%llu/%llu/%llu)",
				      strerrorname_np(e) ? strerrorname_np(e) : "?",
				      (unsigned long long)st->hist[e],
				      (unsigned long long)st->with_msg[e],
				      (unsigned long long)st->with_miss[e],
				      (unsigned long long)st->bare[e]);
	}
	printf("%s\n", line);
	printf("# %s: module messages (\"iogroup: \") %llu; core model %llu predicted, "
	       "%llu wrong; late errors without extack %llu; CLAIM/RELEASE %llu "
	       "(dispatched %llu, violations %llu, root successes %llu); dumps %llu "
	       "(partial %llu, closed mid-dump %llu, EBUSY %llu, bad %llu)\n",
	       mode, (unsigned long long)st->mod_msgs,
	       (unsigned long long)st->core_pred, (unsigned long long)st->core_mismatch,
	       (unsigned long long)st->late_bare,
	       (unsigned long long)(st->unpriv_cr + st->root_cr),
	       (unsigned long long)st->unpriv_cr_dispatch,
	       (unsigned long long)st->unpriv_cr_viol,
	       (unsigned long long)st->root_cr_ok, (unsigned long long)st->dumps,
	       (unsigned long long)st->dump_partial, (unsigned long long)st->dump_closed,
	       (unsigned long long)st->dump_busy, (unsigned long long)st->dump_viol);
	for (int i = 0; i < st->nviol; i++)
		printf("# %s: %s\n", mode, st->v[i].text);
}

static bool dump_matches_sysfs(struct iog_sock *s, char *why, size_t wsz)
{
	struct iog_groups *gs = calloc(1, sizeof(*gs));
	struct gt *gt = calloc(1, sizeof(*gt));
	struct iog_err e;
	bool ok = false;

	if (!gs || !gt) {
		snprintf(why, wsz, "out of memory");
		goto out;
	}
	if (iog_dump_groups(s, gs, &e)) {
		snprintf(why, wsz, "dump: errno %d %s", e.err, e.msg);
		goto out;
	}
	gt_read_all(gt);
	if (gs->n != gt->n) {
		snprintf(why, wsz, "%d groups in the dump, %d in sysfs", gs->n, gt->n);
		goto out;
	}
	for (int i = 0; i < gt->n; i++) {
		const struct gt_group *tg = &gt->g[i];
		const struct iog_group *g = iog_find_group(gs, tg->id);

		if (!g) {
			snprintf(why, wsz, "group %u missing from the dump", tg->id);
			goto out;
		}
		if (g->bad[0]) {
			snprintf(why, wsz, "group %u: %s", g->id, g->bad);
			goto out;
		}
		if (g->ndev != tg->ndev) {
			snprintf(why, wsz, "group %u: %d devices, sysfs %d", g->id,
				 g->ndev, tg->ndev);
			goto out;
		}
		for (int d = 0; d < tg->ndev; d++)
			if (!iog_group_dev(g, tg->dev[d].name)) {
				snprintf(why, wsz, "group %u: %s missing", g->id,
					 tg->dev[d].name);
				goto out;
			}
		if (!g->has_owner || g->owner.kind == IOGROUP_OWNER_IOGROUP) {
			snprintf(why, wsz, "group %u: owner kind %u (claimed by iogroup)",
				 g->id, g->owner.kind);
			goto out;
		}
	}
	ok = true;
out:
	free(gs);
	free(gt);
	return ok;
}

static int run_cli_check(char *out, size_t osz)
{
	FILE *p = popen("iogroup check 2>&1", "r");
	size_t n = 0;
	int st;

	out[0] = 0;
	if (!p)
		return -1;
	while (n + 1 < osz && fgets(out + n, osz - n, p))
		n += strlen(out + n);
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void fill_targets(void)
{
	struct gt *gt = calloc(1, sizeof(*gt));

	if (!gt)
		return;
	gt_read_all(gt);
	for (int i = 0; i < gt->n; i++) {
		gids[ngids++] = gt->g[i].id;
		for (int d = 0; d < gt->g[i].ndev && ndevnames < 60; d++)
			snprintf(devnames[ndevnames++], GT_NAME, "%s", gt->g[i].dev[d].name);
	}
	/* names that exist in sysfs but are in no group, and nonsense */
	snprintf(devnames[ndevnames++], GT_NAME, "%s", "0000:00:00.7");
	snprintf(devnames[ndevnames++], GT_NAME, "%s", "../../../etc/passwd");
	snprintf(devnames[ndevnames++], GT_NAME, "%s", "%s%s%n");
	snprintf(devnames[ndevnames++], GT_NAME, "%s", "");
	free(gt);
}

int main(void)
{
	const char *env;
	uint64_t seed = DEF_SEED, count = DEF_COUNT, budget = DEF_BUDGET;
	struct iog_sock s;
	struct iog_err e;
	struct iog_stats stats;
	long taint0, taint1;
	pid_t child;
	int wst = 0, dlines, dbad;
	double t0;
	char out[4096], why[300];

	memset(&stats, 0, sizeof(stats));
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	{
		struct utsname u;
		int maj = 0, min = 0;

		if (!uname(&u))
			sscanf(u.release, "%d.%d", &maj, &min);
		KVER = maj * 100 + min;
	}
	if ((env = getenv("IOGROUP_FUZZ_SEED")))
		seed = strtoull(env, NULL, 0);
	if ((env = getenv("IOGROUP_FUZZ_COUNT")))
		count = strtoull(env, NULL, 0);
	/* a slow kernel (the debug kernel: IOGROUP_VM_SLOW) has more time */
	if ((env = getenv("IOGROUP_VM_SLOW")) && strtoull(env, NULL, 10) > 1)
		budget *= strtoull(env, NULL, 10);
	if ((env = getenv("IOGROUP_FUZZ_BUDGET")))
		budget = strtoull(env, NULL, 0);
	if (!seed)
		seed = DEF_SEED;

	if (geteuid() != 0 || iog_open(&s, &e)) {
		printf("1..0 # SKIP needs root and the iogroup family (%s)\n",
		       geteuid() ? "not root" : e.msg);
		return 4;
	}
	printf("1..12\n");
	printf("# kernel %d.%d: the model of the netlink core follows it\n",
	       KVER / 100, KVER % 100);
	printf("# seed %#llx (IOGROUP_FUZZ_SEED), %llu messages (IOGROUP_FUZZ_COUNT), "
	       "budget %llu s (IOGROUP_FUZZ_BUDGET)\n", (unsigned long long)seed,
	       (unsigned long long)count, (unsigned long long)budget);
	FAM = s.family;
	fill_targets();
	ST[0] = mmap(NULL, 2 * sizeof(struct fstats), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ST[0] == MAP_FAILED || setup_mem()) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	ST[1] = ST[0] + 1;
	taint0 = read_tainted();
	kmsg_open();
	clock_gettime(CLOCK_MONOTONIC, &T_END);
	T_END.tv_sec += budget;
	t0 = now_s();

	/* uid 1000 and root fuzz at the same time (2 vCPUs) */
	child = fork();
	if (child == 0) {
		IS_ROOT = false;
		rng_state = seed ^ 0x9e3779b97f4a7c15ULL;
		if (setgroups(0, NULL) || setgid(UNPRIV_UID) || setuid(UNPRIV_UID) ||
		    geteuid() != UNPRIV_UID) {
			viol(ST[1], "cannot become uid %d: %s", UNPRIV_UID, strerror(errno));
			_exit(2);
		}
		fuzz(ST[1], count / 2);
		_exit(0);
	}
	IS_ROOT = true;
	rng_state = seed;
	fuzz(ST[0], count - count / 2);
	if (child > 0)
		waitpid(child, &wst, 0);
	printf("# fuzzing took %.1f s\n", now_s() - t0);
	print_stats("root", ST[0]);
	print_stats("uid1000", ST[1]);

	uint64_t sent = ST[0]->sent + ST[1]->sent;
	result(child > 0 && WIFEXITED(wst) && WEXITSTATUS(wst) == 0 &&
	       ST[1]->sent > 0, "fuzz.unprivileged_child",
	       "child exit status %#x, %llu messages", wst,
	       (unsigned long long)ST[1]->sent);
	result(sent >= count, "fuzz.count",
	       "%llu of %llu messages within the %llu s budget",
	       (unsigned long long)sent, (unsigned long long)count,
	       (unsigned long long)budget);
	result(!ST[0]->no_answer && !ST[1]->no_answer && !ST[0]->send_err &&
	       !ST[1]->send_err && !ST[0]->dump_viol && !ST[1]->dump_viol,
	       "fuzz.every_request_answered",
	       "no answer within %d ms: root %llu, uid1000 %llu; dump games bad %llu",
	       ANSWER_MS, (unsigned long long)ST[0]->no_answer,
	       (unsigned long long)ST[1]->no_answer,
	       (unsigned long long)(ST[0]->dump_viol + ST[1]->dump_viol));
	result(!ST[0]->late_bare && !ST[1]->late_bare &&
	       !ST[0]->core_mismatch && !ST[1]->core_mismatch,
	       "fuzz.errors_carry_extack",
	       "policy/module errors without extack: %llu; core errors unlike the model: %llu",
	       (unsigned long long)(ST[0]->late_bare + ST[1]->late_bare),
	       (unsigned long long)(ST[0]->core_mismatch + ST[1]->core_mismatch));
	result(ST[1]->unpriv_cr > 0 && !ST[1]->unpriv_cr_viol,
	       "fuzz.unprivileged_claim_release_eperm",
	       "%llu of %llu refused otherwise",
	       (unsigned long long)ST[1]->unpriv_cr_viol,
	       (unsigned long long)ST[1]->unpriv_cr);
	result(!ST[0]->root_cr_ok, "fuzz.root_claim_never_succeeded",
	       "%llu root CLAIM/RELEASE succeeded", (unsigned long long)ST[0]->root_cr_ok);

	dbad = kmsg_check(&dlines);
	printf("# %d new kernel log lines during the run\n", dlines);
	result(dbad == 0, "fuzz.dmesg_clean", "%d bad kernel messages%s", dbad,
	       kmsg_fd < 0 ? " (no /dev/kmsg)" : "");
	taint1 = read_tainted();
	result(taint0 == taint1, "fuzz.taint_unchanged", "tainted %ld -> %ld",
	       taint0, taint1);

	iog_close(&s);
	memset(&e, 0, sizeof(e));
	int r = iog_open(&s, &e);

	if (!r)
		r = iog_get_stats(&s, &stats, &e);
	result(!r && stats.replies == 1, "fuzz.module_answers",
	       "STATS_GET: errno %d %s", e.err, e.msg);
	r = run_cli_check(out, sizeof(out));
	if (r)
		printf("# iogroup check:\n# %s\n", out);
	result(r == 0, "fuzz.iogroup_check", "iogroup check exit %d", r);
	why[0] = 0;
	result(s.fd >= 0 && dump_matches_sysfs(&s, why, sizeof(why)),
	       "fuzz.dump_matches_sysfs_nothing_claimed", "%s", why);
	result(stats.len[IOGROUP_A_STATS_CLAIMS] == 4 &&
	       stats.u64[IOGROUP_A_STATS_CLAIMS] == 0, "fuzz.stats_no_claims",
	       "STATS claims %llu (len %d)",
	       (unsigned long long)stats.u64[IOGROUP_A_STATS_CLAIMS],
	       stats.len[IOGROUP_A_STATS_CLAIMS]);
	iog_close(&s);
	printf("# Totals: pass:%d fail:%d skip:0\n", T - FAILS, FAILS);
	return FAILS ? 1 : 0;
}
