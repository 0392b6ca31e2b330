/*
 * fuzz-track: inotifywait's records through track_parse, the list of what
 * changed that phase1.3's frozen pass sends.  File names are the owner's:
 * any bytes but NUL and '/'.
 *
 * Raw (byte 0 even): the rest is the watcher's output as it is.  When it
 * reads, each list is sorted with no repeats, every entry is "." or
 * "./NAME", every new directory is also in the list and none lies inside
 * another (its parent's find sends it).
 * Built (byte 0 odd): the rest is records "BYTE NAME\0": the byte picks the
 * event and the root, NAME a path below it (empty, "." and ".." parts
 * dropped, as no real path has them).  It must read, every name must be in
 * its root's list exactly as "./NAME", and a directory made must be sent
 * whole (it or a directory above it in dirs); sentinels stay out.
 */
#include "fuzz.h"
#include "files-track.h"

#define OWN "/var/lib/ferry/track/alice"
#define NAME_MAX_BYTES 1000

static const char *const root_paths[] = { "/home/alice", "/srv/www/alice" };
static const char *const events[] = {
	"MODIFY", "CREATE", "CREATE,ISDIR", "MOVED_TO,ISDIR", "DELETE", "CLOSE_WRITE,CLOSE",
	"ATTRIB,ISDIR", "MOVED_FROM"
};

static void
roots_init(struct track_root *r)
{
	struct strlist p = STRLIST_INIT;

	strlist_push(&p, root_paths[0]);
	strlist_push(&p, root_paths[1]);
	track_roots_init(r, &p);
	strlist_clear(&p);
}

static int
listed(const struct strlist *l, const char *s)
{
	return l->n && bsearch(&s, l->v, l->n, sizeof *l->v, strp_cmp) != NULL;
}

/* a directory in dirs lies below d ("./a" above "./a/b") */
static int
below(const char *d, const char *above)
{
	size_t n = strlen(above);

	return strncmp(d, above, n) == 0 && d[n] == '/';
}

static void
check_lists(const struct track_root *r)
{
	size_t i, k;

	for (i = 0; i < r->list.n; i++) {
		const char *e = r->list.v[i];

		fuzz_assert(!strcmp(e, ".") || (!strncmp(e, "./", 2) && e[2] != '\0'));
		fuzz_assert(i == 0 || strcmp(r->list.v[i - 1], e) < 0);
	}
	for (i = 0; i < r->dirs.n; i++) {
		fuzz_assert(i == 0 || strcmp(r->dirs.v[i - 1], r->dirs.v[i]) < 0);
		fuzz_assert(listed(&r->list, r->dirs.v[i]));
		for (k = 0; k < r->dirs.n; k++)
			fuzz_assert(!below(r->dirs.v[i], r->dirs.v[k]));
	}
}

static void
raw(const uint8_t *data, size_t size)
{
	struct track_root r[2];
	struct strbuf why = STRBUF_INIT;

	roots_init(r);
	if (track_parse((const char *)data, size, OWN, r, 2, &why) == 0) {
		check_lists(&r[0]);
		check_lists(&r[1]);
	} else
		fuzz_assert(why.len > 0);
	track_roots_release(r, 2);
	strbuf_release(&why);
}

/* NAME with empty, "." and ".." parts dropped, "./" in front; "." for none */
static void
clean_name(struct strbuf *out, const uint8_t *p, size_t n)
{
	size_t i = 0, w;

	strbuf_reset(out);
	strbuf_addch(out, '.');
	while (i < n) {
		for (w = i; w < n && p[w] != '/'; w++)
			;
		if (!(w == i || (w - i == 1 && p[i] == '.') ||
		    (w - i == 2 && p[i] == '.' && p[i + 1] == '.'))) {
			strbuf_addch(out, '/');
			strbuf_add(out, (const char *)p + i, w - i);
		}
		i = w + 1;
	}
}

static void
built(const uint8_t *data, size_t size)
{
	struct track_root r[2];
	struct strbuf ev = STRBUF_INIT, why = STRBUF_INIT, name = STRBUF_INIT;
	struct strlist want = STRLIST_INIT, made = STRLIST_INIT;
	const uint8_t *p = data, *end = data + size, *nul;
	size_t i, k;

	while (p < end) {
		unsigned c = *p++;
		const char *evs = events[c % 8];

		nul = memchr(p, '\0', (size_t)(end - p));
		if (nul == NULL)
			nul = end;
		clean_name(&name, p, (size_t)(nul - p) < NAME_MAX_BYTES ? (size_t)(nul - p) : NAME_MAX_BYTES);
		p = nul + (nul < end);
		if (c & 0x10) {		/* ferry's sentinel */
			strbuf_addf(&ev, "CREATE %s/s/ferry-%s", OWN, name.buf + 1);
			strbuf_addch(&ev, '\0');
			continue;
		}
		if (!strcmp(name.buf, ".") && !strcmp(evs, "DELETE"))
			continue;	/* not the root's own DELETE_SELF: a DELETE names a file */
		/* the root itself is reported with its slash ("/home/alice/") */
		strbuf_addf(&ev, "%s %s%s", evs, root_paths[(c >> 3) & 1],
		    strcmp(name.buf, ".") ? name.buf + 1 : "/");
		strbuf_addch(&ev, '\0');
		strlist_pushf(&want, "%u%s", (c >> 3) & 1, name.buf);
		if (strcmp(name.buf, ".") && strstr(evs, "ISDIR") && strncmp(evs, "ATTRIB", 6))
			strlist_pushf(&made, "%u%s", (c >> 3) & 1, name.buf);
	}
	roots_init(r);
	if (track_parse(ev.buf, ev.len, OWN, r, 2, &why) != 0)
		fuzz_fail("built records refused: %s", why.buf);
	for (i = 0; i < 2; i++)
		check_lists(&r[i]);
	for (k = 0; k < want.n; k++)
		if (!listed(&r[want.v[k][0] - '0'].list, want.v[k] + 1))
			fuzz_fail("%s missing from the list", want.v[k] + 1);
	for (k = 0; k < made.n; k++) {
		const struct strlist *d = &r[made.v[k][0] - '0'].dirs;
		int sent = listed(d, made.v[k] + 1);

		for (i = 0; !sent && i < d->n; i++)
			sent = below(made.v[k] + 1, d->v[i]);
		if (!sent)
			fuzz_fail("new directory %s not sent whole", made.v[k] + 1);
	}
	track_roots_release(r, 2);
	strlist_clear(&want);
	strlist_clear(&made);
	strbuf_release(&ev);
	strbuf_release(&why);
	strbuf_release(&name);
}

FUZZ_RAW_OR_BUILT(raw, built)
