/*
 * files-track.c: change tracking on the old host for phase1.3.  rsync's
 * floor in a frozen pass is its scan of every file on both hosts; with the
 * names of what changed since the converging passes began (inotifywait -m
 * -r, started before the first of them) the final pass sends only those.
 * Any doubt about the list (no watcher, it died, its queue overflowed, a
 * watch failed) means the caller makes a full pass instead.
 */
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "files-track.h"
#include "log.h"
#include "remote.h"
#include "xmalloc.h"

/* inotifywait cuts a printed event at about 4000 characters */
#define TRACK_RECORD_MAX 3990
/* the events read at phase1.3 (more: a full pass is as quick; cut short, untrusted) */
#define TRACK_EVENTS_MAX (48 << 20)
/* directories passed on the wrapper's command line */
#define TRACK_DIRS_MAX (64 << 10)
#define STR_(x) #x
#define STR(x) STR_(x)
#define TRACK_HARDLINKS_S STR(TRACK_HARDLINKS)

/*
 * $1 the account's directory, then the trees.  Replaces a watcher a killed
 * run left (its cmdline names our sentinel directory, so a reused pid is
 * never taken for it), then waits until inotifywait says its watches are set.
 */
static const char start_script[] =
	"d=$1; shift\n"
	"command -v inotifywait >/dev/null 2>&1 || { echo 'no inotifywait on this host'; exit 3; }\n"
	"umask 077; mkdir -p \"$d\" && chmod 700 \"$d\" || exit 1\n"
	"ours() { [ -n \"$p\" ] && { tr '\\0' '\\n' <\"/proc/$p/cmdline\"; } 2>/dev/null | grep -qxF -e \"$d/s\"; }\n"
	"p=$(cat \"$d/pid\" 2>/dev/null)\n"
	"if ours; then kill \"$p\"; i=0; while ours && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done; fi\n"
	"rm -rf \"$d/s\" \"$d/events\" \"$d/err\" \"$d/pid\" && mkdir \"$d/s\" || exit 1\n"
	"printf '%s\\n' \"$@\" >\"$d/roots\" || exit 1\n"
	"setsid sh -c 'echo $$ >\"$1/pid\"; d=$1; shift; exec inotifywait -m -r"
	" -e modify,attrib,close_write,move,create,delete,delete_self,move_self,unmount,q_overflow"
	" --format \"%e %w%f%0\" --no-newline -o \"$d/events\" -- \"$d/s\" \"$@\"' sh \"$d\" \"$@\""
	" </dev/null >/dev/null 2>\"$d/err\" &\n"
	"i=0\n"
	"until grep -q '^Watches established' \"$d/err\" 2>/dev/null; do\n"
	"	sleep 0.05; i=$((i + 1)); p=$(cat \"$d/pid\" 2>/dev/null)\n"
	"	if [ $i -ge 2400 ]; then ours && kill \"$p\"; echo 'watches not set in 120 s'; exit 4; fi\n"
	"	[ -z \"$p\" ] || kill -0 \"$p\" 2>/dev/null || { head -c 300 \"$d/err\"; exit 4; }\n"
	"done\n";

/*
 * $1 the account's directory, then the trees to list (each one watched
 * since presync, or no list is complete).  A sentinel created in the watched $d/s must
 * appear in the events file: one inotify queue is read in order, so every
 * change made before it is written too.  Then the watcher stops and the
 * events go to stdout; exit 3 and a reason last on stderr when they cannot
 * be trusted.  Inside the freeze: few programs started, no fixed sleeps.
 */
