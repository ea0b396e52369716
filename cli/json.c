// SPDX-License-Identifier: GPL-2.0-only
/*
 * Streaming JSON writer (json.h).  The pretty layout is the one json-c's
 * JSON_C_TO_STRING_PRETTY printed, which the CLI used before, byte for
 * byte: an array's "[" is followed by a newline even when it is empty, an
 * object's members each start one, and strings escape '"', '\\', the
 * short control escapes and other control bytes as \u00xx, nothing else.
 */
#include <errno.h>
#include <string.h>

#include "json.h"

/*
 * A listing writes a few dozen short pieces per group: they gather in
 * w->buf, which goes to the FILE when full and at jw_finish(), rather
 * than one stdio call (and its lock) each.  Numbers are formatted here,
 * not by printf().  A write error stays in the FILE's error flag, as for
 * everything else the CLI prints (main.c checks stdout once, at exit).
 */
static void jw_flush(struct jw *w)
{
	fwrite(w->buf, 1, w->len, w->f);
	w->len = 0;
}

static void jw_write(struct jw *w, const char *s, size_t n)
{
	if (n > sizeof(w->buf) - w->len) {
		jw_flush(w);
		if (n > sizeof(w->buf)) {
			fwrite(s, 1, n, w->f);
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void jw_putc(struct jw *w, char c)
{
	if (w->len == sizeof(w->buf))
		jw_flush(w);
	w->buf[w->len++] = c;
}

static void jw_puts(struct jw *w, const char *s)
{
	jw_write(w, s, strlen(s));
}

void jw_init(struct jw *w, FILE *f, bool pretty)
{
	/* not the buffer: 32 KiB to clear for each event of a watch */
	w->f = f;
	w->pretty = pretty;
	w->bad = false;
	w->depth = 0;
	w->len = 0;
}

static void jw_string(struct jw *w, const char *s, size_t len)
{
	const char *run = s, *end = s + len;
	char u[8];

	jw_putc(w, '"');
	for (; s < end; s++) {
		unsigned char c = (unsigned char)*s;
		const char *esc;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		jw_write(w, run, (size_t)(s - run));
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			snprintf(u, sizeof(u), "\\u%04x", c);
			esc = u;
		}
		jw_puts(w, esc);
		run = s + 1;
	}
	jw_write(w, run, (size_t)(end - run));
	jw_putc(w, '"');
}

/*
 * Room for @n more bytes in w->buf, flushing it if need be; @n is at most
 * the buffer's size.  The caller writes them at the pointer and moves
 * w->len.
 */
static char *jw_reserve(struct jw *w, size_t n)
{
	if (n > sizeof(w->buf) - w->len)
		jw_flush(w);
	return w->buf + w->len;
}

#define JW_MAX_KEY	256
#define JW_MAX_INDENT	(2 * JW_MAX_DEPTH)

/*
 * Separator, indentation and key before a value, in one step: a listing
 * writes some 25 of them per group.  Returns where the value goes, with
 * room for @room bytes of it (at most 32); the caller moves w->len past
 * what it writes there.
 */
static char *jw_begin(struct jw *w, const char *key, size_t klen, size_t room)
{
	struct jw_level *l;
	size_t ind;
	char *p;

	if (!w->depth) {
		if (key)
			w->bad = true;
		return jw_reserve(w, room);
	}
	l = &w->level[w->depth - 1];
	if (l->array) {
		if (key)
			w->bad = true;
		key = NULL;
		klen = 0;
	} else if (!key) {
		w->bad = true;
		key = "";
	}
	/* keys are the CLI's own constants: nothing to escape, never long */
	if (klen > JW_MAX_KEY) {
		w->bad = true;		/* not one of the CLI's keys */
		klen = JW_MAX_KEY;
	}
	ind = w->pretty ? 2 * w->depth : 0;
	p = jw_reserve(w, 2 + JW_MAX_INDENT + klen + 3 + room);
	if (l->any)
		*p++ = ',';
	/* in an array, the first element's newline came with the '[' */
	if (w->pretty && (l->any || key))
		*p++ = '\n';
	/* depth <= JW_MAX_DEPTH: a constant-size fill, then keep @ind */
	memset(p, ' ', JW_MAX_INDENT);
	p += ind;
	if (key) {
		*p++ = '"';
		memcpy(p, key, klen);
		p += klen;
		*p++ = '"';
		*p++ = ':';
	}
	w->len = (size_t)(p - w->buf);
	l->any = true;
	return p;
}

static void jw_open(struct jw *w, const char *key, size_t klen, bool array)
{
	char *p = jw_begin(w, key, klen, 2);

	if (w->depth == JW_MAX_DEPTH) {
		w->bad = true;
		return;
	}
	w->level[w->depth].array = array;
	w->level[w->depth].any = false;
	w->depth++;
	*p++ = array ? '[' : '{';
	if (array && w->pretty)
		*p++ = '\n';
	w->len = (size_t)(p - w->buf);
}

static void jw_close(struct jw *w, bool array)
{
	size_t ind;
	char *p;

	if (!w->depth || w->level[w->depth - 1].array != array) {
		w->bad = true;
		return;
	}
	w->depth--;
	ind = w->pretty ? 2 * w->depth : 0;
	p = jw_reserve(w, 2 + JW_MAX_INDENT);
	if (w->pretty && w->level[w->depth].any)
		*p++ = '\n';
	memset(p, ' ', JW_MAX_INDENT);
	p += ind;
	*p++ = array ? ']' : '}';
	w->len = (size_t)(p - w->buf);
}

void jw_obj_open_k(struct jw *w, const char *key, size_t klen)
{
	jw_open(w, key, klen, false);
}

void jw_obj_close(struct jw *w)
{
	jw_close(w, false);
}

void jw_arr_open_k(struct jw *w, const char *key, size_t klen)
{
	jw_open(w, key, klen, true);
}

void jw_arr_close(struct jw *w)
{
	jw_close(w, true);
}

void jw_strn_k(struct jw *w, const char *key, size_t klen, const char *s,
	       size_t len)
{
	jw_begin(w, key, klen, 0);
	jw_string(w, s, len);
}

void jw_str_k(struct jw *w, const char *key, size_t klen, const char *s)
{
	jw_strn_k(w, key, klen, s, strlen(s));
}

void jw_str_or_null_k(struct jw *w, const char *key, size_t klen,
		      const char *s)
{
	char *p;

	if (s) {
		jw_str_k(w, key, klen, s);
		return;
	}
	p = jw_begin(w, key, klen, 4);
	memcpy(p, "null", 4);
	w->len += 4;
}

/* A number, written right to left into the value's room. */
static void jw_number(struct jw *w, const char *key, size_t klen, bool neg,
		      uint64_t v)
{
	size_t n = neg + 1;
	uint64_t t;
	char *p;

	for (t = v; t >= 10; t /= 10)
		n++;
	p = jw_begin(w, key, klen, 21) + n;	/* "-" and 20 digits */
	w->len += n;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	if (neg)
		*--p = '-';
}

void jw_int_k(struct jw *w, const char *key, size_t klen, int64_t v)
{
	/* -(INT64_MIN) overflows: negate as unsigned */
	jw_number(w, key, klen, v < 0, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

void jw_uint_k(struct jw *w, const char *key, size_t klen, uint64_t v)
{
	jw_number(w, key, klen, false, v);
}

void jw_bool_k(struct jw *w, const char *key, size_t klen, bool v)
{
	char *p = jw_begin(w, key, klen, 5);

	memcpy(p, v ? "true" : "false", 5);	/* "true" and its NUL */
	w->len += v ? 4 : 5;
}

void jw_hex_k(struct jw *w, const char *key, size_t klen, unsigned int v,
	      unsigned int digits)
{
	unsigned int n = 1;
	char *p;

	while (n < 8 && (n < digits || v >> (4 * n)))
		n++;
	p = jw_begin(w, key, klen, 12);	/* "0x + 8 digits + " */
	w->len += n + 4;
	*p++ = '"';
	*p++ = '0';
	*p++ = 'x';
	p[n] = '"';
	do
		p[--n] = "0123456789abcdef"[v & 0xf];
	while (v >>= 4, n);
}

int jw_finish(struct jw *w)
{
	jw_putc(w, '\n');
	jw_flush(w);
	return w->bad || w->depth ? -EINVAL : 0;
}
