// SPDX-License-Identifier: GPL-2.0
/*
 * The "iogroup" generic-netlink family: translates between messages and the
 * shadow, nothing more.  Initial network namespace only; the queries are
 * open to every user, like sysfs.
 */
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "shadow.h"

static struct genl_family iogroup_family;
static atomic64_t iogroup_event_seq = ATOMIC64_INIT(0);

/* One policy per command: an attribute another command takes is refused. */
static const struct nla_policy iogroup_get_policy[IOGROUP_A_GROUP_MAX + 1] = {
	[IOGROUP_A_GROUP_ID] = { .type = NLA_U32 },
	[IOGROUP_A_GROUP_DEVICE_NAME] = { .type = NLA_NUL_STRING,
					  .len = IOGROUP_DEVICE_NAME_MAX - 1 },
	[IOGROUP_A_GROUP_VERIFY] = { .type = NLA_FLAG },
};

static const struct nla_policy iogroup_claim_policy[IOGROUP_A_GROUP_MAX + 1] = {
	[IOGROUP_A_GROUP_ID] = { .type = NLA_U32 },
	[IOGROUP_A_GROUP_CLAIM_FLAGS] = { .type = NLA_U32 },
};

static const struct nla_policy iogroup_release_policy[IOGROUP_A_GROUP_MAX + 1] = {
	[IOGROUP_A_GROUP_ID] = { .type = NLA_U32 },
};

