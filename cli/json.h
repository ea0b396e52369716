/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A streaming JSON writer: values are written out as they are given, with
 * no tree built in memory, so a listing of hundreds of groups costs what
 * printing it costs.  Two layouts: pretty (two spaces per level, "key":value,
 * one member or element per line) and line (no white space at all, for one
 * event per line).  Keys are NULL inside arrays, and otherwise constants
 * of the CLI, written as they are (no escaping).  Nesting deeper than
 * JW_MAX_DEPTH, or closing what is not open, is a bug of the caller:
 * jw_finish() reports it.  What is written gathers in the struct and
 * reaches the FILE at jw_finish() (or when 4 KiB gathered).
 */
#ifndef IOGROUP_CLI_JSON_H
#define IOGROUP_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 8

struct jw_level {
	bool array;
	bool any;			/* a member or element written */
};

struct jw {
	FILE *f;
	bool pretty;
	bool bad;			/* misnested: a bug */
	unsigned int depth;		/* containers open */
	struct jw_level level[JW_MAX_DEPTH];
	size_t len;			/* bytes in buf */
	char buf[4096];
};

void jw_init(struct jw *w, FILE *f, bool pretty);
void jw_obj_open(struct jw *w, const char *key);
void jw_obj_close(struct jw *w);
void jw_arr_open(struct jw *w, const char *key);
void jw_arr_close(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *s);
/* the first @len bytes of @s */
void jw_strn(struct jw *w, const char *key, const char *s, size_t len);
/* @s, or null if @s is NULL */
void jw_str_or_null(struct jw *w, const char *key, const char *s);
void jw_int(struct jw *w, const char *key, int64_t v);
void jw_uint(struct jw *w, const char *key, uint64_t v);
void jw_bool(struct jw *w, const char *key, bool v);
/* @v as the string "0x" and at least @digits (at most 8) hex digits */
void jw_hex(struct jw *w, const char *key, unsigned int v,
	    unsigned int digits);
/*
 * End the document with a newline and hand it to the FILE (whose error
 * flag tells whether writing it failed).  Return: 0, or -EINVAL if what
 * was opened was not closed (or more was closed than opened).
 */
int jw_finish(struct jw *w);

#endif