static const char finish_script[] =
	"d=$1; shift; p=\n"
	"read -r p <\"$d/pid\" 2>/dev/null\n"
	"ours() { [ -n \"$p\" ] && grep -qaF -e \"$d/s\" \"/proc/$p/cmdline\" 2>/dev/null; }\n"
	"fail() { echo \"$1\" >&2; ours && kill \"$p\"; rm -rf \"$d\"; exit 3; }\n"
	"[ -n \"$p\" ] || fail 'no watcher (phase1.presync starts it)'\n"
	"ours || fail 'the watcher had died'\n"
	"[ -r \"$d/roots\" ] && ! printf '%s\\n' \"$@\" | grep -qvxF -f \"$d/roots\" ||"
	" fail 'a tree was not watched since presync'\n"
	"t=$(mktemp \"$d/s/ferry-XXXXXXXX\") || fail 'no sentinel'\n"
	"i=0\n"
	"until grep -qaF -e \"$t\" \"$d/events\"; do\n"
	"	sleep 0.005; i=$((i + 1)); [ $i -lt 2000 ] || fail 'the watcher did not report its sentinel'\n"
	"done\n"
	"kill \"$p\"; i=0; while kill -0 \"$p\" 2>/dev/null && [ $i -lt 400 ]; do sleep 0.005; i=$((i + 1)); done\n"
	"kill -0 \"$p\" 2>/dev/null && fail 'the watcher did not stop'\n"
	"if grep -v -e '^Setting up watches' -e '^Watches established' \"$d/err\" >&2; then\n"
	"	fail 'the watcher reported errors'; fi\n"
	"cat \"$d/events\" && rm -rf \"$d\"\n";

static const char stop_script[] =
	"d=$1\n"
	"[ -d \"$d\" ] || exit 0\n"
	"p=$(cat \"$d/pid\" 2>/dev/null)\n"
	"ours() { [ -n \"$p\" ] && { tr '\\0' '\\n' <\"/proc/$p/cmdline\"; } 2>/dev/null | grep -qxF -e \"$d/s\"; }\n"
	"if ours; then kill \"$p\"; i=0; while ours && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done\n"
	"	ours && { echo 'the watcher did not stop'; exit 1; }; echo stopped; fi\n"
	"rm -rf \"$d\"\n";

/*
 * $1 the number of directories that follow, then those, then rsync's argv:
 * stdin's list and every entry under each directory (find -print0) become
 * rsync's --files-from.  Run in the tree, so entries stay "./REL".  A
 * listed file with other names (hard links) ends it with TRACK_HARDLINKS:
 * its other names may be on no list, and rsync -H links only what it sends.
 */
static const char wrap_script[] =
	"n=$1; shift\n"
	"t=$(mktemp) || exit 1\n"
	"( k=$n; cat; while [ \"$k\" -gt 0 ]; do find \"$1\" -print0 2>/dev/null; shift; k=$((k - 1)); done"
	" ) >\"$t\" || { rm -f \"$t\"; exit 1; }\n"
	"if xargs -0r sh -c 'find \"$@\" -maxdepth 0 -type f -links +1 2>/dev/null' sh <\"$t\" | grep -q .; then\n"
	"	rm -f \"$t\"; exit " TRACK_HARDLINKS_S "; fi\n"
	"while [ \"$n\" -gt 0 ]; do shift; n=$((n - 1)); done\n"
	"exec <\"$t\"; rm -f \"$t\"; exec \"$@\"\n";

static int
untrusted(struct strbuf *why, const char *reason)
{
	strbuf_addstr(why, reason);
	return -1;
}

static void
track_dir(struct strbuf *sb, const struct account *a)
{
	strbuf_addf(sb, "%s/%s", TRACK_DIR, a->name);
}

void
track_roots_init(struct track_root *r, const struct strlist *paths)
{
	size_t i, len;

	for (i = 0; i < paths->n; i++) {
		memset(&r[i], 0, sizeof r[i]);
		r[i].path = xstrdup(paths->v[i]);
		len = strlen(r[i].path);
		while (len > 1 && r[i].path[len - 1] == '/')
			r[i].path[--len] = '\0';
	}
}

void
track_roots_release(struct track_root *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].path);
		strlist_clear(&r[i].list);
		strlist_clear(&r[i].dirs);
	}
}

/* one of inotifywait's comma-separated event names */
static int
has_event(const char *evs, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *p = evs, *end = evs + len;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t w = comma ? (size_t)(comma - p) : (size_t)(end - p);

		if (w == n && memcmp(p, name, n) == 0)
			return 1;
		p += w + 1;
	}
	return 0;
}

static void
sort_unique(struct strlist *l)
{
	size_t i, k = 0;

	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof *l->v, strp_cmp);
	for (i = 1; i < l->n; i++) {
		if (strcmp(l->v[i], l->v[k]) == 0)
			free(l->v[i]);
		else
			l->v[++k] = l->v[i];
	}
	l->n = k + 1;
	l->v[l->n] = NULL;
}

