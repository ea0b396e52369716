// SPDX-License-Identifier: GPL-2.0
/*
 * jsonq: a tiny jq for the guest's shell tests (json-c).
 *
 *   jsonq [-t|-l|-k|-c] PATH... < input
 *
 * The input is one JSON value or a stream of them (e.g. one object per
 * line); for each value, each PATH is printed on its own line.
 * PATH is jq-like: "." (the value), ".key", ".[3]", ".a.b[0].c", ".[-1]".
 *   default  strings raw (like jq -r), other values as compact JSON,
 *            a missing key or index prints "null"
 *   -t       the type: missing null boolean int double string object array
 *   -l       the length of an array, object or string ("-1" otherwise)
 *   -k       the keys of an object, one per line, in document order
 *   -c       compact JSON even for strings (quoted)
 * Exit: 0 ok, 2 usage, 3 input that is not JSON (or trailing garbage).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <json-c/json.h>

enum mode { M_VALUE, M_TYPE, M_LEN, M_KEYS, M_JSON };

/* Walk path from v; *found = 0 if a key/index does not exist. */
static struct json_object *walk(struct json_object *v, const char *path, int *found)
{
	const char *p = path;

	*found = 1;
	if (*p != '.')
		return NULL;
	p++;
	while (*p) {
		if (*p == '.')
			p++;
		if (*p == '[') {
			char *end;
			long i = strtol(p + 1, &end, 10);
			size_t n;

			if (end == p + 1 || *end != ']')
				return NULL;
			p = end + 1;
			if (!json_object_is_type(v, json_type_array)) {
				*found = 0;
				return NULL;
			}
			n = json_object_array_length(v);
			if (i < 0)
				i += n;
			if (i < 0 || (size_t)i >= n) {
				*found = 0;
				return NULL;
			}
			v = json_object_array_get_idx(v, i);
		} else if (*p) {
			char key[256];
			size_t k = strcspn(p, ".[");

			if (k == 0 || k >= sizeof(key))
				return NULL;
			memcpy(key, p, k);
			key[k] = '\0';
			p += k;
			if (!json_object_is_type(v, json_type_object) ||
			    !json_object_object_get_ex(v, key, &v)) {
				*found = 0;
				return NULL;
			}
		}
	}
	return v;
}

static const char *type_name(struct json_object *v, int found)
{
	if (!found)
		return "missing";
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "boolean";
	case json_type_int: return "int";
	case json_type_double: return "double";
	case json_type_string: return "string";
	case json_type_object: return "object";
	case json_type_array: return "array";
	}
	return "?";
}

static int valid_path(const char *p)
{
	return p[0] == '.';
}

static void print(struct json_object *root, const char *path, enum mode m)
{
	int found;
	struct json_object *v = walk(root, path, &found);

	switch (m) {
	case M_TYPE:
		puts(type_name(v, found));
		break;
	case M_LEN:
		if (found && json_object_is_type(v, json_type_array))
			printf("%zu\n", json_object_array_length(v));
		else if (found && json_object_is_type(v, json_type_object))
			printf("%d\n", json_object_object_length(v));
		else if (found && json_object_is_type(v, json_type_string))
			printf("%d\n", json_object_get_string_len(v));
		else
			puts("-1");
		break;
	case M_KEYS:
		if (found && json_object_is_type(v, json_type_object)) {
			json_object_object_foreach(v, key, val) {
				(void)val;
				puts(key);
			}
		}
		break;
	case M_VALUE:
		if (found && json_object_is_type(v, json_type_string)) {
			puts(json_object_get_string(v));
			break;
		}
		/* fall through */
	case M_JSON:
		puts(found && v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE)
			       : "null");
		break;
	}
}

int main(int argc, char **argv)
{
	enum mode m = M_VALUE;
	struct json_tokener *tok;
	char *buf = NULL;
	size_t len = 0, cap = 0, off = 0;
	int ndocs = 0;

	while (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		if (!strcmp(argv[1], "-t"))
			m = M_TYPE;
		else if (!strcmp(argv[1], "-l"))
			m = M_LEN;
		else if (!strcmp(argv[1], "-k"))
			m = M_KEYS;
		else if (!strcmp(argv[1], "-c"))
			m = M_JSON;
		else
			break;
		argc--;
		argv++;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: jsonq [-t|-l|-k|-c] PATH... < json\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (!valid_path(argv[i])) {
			fprintf(stderr, "jsonq: bad path '%s'\n", argv[i]);
			return 2;
		}
	}
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				return 3;
		}
		n = fread(buf + len, 1, cap - len - 1, stdin);
		if (n == 0)
			break;
		len += n;
	}
	if (!buf)
		buf = calloc(1, 1);
	buf[len] = '\0';

	tok = json_tokener_new();
	while (off < len) {
		struct json_object *root;
		enum json_tokener_error err;

		while (off < len && strchr(" \t\r\n", buf[off]))
			off++;
		if (off >= len)
			break;
		json_tokener_reset(tok);
		root = json_tokener_parse_ex(tok, buf + off, len - off);
		err = json_tokener_get_error(tok);
		if (err == json_tokener_continue) {
			/* a number at the very end needs a terminator */
			root = json_tokener_parse_ex(tok, "", 1);
			err = json_tokener_get_error(tok);
		}
		if (!root && err != json_tokener_success) {
			fprintf(stderr, "jsonq: invalid JSON at byte %zu: %s\n", off,
				json_tokener_error_desc(err));
			return 3;
		}
		off += json_tokener_get_parse_end(tok);
		ndocs++;
		for (int i = 1; i < argc; i++)
			print(root, argv[i], m);
		json_object_put(root);
	}
	json_tokener_free(tok);
	free(buf);
	if (!ndocs) {
		fprintf(stderr, "jsonq: no JSON value in the input\n");
		return 3;
	}
	return 0;
}
