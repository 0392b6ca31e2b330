/*
 * config-expand.c: % expansion of the templates ferry.conf's commands and
 * paths keep (%u, %d, %z, %f; %% is %): each escape becomes one value,
 * inside one word, never split.
 */
#include <stdlib.h>

#include "config.h"

static const char *
escape_value(const struct expand *e, char c)
{
	if (c == '%')
		return "%";
	if (e == NULL)
		return NULL;
	switch (c) {
	case 'u': return e->u;
	case 'd': return e->d;
	case 'z': return e->z;
	case 'f': return e->f;
	default: return NULL;
	}
}

int
expand_template(struct strbuf *out, const char *tmpl, const struct expand *e)
{
	size_t start = out->len;
	const char *p, *v;

	for (p = tmpl; *p; p++) {
		if (*p != '%') {
			strbuf_addch(out, *p);
			continue;
		}
		if ((v = escape_value(e, p[1])) == NULL) {
			strbuf_setlen(out, start);
			return -1;
		}
		strbuf_addstr(out, v);
		p++;
	}
	return 0;
}

int
expand_argv(struct strlist *out, const struct strlist *tmpl, const struct expand *e)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, start = out->n;

	for (i = 0; i < tmpl->n; i++) {
		strbuf_reset(&sb);
		if (expand_template(&sb, tmpl->v[i], e) < 0) {
			while (out->n > start)
				free(out->v[--out->n]);
			if (out->v)
				out->v[out->n] = NULL;
			strbuf_release(&sb);
			return -1;
		}
		strlist_push(out, sb.buf);
	}
	strbuf_release(&sb);
	return 0;
}
