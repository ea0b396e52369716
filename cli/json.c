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
	/* not the buffer: 4 KiB to clear for each event of a watch */
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

/*
 * Separator, indentation and key before a value: a listing writes some 25
 * of them per group, so they go into the buffer in one step rather than
 * one write each (about a third of what printing a group took).
 */
static void jw_begin(struct jw *w, const char *key)
{
	struct jw_level *l;
	size_t klen = 0, ind;
	char *p;

	if (!w->depth) {
		if (key)
			w->bad = true;
		return;
	}
	l = &w->level[w->depth - 1];
	if (l->array) {
		if (key)
			w->bad = true;
		key = NULL;
	} else if (!key) {
		w->bad = true;
		key = "";
	}
	/* keys are the CLI's own constants: nothing to escape, never long */
	if (key)
		klen = strlen(key);
	ind = w->pretty ? 2 * w->depth : 0;
	if (klen > 256) {
		w->bad = true;		/* not one of the CLI's keys */
		klen = 256;
	}
	p = jw_reserve(w, 2 + ind + klen + 3);
	if (l->any)
		*p++ = ',';
	/* in an array, the first element's newline came with the '[' */
	if (w->pretty && (l->any || key))
		*p++ = '\n';
	memset(p, ' ', ind);
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
}

static void jw_open(struct jw *w, const char *key, bool array)
{
	jw_begin(w, key);
	if (w->depth == JW_MAX_DEPTH) {
		w->bad = true;
		return;
	}
	w->level[w->depth].array = array;
	w->level[w->depth].any = false;
	w->depth++;
	jw_putc(w, array ? '[' : '{');
	if (array && w->pretty)
		jw_putc(w, '\n');
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
	p = jw_reserve(w, 2 + ind);
	if (w->pretty && w->level[w->depth].any)
		*p++ = '\n';
	memset(p, ' ', ind);
	p += ind;
	*p++ = array ? ']' : '}';
	w->len = (size_t)(p - w->buf);
}

void jw_obj_open(struct jw *w, const char *key)
{
	jw_open(w, key, false);
}

void jw_obj_close(struct jw *w)
{
	jw_close(w, false);
}

void jw_arr_open(struct jw *w, const char *key)
{
	jw_open(w, key, true);
}

void jw_arr_close(struct jw *w)
{
	jw_close(w, true);
}

void jw_strn(struct jw *w, const char *key, const char *s, size_t len)
{
	jw_begin(w, key);
	jw_string(w, s, len);
}

void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_strn(w, key, s, strlen(s));
}

void jw_str_or_null(struct jw *w, const char *key, const char *s)
{
	if (s) {
		jw_str(w, key, s);
		return;
	}
	jw_begin(w, key);
	jw_puts(w, "null");
}

static void jw_number(struct jw *w, bool neg, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	if (neg)
		*--p = '-';
	jw_write(w, p, (size_t)(buf + sizeof(buf) - p));
}

void jw_int(struct jw *w, const char *key, int64_t v)
{
	jw_begin(w, key);
	/* -(INT64_MIN) overflows: negate as unsigned */
	jw_number(w, v < 0, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

void jw_uint(struct jw *w, const char *key, uint64_t v)
{
	jw_begin(w, key);
	jw_number(w, false, v);
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_begin(w, key);
	if (v)
		jw_write(w, "true", 4);
	else
		jw_write(w, "false", 5);
}

void jw_hex(struct jw *w, const char *key, unsigned int v,
	    unsigned int digits)
{
	char buf[12], *p = buf + sizeof(buf);	/* "0x + 8 digits + " */
	unsigned int n = 0;

	*--p = '"';
	do {
		*--p = "0123456789abcdef"[v & 0xf];
		v >>= 4;
		n++;
	} while ((v || n < digits) && n < 8);
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	jw_begin(w, key);
	jw_write(w, p, (size_t)(buf + sizeof(buf) - p));
}

int jw_finish(struct jw *w)
{
	jw_putc(w, '\n');
	jw_flush(w);
	return w->bad || w->depth ? -EINVAL : 0;
}