/*
 * a directory inside another new one is found by the outer one's find.
 * Every entry is judged against the whole sorted list first, then the list
 * is compacted: compacting while searching would search freed names.
 */
static void
drop_nested_dirs(struct strlist *l)
{
	struct strbuf up = STRBUF_INIT;
	char *inside = xcalloc(l->n + 1, 1);
	size_t i, k = 0;

	for (i = 0; i < l->n; i++) {
		char *slash;

		strbuf_reset(&up);
		strbuf_addstr(&up, l->v[i]);
		while (!inside[i] && (slash = strrchr(up.buf, '/')) != NULL && slash > up.buf + 1) {
			strbuf_setlen(&up, (size_t)(slash - up.buf));
			inside[i] = bsearch(&up.buf, l->v, l->n, sizeof *l->v, strp_cmp) != NULL;
		}
	}
	for (i = 0; i < l->n; i++) {
		if (inside[i])
			free(l->v[i]);
		else
			l->v[k++] = l->v[i];
	}
	l->n = k;
	if (l->v)
		l->v[k] = NULL;
	free(inside);
	strbuf_release(&up);
}

/* one record's path into the root holding it: 1 taken, 0 not under r, -1 r itself went away */
static int
take_path(struct track_root *r, const char *evs, size_t evlen, const char *path)
{
	size_t plen = strlen(r->path), len;
	struct strbuf e = STRBUF_INIT;

	if (strncmp(path, r->path, plen) != 0 || path[plen] != '/')
		return 0;
	path += plen + 1;
	len = strlen(path);
	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len == 0 && (has_event(evs, evlen, "DELETE_SELF") || has_event(evs, evlen, "MOVE_SELF") ||
	    has_event(evs, evlen, "UNMOUNT")))
		return -1;
	if (len == 0)
		strbuf_addch(&e, '.');
	else
		strbuf_addf(&e, "./%.*s", (int)len, path);
	strlist_push(&r->list, e.buf);
	if (len > 0 && has_event(evs, evlen, "ISDIR") &&
	    (has_event(evs, evlen, "CREATE") || has_event(evs, evlen, "MOVED_TO")))
		strlist_push(&r->dirs, e.buf);
	strbuf_release(&e);
	return 1;
}

/* one "EVENTS PATH" record: 0 or -1 with why */
static int
parse_record(const char *rec, size_t len, const char *own_dir, struct track_root *roots,
    size_t n, struct strbuf *why)
{
	const char *sp = memchr(rec, ' ', len), *path;
	size_t i, olen = strlen(own_dir);
	int taken = 0, r;

	if (len >= TRACK_RECORD_MAX || sp == NULL)
		return untrusted(why, "an event record was cut short");
	if (has_event(rec, (size_t)(sp - rec), "Q_OVERFLOW"))
		return untrusted(why, "the inotify queue overflowed");
	path = sp + 1;
	if (strncmp(path, own_dir, olen) == 0 && path[olen] == '/')
		return 0;	/* ferry's sentinel */
	for (i = 0; i < n; i++) {
		r = take_path(&roots[i], rec, (size_t)(sp - rec), path);
		if (r < 0) {
			strbuf_addf(why, "%s itself was moved or deleted", roots[i].path);
			return -1;
		}
		taken |= r;
	}
	if (!taken)
		return untrusted(why, "a change outside the watched trees");
	return 0;
}

int
track_parse(const char *ev, size_t len, const char *own_dir, struct track_root *roots,
    size_t n, struct strbuf *why)
{
	const char *p = ev, *end = ev + len;
	size_t i;

	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		struct strbuf rec = STRBUF_INIT;
		int r;

		if (nul == NULL)
			return untrusted(why, "the events end in a partial record");
		strbuf_add(&rec, p, (size_t)(nul - p));
		r = parse_record(rec.buf, rec.len, own_dir, roots, n, why);
		strbuf_release(&rec);
		if (r < 0)
			return -1;
		p = nul + 1;
	}
	for (i = 0; i < n; i++) {
		sort_unique(&roots[i].list);
		sort_unique(&roots[i].dirs);
		drop_nested_dirs(&roots[i].dirs);
	}
	return 0;
}

