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
 * reaches the FILE at jw_finish() (or when 32 KiB gathered).
 */
#ifndef IOGROUP_CLI_JSON_H
#define IOGROUP_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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
	char buf[32768];		/* a listing: 5 writes of 268 groups */
};

void jw_init(struct jw *w, FILE *f, bool pretty);

/*
 * The functions that take a key take its length too, through the macros
 * below: inlined, strlen() of a constant key (or 0 for NULL) folds at
 * compile time, and a listing writes some 25 keys per group.  The macros
 * use @key twice: give them a constant or a plain variable.
 */
static inline size_t jw_klen(const char *key)
{
	return key ? strlen(key) : 0;
}

void jw_obj_open_k(struct jw *w, const char *key, size_t klen);
void jw_obj_close(struct jw *w);
void jw_arr_open_k(struct jw *w, const char *key, size_t klen);
void jw_arr_close(struct jw *w);
void jw_str_k(struct jw *w, const char *key, size_t klen, const char *s);
/* the first @len bytes of @s */
void jw_strn_k(struct jw *w, const char *key, size_t klen, const char *s,
	       size_t len);
/* @s, or null if @s is NULL */
void jw_str_or_null_k(struct jw *w, const char *key, size_t klen,
		      const char *s);
void jw_int_k(struct jw *w, const char *key, size_t klen, int64_t v);
void jw_uint_k(struct jw *w, const char *key, size_t klen, uint64_t v);
void jw_bool_k(struct jw *w, const char *key, size_t klen, bool v);
/* @v as the string "0x" and at least @digits (at most 8) hex digits */
void jw_hex_k(struct jw *w, const char *key, size_t klen, unsigned int v,
	      unsigned int digits);

#define jw_obj_open(w, key)	jw_obj_open_k(w, key, jw_klen(key))
#define jw_arr_open(w, key)	jw_arr_open_k(w, key, jw_klen(key))
#define jw_str(w, key, s)	jw_str_k(w, key, jw_klen(key), s)
#define jw_strn(w, key, s, len)	jw_strn_k(w, key, jw_klen(key), s, len)
#define jw_str_or_null(w, key, s) jw_str_or_null_k(w, key, jw_klen(key), s)
#define jw_int(w, key, v)	jw_int_k(w, key, jw_klen(key), v)
#define jw_uint(w, key, v)	jw_uint_k(w, key, jw_klen(key), v)
#define jw_bool(w, key, v)	jw_bool_k(w, key, jw_klen(key), v)
#define jw_hex(w, key, v, digits) jw_hex_k(w, key, jw_klen(key), v, digits)

/*
 * End the document with a newline and hand it to the FILE (whose error
 * flag tells whether writing it failed).  Return: 0, or -EINVAL if what
 * was opened was not closed (or more was closed than opened).
 */
int jw_finish(struct jw *w);

#endif
