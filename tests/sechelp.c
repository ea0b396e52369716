// SPDX-License-Identifier: GPL-2.0
/*
 * sechelp: small helpers for security.sh (busybox has no capsh).
 *
 *   sechelp netadmin CMD [ARG...]  run CMD as root with only CAP_NET_ADMIN
 *                                  (bounding, permitted, effective; nothing
 *                                  inheritable or ambient)
 *   sechelp netns CMD [ARG...]     run CMD in a new network namespace
 *   sechelp getfamily              raw CTRL_CMD_GETFAMILY "iogroup": prints
 *                                  "family ID" (exit 0) or the errno's name
 *                                  and the extack (exit 1)
 *   sechelp owner GROUP            raw GROUP_GET: prints the owner kind
 *                                  number (exit 0) or the errno (exit 1)
 *   sechelp waitfree GROUP MS      poll GROUP_GET every 10 ms until the
 *                                  owner kind is not IOGROUP_OWNER_IOGROUP;
 *                                  prints the ms it took; exit 1 after MS
 */
#include <sched.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "iogroup_nl.h"

static int only_net_admin(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	for (int c = 0; c <= 63; c++) {
		if (c == CAP_NET_ADMIN)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL)
			return -1;
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	d[0].effective = d[0].permitted = 1u << CAP_NET_ADMIN;
	return syscall(SYS_capset, &h, d);
}

static int owner_kind(uint32_t id, uint32_t *kind, struct iog_err *e)
{
	static struct iog_groups gs;
	struct iog_sock s;
	int ret = iog_open(&s, e);

	if (ret)
		return ret;
	ret = iog_get_group_by_id(&s, id, &gs, e);
	iog_close(&s);
	if (ret)
		return ret;
	if (gs.n != 1 || !gs.g[0].has_owner)
		return -EBADMSG;
	*kind = gs.g[0].owner.kind;
	return 0;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct iog_err e = { 0 };
	uint32_t kind;
	int ret;

	if (argc >= 3 && !strcmp(argv[1], "netadmin")) {
		if (only_net_admin()) {
			fprintf(stderr, "sechelp: dropping capabilities: %s\n", strerror(errno));
			return 126;
		}
		execvp(argv[2], argv + 2);
		fprintf(stderr, "sechelp: %s: %s\n", argv[2], strerror(errno));
		return 127;
	}
	if (argc >= 3 && !strcmp(argv[1], "netns")) {
		if (unshare(CLONE_NEWNET)) {
			fprintf(stderr, "sechelp: unshare(CLONE_NEWNET): %s\n", strerror(errno));
			return 126;
		}
		execvp(argv[2], argv + 2);
		fprintf(stderr, "sechelp: %s: %s\n", argv[2], strerror(errno));
		return 127;
	}
	if (argc == 2 && !strcmp(argv[1], "getfamily")) {
		struct iog_sock s;

		ret = iog_open(&s, &e);
		if (!ret) {
			printf("family %u\n", s.family);
			iog_close(&s);
			return 0;
		}
		printf("%s %s\n", strerrorname_np(-ret) ? strerrorname_np(-ret) : "?", e.msg);
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "owner")) {
		ret = owner_kind(strtoul(argv[2], NULL, 0), &kind, &e);
		if (ret) {
			printf("%s %s\n", strerrorname_np(-ret) ? strerrorname_np(-ret) : "?", e.msg);
			return 1;
		}
		printf("%u\n", kind);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "waitfree")) {
		double t0 = now_ms(), limit = strtod(argv[3], NULL);

		for (;;) {
			ret = owner_kind(strtoul(argv[2], NULL, 0), &kind, &e);
			if (!ret && kind != IOGROUP_OWNER_IOGROUP) {
				printf("%.0f\n", now_ms() - t0);
				return 0;
			}
			if (now_ms() - t0 > limit) {
				printf("still owner kind %u after %.0f ms (errno %d)\n",
				       kind, now_ms() - t0, -ret);
				return 1;
			}
			usleep(10000);
		}
	}
	fprintf(stderr, "usage: sechelp netadmin|netns CMD... | getfamily | owner GROUP | waitfree GROUP MS\n");
	return 2;
}
