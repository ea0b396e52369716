// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side test of metrics.c: render a hand-filled model and check it
 * against the Prometheus text exposition format (version 0.0.4) with a
 * parser written from the format's rules, not from the renderer: every
 * sample belongs to a family announced by one HELP and one TYPE line
 * before its samples, a family's samples are contiguous, names and label
 * names are legal, label values are escaped, values are numbers, the
 * same series never appears twice; then the expected series and values.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../metrics.h"

#include "check.h"

#define MAX_FAM 64
#define NAME_MAX_LEN 128
#define MAX_SERIES 256

struct family {
	char name[128];
	char type[128];
	bool help, closed;
};

static struct family fams[MAX_FAM];
static int n_fams;
static char *series[MAX_SERIES];	/* "name{labels}" as written */
static char *values[MAX_SERIES];
static int n_series;

static struct family *fam(const char *name)
{
	int i;

	for (i = 0; i < n_fams; i++)
		if (!strcmp(fams[i].name, name))
			return &fams[i];
	return NULL;
}

static bool legal_name(const char *s, size_t n, bool colon)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!(isalpha((unsigned char)c) || c == '_' || (colon && c == ':') ||
		      (i && isdigit((unsigned char)c))))
			return false;
	}
	return true;
}

/* Labels "{a="x",b="y"}" from @p; returns the end, or NULL if malformed. */
static const char *parse_labels(const char *p)
{
	if (*p != '{')
		return p;
	p++;
	while (*p != '}') {
		const char *n = p;

		while (*p && *p != '=')
			p++;
		if (!legal_name(n, (size_t)(p - n), false) || p[0] != '=' ||
		    p[1] != '"')
			return NULL;
		p += 2;
		while (*p != '"') {
			if (!*p || *p == '\n')
				return NULL;
			if (*p == '\\') {
				if (p[1] != '\\' && p[1] != '"' && p[1] != 'n')
					return NULL;
				p++;
			}
			p++;
		}
		p++;
		if (*p == ',')
			p++;
		else if (*p != '}')
			return NULL;
	}
	return p + 1;
}

/* Parse a whole exposition; every violation is a CHECK failure. */
static void parse(char *text)
{
	struct family *cur = NULL;
	char *line, *save = NULL;

	memset(fams, 0, sizeof(fams));
	n_fams = n_series = 0;
	CHECK(text[strlen(text) - 1] == '\n');
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[128], rest[128];

		if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
			struct family *f;
			bool help = line[2] == 'H';

			CHECK(sscanf(line + 7, "%127s %127[^\n]", name, rest) == 2);
			f = fam(name);
			if (!f) {
				CHECK(n_fams < MAX_FAM);
				f = &fams[n_fams++];
				snprintf(f->name, sizeof(f->name), "%s", name);
			}
			CHECK(!f->closed);	/* announced after its samples */
			if (help) {
				CHECK(!f->help);
				f->help = true;
			} else {
				CHECK(!f->type[0]);
				CHECK(!strcmp(rest, "gauge") || !strcmp(rest, "counter"));
				snprintf(f->type, sizeof(f->type), "%s", rest);
			}
			if (cur && cur != f)
				cur->closed = true;
			cur = f;
			continue;
		}
		CHECK(line[0] != '#');
		{
			const char *p = line, *end;
			size_t n;
			struct family *f;
			char *v;

			while (*p && *p != '{' && *p != ' ')
				p++;
			n = (size_t)(p - line);
			CHECK(legal_name(line, n, true));
			snprintf(name, sizeof(name), "%.*s", (int)n, line);
			f = fam(name);
			CHECK(f && f->help && f->type[0]);
			CHECK(f == cur);	/* contiguous, right after its TYPE */
			if (f && !strcmp(f->type, "counter"))
				CHECK(strlen(name) > 6 &&
				      !strcmp(name + strlen(name) - 6, "_total"));
			end = parse_labels(p);
			CHECK(end && *end == ' ');
			if (!end || *end != ' ')
				continue;
			v = (char *)end + 1;
			CHECK(*v && strspn(v, "0123456789") == strlen(v));
			CHECK(n_series < MAX_SERIES);
			for (int i = 0; i < n_series; i++)
				CHECK(strncmp(series[i], line, (size_t)(end - line)) ||
				      series[i][end - line]);
			series[n_series] = strndup(line, (size_t)(end - line));
			values[n_series++] = v;
		}
	}
}