static int iogroup_put_owner(struct sk_buff *skb, const struct iogroup_grp *g)
{
	char caller[KSYM_SYMBOL_LEN];
	struct nlattr *nest;

	nest = nla_nest_start(skb, IOGROUP_A_GROUP_OWNER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IOGROUP_A_OWNER_KIND, g->owner))
		goto cancel;
	if (g->user.valid && g->user.pid) {
		if (nla_put_u32(skb, IOGROUP_A_OWNER_PID, g->user.pid) ||
		    nla_put_string(skb, IOGROUP_A_OWNER_COMM, g->user.comm) ||
		    nla_put_u64_64bit(skb, IOGROUP_A_OWNER_SINCE, g->user.since,
				      IOGROUP_A_OWNER_PAD))
			goto cancel;
		if (g->user.caller) {
			sprint_symbol_no_offset(caller, g->user.caller);
			if (nla_put_string(skb, IOGROUP_A_OWNER_CALLER, caller))
				goto cancel;
		}
	}
	if (g->owner == IOGROUP_OWNER_IOGROUP &&
	    iogroup_claim_put_owner(skb, g->id))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int iogroup_put_dev(struct sk_buff *skb, const struct iogroup_dev *d)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, IOGROUP_A_GROUP_DEVICE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, IOGROUP_A_DEVICE_NAME, d->name) ||
	    nla_put_string(skb, IOGROUP_A_DEVICE_BUS, d->bus))
		goto cancel;
	if (d->is_pci &&
	    (nla_put_u16(skb, IOGROUP_A_DEVICE_VENDOR, d->vendor) ||
	     nla_put_u16(skb, IOGROUP_A_DEVICE_DEVICE, d->device) ||
	     nla_put_u32(skb, IOGROUP_A_DEVICE_CLASS, d->class)))
		goto cancel;
	if (d->bridge && nla_put_flag(skb, IOGROUP_A_DEVICE_BRIDGE))
		goto cancel;
	if (d->driver[0] &&
	    nla_put_string(skb, IOGROUP_A_DEVICE_DRIVER, d->driver))
		goto cancel;
	if (d->driver[0] && d->managed_dma &&
	    nla_put_flag(skb, IOGROUP_A_DEVICE_DRIVER_MANAGED_DMA))
		goto cancel;
	if (iogroup_dev_kernel_dma(d) &&
	    nla_put_flag(skb, IOGROUP_A_DEVICE_KERNEL_DMA))
		goto cancel;
	if (iogroup_dev_blocks_viability(d) &&
	    nla_put_flag(skb, IOGROUP_A_DEVICE_BLOCKS_VIABILITY))
		goto cancel;
	if (d->last_errno &&
	    (nla_put_u32(skb, IOGROUP_A_DEVICE_LAST_ERRNO, d->last_errno) ||
	     nla_put_string(skb, IOGROUP_A_DEVICE_LAST_FAILED_DRIVER,
			    d->last_failed_driver)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int iogroup_fill_group(struct sk_buff *skb, const struct iogroup_grp *g,
			      u32 portid, u32 seq, struct netlink_callback *cb)
{
	const struct iogroup_dev *d;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &iogroup_family,
			  cb ? NLM_F_MULTI : 0, IOGROUP_CMD_GROUP_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, IOGROUP_A_GROUP_ID, g->id) ||
	    nla_put_u32(skb, IOGROUP_A_GROUP_DOMAIN, g->domain) ||
	    nla_put_u32(skb, IOGROUP_A_GROUP_KERNEL_USERS, g->kernel_users) ||
	    nla_put_u8(skb, IOGROUP_A_GROUP_VIABLE, g->viable) ||
	    nla_put_u64_64bit(skb, IOGROUP_A_GROUP_GENERATION, g->generation,
			      IOGROUP_A_GROUP_PAD))
		goto cancel;
	if (g->default_domain &&
	    nla_put_u32(skb, IOGROUP_A_GROUP_DEFAULT_DOMAIN, g->default_domain))
		goto cancel;
	if (g->kernel_claimed >= 0 &&
	    nla_put_u8(skb, IOGROUP_A_GROUP_KERNEL_CLAIMED, g->kernel_claimed))
		goto cancel;
	if (g->drift[0] && nla_put_string(skb, IOGROUP_A_GROUP_DRIFT, g->drift))
		goto cancel;
	if (iogroup_put_owner(skb, g))
		goto cancel;
	list_for_each_entry(d, &g->devs, node)
		if (iogroup_put_dev(skb, d))
			goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Room for a group's message: its devices vary, the rest does not. */
static size_t iogroup_group_size(const struct iogroup_grp *g)
{
	size_t dev = nla_total_size(0) +
		     2 * nla_total_size(IOGROUP_DEVICE_NAME_MAX) +
		     2 * nla_total_size(IOGROUP_DRIVER_NAME_MAX) +
		     2 * nla_total_size(sizeof(u16)) +
		     2 * nla_total_size(sizeof(u32)) + 4 * nla_total_size(0);

	return NLMSG_GOODSIZE + g->ndevs * dev;
}

static int iogroup_group_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id_attr = info->attrs[IOGROUP_A_GROUP_ID];
	struct nlattr *name_attr = info->attrs[IOGROUP_A_GROUP_DEVICE_NAME];
	struct iogroup_grp *g;
	struct sk_buff *msg;
	int ret;

	if (!id_attr == !name_attr) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "give exactly one of group id and device name");
		return -EINVAL;
	}

	if (info->attrs[IOGROUP_A_GROUP_VERIFY])
		iogroup_shadow_verify_all();
	else
		iogroup_shadow_flush();
	mutex_lock(&iogroup_lock);
	if (id_attr) {
		g = xa_load(&iogroup_groups, nla_get_u32(id_attr));
		if (!g) {
			NL_SET_ERR_MSG_ATTR(info->extack, id_attr,
					    "no IOMMU group with this id");
			ret = -ENOENT;
			goto unlock;
		}
	} else {
		g = iogroup_grp_by_device(nla_data(name_attr));
		if (!g) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "no device of this name in any IOMMU group");
			ret = -ENODEV;
			goto unlock;
		}
	}
	msg = genlmsg_new(iogroup_group_size(g), GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto unlock;
	}
	ret = iogroup_fill_group(msg, g, info->snd_portid, info->snd_seq, NULL);
	mutex_unlock(&iogroup_lock);
	if (ret) {
		NL_SET_ERR_MSG_MOD(info->extack, "group too large for a message");
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
unlock:
	mutex_unlock(&iogroup_lock);
	return ret;
}

/*
 * A dump may be narrowed to one group by IOGROUP_A_GROUP_ID or by
 * IOGROUP_A_GROUP_DEVICE_NAME (a filter: no match dumps nothing).  Until
 * v6.4 a dump's start() has no extack to explain a refusal with, so every
 * attribute the policy lets through is one that makes sense here.
 * cb->args[0]: next group id; args[1]: filtered; args[2]: its group id,
 * args[3]: the filter matches no group.
 */