int
track_start(struct step_ctx *ctx, const struct strlist *paths, struct strbuf *why)
{
	struct strlist args = STRLIST_INIT;
	struct strbuf dir = STRBUF_INIT, out = STRBUF_INIT;
	struct track_root *r = xcalloc(paths->n + 1, sizeof *r);
	size_t i;
	int rc;

	track_dir(&dir, ctx->a);
	strlist_push(&args, dir.buf);
	track_roots_init(r, paths);
	for (i = 0; i < paths->n; i++)
		strlist_push(&args, r[i].path);
	rc = host_sh(ctx, ctx->f->cf->from, start_script, (const char *const *)args.v, &out);
	strbuf_rtrim(&out);
	if (rc != 0)
		strbuf_addstr(why, out.len ? out.buf : "the watcher did not start");
	track_roots_release(r, paths->n);
	free(r);
	strlist_clear(&args);
	strbuf_release(&dir);
	strbuf_release(&out);
	return rc == 0 ? 0 : 1;
}

int
track_finish(struct step_ctx *ctx, struct track_root *roots, size_t n, struct strbuf *why)
{
	struct strlist argv = STRLIST_INIT;
	struct strbuf dir = STRBUF_INIT;
	struct child c = CHILD_INIT;
	size_t i, k, bytes = 0;
	int rc;

	track_dir(&dir, ctx->a);
	strlist_push(&argv, "sh");
	strlist_push(&argv, "-c");
	strlist_push(&argv, finish_script);
	strlist_push(&argv, "sh");
	strlist_push(&argv, dir.buf);
	for (i = 0; i < n; i++)
		strlist_push(&argv, roots[i].path);
	c.out_cap = TRACK_EVENTS_MAX;
	c.argv = (const char *const *)argv.v;
	rc = remote_run(&ctx->f->tr, ctx->f->cf->from, &c);
	strbuf_rtrim(&c.err);
	if (rc != 0) {
		/* the script's own reason comes last, after what the watcher printed */
		const char *nl = strrchr(c.err.buf, '\n');

		strbuf_addstr(why, c.err.len ? (nl ? nl + 1 : c.err.buf) : "the watcher's list is missing");
	}
	else if (c.truncated)
		strbuf_addstr(why, "the watcher's list was cut short");
	else
		rc = track_parse(c.out.buf, c.out.len, dir.buf, roots, n, why);
	child_release(&c);
	strlist_clear(&argv);
	strbuf_release(&dir);
	for (i = 0; rc == 0 && i < n; i++)
		for (k = 0; k < roots[i].dirs.n; k++)
			bytes += strlen(roots[i].dirs.v[k]) + 1;
	if (rc == 0 && bytes > TRACK_DIRS_MAX)
		return untrusted(why, "too many new directories") < 0;
	return rc == 0 ? 0 : 1;
}

int
track_stop(struct step_ctx *ctx)
{
	struct strbuf dir = STRBUF_INIT, out = STRBUF_INIT;
	const char *args[2];
	int rc;

	track_dir(&dir, ctx->a);
	args[0] = dir.buf;
	args[1] = NULL;
	rc = host_sh(ctx, ctx->f->cf->from, stop_script, args, &out);
	strbuf_rtrim(&out);
	if (rc != 0)
		step_error(ctx, "%s: stopping the change watcher: %s", ctx->f->cf->from->name,
		    out.buf);
	else if (strcmp(out.buf, "stopped") == 0)
		verbose("%s: %s: change watcher on %s stopped", ctx->a->name, ctx->def->id,
		    ctx->f->cf->from->name);
	strbuf_release(&dir);
	strbuf_release(&out);
	return rc == 0 ? 0 : -1;
}

void
track_wrap(struct strlist *out, struct strbuf *in, const struct track_root *r,
    const struct strlist *rsync)
{
	size_t i;

	strlist_push(out, "sh");
	strlist_push(out, "-c");
	strlist_push(out, wrap_script);
	strlist_push(out, "sh");
	strlist_pushf(out, "%zu", r->dirs.n);
	for (i = 0; i < r->dirs.n; i++)
		strlist_push(out, r->dirs.v[i]);
	for (i = 0; i < rsync->n; i++)
		strlist_push(out, rsync->v[i]);
	for (i = 0; i < r->list.n; i++)
		strbuf_add(in, r->list.v[i], strlen(r->list.v[i]) + 1);
}