/* The value of series @s ("name{labels}"), or NULL. */
static const char *value(const char *s)
{
	int i;

	for (i = 0; i < n_series; i++)
		if (!strcmp(series[i], s))
			return values[i];
	return NULL;
}

static bool value_is(const char *s, const char *want)
{
	const char *v = value(s);

	if (!v || strcmp(v, want)) {
		fprintf(stderr, "  %s = %s, want %s\n", s, v ? v : "(absent)", want);
		return false;
	}
	return true;
}

static int count_prefix(const char *prefix)
{
	int i, n = 0;

	for (i = 0; i < n_series; i++)
		n += !strncmp(series[i], prefix, strlen(prefix));
	return n;
}

int main(void)
{
	struct ig_device d1[3] = {
		{ .name = "0000:00:04.0", .bridge = true },
		{ .name = "0000:01:01.0", .driver = "e1000", .kernel_dma = true,
		  .blocks_viability = true },
		{ .name = "0000:01:02.0" },
	};
	struct ig_device d2[1] = {
		{ .name = "0000:00:03.0", .driver = "vfio-pci",
		  .driver_managed_dma = true },
	};
	struct ig_device d3[1] = {
		{ .name = "odd\"dev\\ice\nx", .driver = "drv" },
	};
	struct ig_group g[4] = {
		{ .id = 1, .domain = IOGROUP_DOMAIN_DMA_FQ,
		  .has_default_domain = true,
		  .default_domain = IOGROUP_DOMAIN_DMA_FQ, .kernel_users = 1,
		  .owner = { .kind = IOGROUP_OWNER_KERNEL }, .viable = false,
		  .n_devices = 3, .devices = d1 },
		{ .id = 7, .domain = IOGROUP_DOMAIN_UNMANAGED,
		  .owner = { .kind = IOGROUP_OWNER_USER, .has_pid = true,
			     .pid = 4242, .comm = "qemu \"vm\"" },
		  .viable = true, .n_devices = 1, .devices = d2 },
		{ .id = 12, .domain = IOGROUP_DOMAIN_BLOCKED,
		  .has_default_domain = true,
		  .default_domain = IOGROUP_DOMAIN_DMA,
		  .owner = { .kind = IOGROUP_OWNER_IOGROUP, .has_pid = true,
			     .pid = 99, .comm = "iogroup", .persistent = true },
		  .viable = true, .drift = "shadow: none; kernel: claimed",
		  .n_devices = 1, .devices = d3 },
		{ .id = 13, .domain = IOGROUP_DOMAIN_IDENTITY,
		  .owner = { .kind = IOGROUP_OWNER_NONE }, .viable = true },
	};
	struct ig_group_list l = { .n = 4, .groups = g };
	struct ig_stats s = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	s.has[IOGROUP_A_STATS_PROBE_HITS] = true;
	s.val[IOGROUP_A_STATS_PROBE_HITS] = 18446744073709551615ULL;
	s.has[IOGROUP_A_STATS_GROUPS] = true;
	s.val[IOGROUP_A_STATS_GROUPS] = 4;
	s.has[IOGROUP_A_STATS_CLAIMS] = true;
	s.val[IOGROUP_A_STATS_CLAIMS] = 1;
	/* not sent: no iogroup_vetoes_total */

	f = open_memstream(&buf, &len);
	CHECK(f && ig_print_metrics(f, &l, &s) == 0);
	fclose(f);
	parse(buf);

	CHECK(value_is("iogroup_group_info{group=\"1\",owner=\"kernel\",domain=\"dma-fq\",default_domain=\"dma-fq\"}", "1"));
	CHECK(value_is("iogroup_group_info{group=\"7\",owner=\"user\",domain=\"unmanaged\",default_domain=\"\"}", "1"));
	CHECK(value_is("iogroup_group_info{group=\"12\",owner=\"iogroup\",domain=\"blocked\",default_domain=\"dma\"}", "1"));
	CHECK(value_is("iogroup_group_info{group=\"13\",owner=\"none\",domain=\"identity\",default_domain=\"\"}", "1"));
	CHECK(count_prefix("iogroup_group_info{") == 4);
	CHECK(value_is("iogroup_group_owner_pid{group=\"7\",owner=\"user\",comm=\"qemu \\\"vm\\\"\"}", "4242"));
	CHECK(value_is("iogroup_group_owner_pid{group=\"12\",owner=\"iogroup\",comm=\"iogroup\"}", "99"));
	CHECK(count_prefix("iogroup_group_owner_pid{") == 2);
	CHECK(value_is("iogroup_group_claimed{group=\"12\"}", "1"));
	CHECK(value_is("iogroup_group_claimed{group=\"7\"}", "0"));
	CHECK(value_is("iogroup_group_claimed{group=\"1\"}", "0"));
	CHECK(value_is("iogroup_group_viable{group=\"1\"}", "0"));
	CHECK(value_is("iogroup_group_viable{group=\"13\"}", "1"));
	CHECK(value_is("iogroup_group_devices{group=\"1\"}", "3"));
	CHECK(value_is("iogroup_group_devices{group=\"13\"}", "0"));
	CHECK(value_is("iogroup_group_kernel_users{group=\"1\"}", "1"));
	CHECK(value_is("iogroup_group_drift{group=\"12\"}", "1"));
	CHECK(value_is("iogroup_group_drift{group=\"1\"}", "0"));
	CHECK(value_is("iogroup_device_info{group=\"1\",device=\"0000:00:04.0\",driver=\"\"}", "1"));
	CHECK(value_is("iogroup_device_info{group=\"1\",device=\"0000:01:01.0\",driver=\"e1000\"}", "1"));
	CHECK(value_is("iogroup_device_info{group=\"7\",device=\"0000:00:03.0\",driver=\"vfio-pci\"}", "1"));
	CHECK(value_is("iogroup_device_info{group=\"12\",device=\"odd\\\"dev\\\\ice\\nx\",driver=\"drv\"}", "1"));
	CHECK(count_prefix("iogroup_device_info{") == 5);
	CHECK(value_is("iogroup_device_blocks_viability{group=\"1\",device=\"0000:01:01.0\"}", "1"));
	CHECK(value_is("iogroup_device_blocks_viability{group=\"1\",device=\"0000:01:02.0\"}", "0"));
	CHECK(value_is("iogroup_probe_hits_total", "18446744073709551615"));
	CHECK(value_is("iogroup_groups", "4"));
	CHECK(value_is("iogroup_claims", "1"));
	CHECK(!value("iogroup_vetoes_total"));
	CHECK(fam("iogroup_probe_hits_total") &&
	      !strcmp(fam("iogroup_probe_hits_total")->type, "counter"));
	CHECK(fam("iogroup_groups") && !strcmp(fam("iogroup_groups")->type, "gauge"));
	CHECK(!fam("iogroup_vetoes_total"));
	free(buf);

	/* No groups, no counters: HELP and TYPE only, still well formed. */
	l.n = 0;
	memset(&s, 0, sizeof(s));
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK(f && ig_print_metrics(f, &l, &s) == 0);
	fclose(f);
	parse(buf);
	CHECK(n_series == 0);
	CHECK(fam("iogroup_group_info") && fam("iogroup_device_info"));
	free(buf);

	if (failures) {
		fprintf(stderr, "test_metrics: %d failures\n", failures);
		return 1;
	}
	printf("test_metrics: ok\n");
	return 0;
}