static int iogroup_group_get_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = iogroup_compat_dump_attrs(cb);
	struct iogroup_grp *g;

	if (attrs && attrs[IOGROUP_A_GROUP_VERIFY])
		iogroup_shadow_verify_all();
	else
		iogroup_shadow_flush();
	if (!attrs)
		return 0;
	if (attrs[IOGROUP_A_GROUP_ID]) {
		cb->args[1] = 1;
		cb->args[2] = nla_get_u32(attrs[IOGROUP_A_GROUP_ID]);
	}
	if (attrs[IOGROUP_A_GROUP_DEVICE_NAME]) {
		mutex_lock(&iogroup_lock);
		g = iogroup_grp_by_device(nla_data(attrs[IOGROUP_A_GROUP_DEVICE_NAME]));
		if (!g || (cb->args[1] && cb->args[2] != g->id))
			cb->args[3] = 1;
		else
			cb->args[2] = g->id;
		cb->args[1] = 1;
		mutex_unlock(&iogroup_lock);
	}
	return 0;
}

static int iogroup_group_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	unsigned long id = cb->args[0];
	struct iogroup_grp *g;
	int ret = 0;

	if (cb->args[3])
		return 0;
	mutex_lock(&iogroup_lock);
	cb->seq = (u32)iogroup_generation;
	xa_for_each_start(&iogroup_groups, id, g, id) {
		if (cb->args[1] && id != cb->args[2])
			continue;
		ret = iogroup_fill_group(skb, g, NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, cb);
		if (ret)
			break;
		cb->args[0] = id + 1;
	}
	mutex_unlock(&iogroup_lock);
	/* a group alone too large for a message would loop forever */
	if (ret && !skb->len)
		return ret;
	/*
	 * Every group is in: 0 ends the dump now, and netlink_dump() puts
	 * NLMSG_DONE in this message rather than in one more round trip.
	 */
	return ret ? skb->len : 0;
}

static int iogroup_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct iogroup_stats *s = &iogroup_stats;
	u32 groups, devices, drift;
	u64 grp_bytes, dev_bytes;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &iogroup_family, 0,
				IOGROUP_CMD_STATS_GET);
	if (!hdr)
		goto nospace;

	iogroup_shadow_flush();
	mutex_lock(&iogroup_lock);
	iogroup_shadow_counts(&groups, &devices, &grp_bytes, &dev_bytes, &drift);
	mutex_unlock(&iogroup_lock);

#define PUT64(attr, v) nla_put_u64_64bit(msg, attr, v, IOGROUP_A_STATS_PAD)
	if (PUT64(IOGROUP_A_STATS_PROBE_HITS, atomic64_read(&s->probe_hits)) ||
	    PUT64(IOGROUP_A_STATS_PROBE_BOUND, atomic64_read(&s->probe_bound)) ||
	    PUT64(IOGROUP_A_STATS_PROBE_FAILED, atomic64_read(&s->probe_failed)) ||
	    PUT64(IOGROUP_A_STATS_RELEASE_HITS, atomic64_read(&s->release_hits)) ||
	    PUT64(IOGROUP_A_STATS_CLAIM_HITS, atomic64_read(&s->claim_hits)) ||
	    PUT64(IOGROUP_A_STATS_UNCLAIM_HITS, atomic64_read(&s->unclaim_hits)) ||
	    PUT64(IOGROUP_A_STATS_PROBE_MISSED, iogroup_hooks_probe_missed()) ||
	    PUT64(IOGROUP_A_STATS_KPROBE_MISSED, iogroup_hooks_kprobe_missed()) ||
	    PUT64(IOGROUP_A_STATS_EVENTS_SENT, atomic64_read(&s->events_sent)) ||
	    PUT64(IOGROUP_A_STATS_EVENTS_DROPPED,
		  atomic64_read(&s->events_dropped) +
		  atomic64_read(&s->hook_events_dropped)) ||
	    PUT64(IOGROUP_A_STATS_RESYNCS, atomic64_read(&s->resyncs)) ||
	    PUT64(IOGROUP_A_STATS_DRIFT_CHECKS, atomic64_read(&s->drift_checks)) ||
	    PUT64(IOGROUP_A_STATS_DRIFT_FOUND, atomic64_read(&s->drift_found)) ||
	    PUT64(IOGROUP_A_STATS_BYTES, grp_bytes + dev_bytes) ||
	    PUT64(IOGROUP_A_STATS_GROUP_BYTES, grp_bytes) ||
	    PUT64(IOGROUP_A_STATS_DEVICE_BYTES, dev_bytes) ||
	    PUT64(IOGROUP_A_STATS_RING_BYTES, iogroup_ring_bytes()) ||
	    nla_put_u32(msg, IOGROUP_A_STATS_DRIFT_GROUPS, drift) ||
	    nla_put_u32(msg, IOGROUP_A_STATS_GROUPS, groups) ||
	    nla_put_u32(msg, IOGROUP_A_STATS_DEVICES, devices) ||
	    PUT64(IOGROUP_A_STATS_VETOES, atomic64_read(&s->vetoes)) ||
	    PUT64(IOGROUP_A_STATS_CLAIMS_TOTAL,
		  atomic64_read(&s->claims_total)) ||
	    PUT64(IOGROUP_A_STATS_AUTO_RELEASES,
		  atomic64_read(&s->auto_releases)) ||
	    nla_put_u32(msg, IOGROUP_A_STATS_CLAIMS, iogroup_claims_count()) ||
	    nla_put_string(msg, IOGROUP_A_STATS_HOOKS, iogroup_hooks_names()))
		goto nospace;
#undef PUT64
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/*
 * Claiming DMA control asks for more than GENL_ADMIN_PERM's CAP_NET_ADMIN:
 * CAP_SYS_ADMIN, in the initial user namespace.
 */
static int iogroup_admin_check(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG_MOD(info->extack,
			   "claiming and releasing groups needs CAP_SYS_ADMIN");
	return -EPERM;
}

/*
 * What CLAIM and RELEASE both need: CAP_SYS_ADMIN, and a group id (the core
 * marks a missing one, we say it).
 */
static int iogroup_admin_group(struct sk_buff *skb, struct genl_info *info,
			       u32 *id)
{
	int ret;

	ret = iogroup_admin_check(skb, info);
	if (ret)
		return ret;
	if (!info->attrs[IOGROUP_A_GROUP_ID]) {
		iogroup_compat_attr_missing(info, IOGROUP_A_GROUP_ID);
		NL_SET_ERR_MSG_MOD(info->extack, "a group id is required");
		return -EINVAL;
	}
	*id = nla_get_u32(info->attrs[IOGROUP_A_GROUP_ID]);
	return 0;
}

static int iogroup_claim_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *flags = info->attrs[IOGROUP_A_GROUP_CLAIM_FLAGS];
	u32 id;
	int ret;

	ret = iogroup_admin_group(skb, info, &id);
	if (ret)
		return ret;
	ret = iogroup_claim(id, flags ? nla_get_u32(flags) : 0,
			    info->snd_portid, info->extack);
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		NL_SET_BAD_ATTR(info->extack, flags);
	return ret;
}

static int iogroup_release_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 id;
	int ret;

	ret = iogroup_admin_group(skb, info, &id);
	if (ret)
		return ret;
	return iogroup_release(id, info->extack);
}

static const struct genl_ops iogroup_ops[] = {
	{
		.cmd = IOGROUP_CMD_GROUP_GET,
		.doit = iogroup_group_get_doit,
		.start = iogroup_group_get_start,
		.dumpit = iogroup_group_get_dumpit,
		.policy = iogroup_get_policy,
		.maxattr = IOGROUP_A_GROUP_MAX,
	},
	{
		.cmd = IOGROUP_CMD_CLAIM,
		.doit = iogroup_claim_doit,
		.policy = iogroup_claim_policy,
		.maxattr = IOGROUP_A_GROUP_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IOGROUP_CMD_RELEASE,
		.doit = iogroup_release_doit,
		.policy = iogroup_release_policy,
		.maxattr = IOGROUP_A_GROUP_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IOGROUP_CMD_STATS_GET,
		.doit = iogroup_stats_get_doit,
	},
};

static const struct genl_multicast_group iogroup_mcgrps[] = {
	{ .name = IOGROUP_MCGRP_EVENTS },
};

static struct genl_family iogroup_family __ro_after_init = {
	.name = IOGROUP_FAMILY_NAME,
	.version = IOGROUP_FAMILY_VERSION,
	.module = THIS_MODULE,
	.ops = iogroup_ops,
	.n_ops = ARRAY_SIZE(iogroup_ops),
	.mcgrps = iogroup_mcgrps,
	.n_mcgrps = ARRAY_SIZE(iogroup_mcgrps),
	.netnsok = false,
	.parallel_ops = true,
};

/**
 * iogroup_nl_listened() - does a socket listen to the "events" group?
 *
 * Any context, a kprobe handler's too: it tests a bit of the genetlink
 * socket's listeners under RCU.  After the family is gone it may answer
 * either way, harmlessly: it only tells the hooks how soon to wake the
 * worker.
 *
 * Return: true if one does.
 */
bool iogroup_nl_listened(void)
{
	return genl_has_listeners(&iogroup_family, &init_net, 0);
}

/**
 * iogroup_nl_notify() - send an event to the "events" multicast group
 * @type: what happened
 * @g: the group it happened to (owner and domain are read from it); NULL
 *     for IOGROUP_EVENT_RESYNC
 * @device: the device concerned, or NULL
 * @driver: the driver concerned, or NULL
 * @err: positive errno for IOGROUP_EVENT_BIND_FAILED
 * @ts: CLOCK_BOOTTIME ns of the change
 *
 * Process context, iogroup_lock held.  Every event takes a sequence number,
 * listened to or not, so that listeners can tell they lost some.
 */
void iogroup_nl_notify(enum iogroup_event_type type,
		       const struct iogroup_grp *g, const char *device,
		       const char *driver, int err, u64 ts)
{
	u64 seq = atomic64_inc_return(&iogroup_event_seq);
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&iogroup_family, &init_net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto drop;
	hdr = genlmsg_put(msg, 0, 0, &iogroup_family, 0, IOGROUP_CMD_EVENT);
	if (!hdr)
		goto free;
	if (nla_put_u32(msg, IOGROUP_A_EVENT_TYPE, type) ||
	    nla_put_u64_64bit(msg, IOGROUP_A_EVENT_SEQ, seq,
			      IOGROUP_A_EVENT_PAD) ||
	    nla_put_u64_64bit(msg, IOGROUP_A_EVENT_TIMESTAMP, ts,
			      IOGROUP_A_EVENT_PAD))
		goto free;
	if (g && nla_put_u32(msg, IOGROUP_A_EVENT_GROUP_ID, g->id))
		goto free;
	if (device && nla_put_string(msg, IOGROUP_A_EVENT_DEVICE, device))
		goto free;
	if (driver && driver[0] &&
	    nla_put_string(msg, IOGROUP_A_EVENT_DRIVER, driver))
		goto free;
	if (err && nla_put_u32(msg, IOGROUP_A_EVENT_ERRNO, err))
		goto free;
	if (type == IOGROUP_EVENT_OWNER_CHANGED) {
		if (nla_put_u32(msg, IOGROUP_A_EVENT_OWNER, g->owner))
			goto free;
		if (g->user.valid && g->user.pid &&
		    (nla_put_u32(msg, IOGROUP_A_EVENT_PID, g->user.pid) ||
		     nla_put_string(msg, IOGROUP_A_EVENT_COMM, g->user.comm)))
			goto free;
	}
	if (type == IOGROUP_EVENT_DOMAIN_CHANGED &&
	    nla_put_u32(msg, IOGROUP_A_EVENT_DOMAIN, g->domain))
		goto free;
	if (type == IOGROUP_EVENT_DRIFT && g->drift[0] &&
	    nla_put_string(msg, IOGROUP_A_EVENT_DRIFT, g->drift))
		goto free;
	genlmsg_end(msg, hdr);
	/* -ESRCH: the last listener left meanwhile */
	if (genlmsg_multicast(&iogroup_family, msg, 0, 0, GFP_KERNEL) &&
	    genl_has_listeners(&iogroup_family, &init_net, 0))
		goto drop;
	atomic64_inc(&iogroup_stats.events_sent);
	return;
free:
	nlmsg_free(msg);
drop:
	atomic64_inc(&iogroup_stats.events_dropped);
}

/**
 * iogroup_nl_init() - register the family
 *
 * Return: 0 or a negative errno.
 */
int iogroup_nl_init(void)
{
	return genl_register_family(&iogroup_family);
}

/**
 * iogroup_nl_exit() - unregister the family
 */
void iogroup_nl_exit(void)
{
	genl_unregister_family(&iogroup_family);
}
