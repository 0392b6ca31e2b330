/*
 * web-watch.c: a fetch loop in a child process around the steps that can
 * take the site away (web-watch.h).  The child only fetches and writes
 * lines to a pipe; the parent journals them, so the journal's SQLite
 * handle is never used on both sides of the fork.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "edit.h"
#include "probe.h"
#include "web-priv.h"
#include "web-watch.h"

int
web_watch_wanted(const struct step_def *d, const struct account *a)
{
	if ((a->services & SVC_WEB) == 0 || a->web.n == 0)
		return 0;
	return d->phase == PHASE_2 || strcmp(d->id, "done.tidy") == 0;
}

/* ---- the child ---- */

struct watch_site {
	const char *name;
	int port;		/* 443: https, SNI name, certificate verified */
	struct strbuf ref;	/* the page as first served (the old host is asked first) */
	int have_ref;
};

static int
served_by(struct watch_site *s, const char *addr, const char *path)
{
	struct http_response r;
	int ok = 0;

	if (http_fetch_ms(s->name, addr, s->port, path, WEB_WATCH_FETCH_MS, &r, NULL) == 0 &&
	    r.status == 200) {
		if (!s->have_ref) {
			strbuf_add(&s->ref, r.body.buf, r.body.len);
			s->have_ref = 1;
		}
		ok = r.body.len == s->ref.len && memcmp(r.body.buf, s->ref.buf, r.body.len) == 0;
	}
	http_response_release(&r);
	return ok;
}

/* the first name that neither host serves, or NULL */
static const char *
round_down(struct watch_site *s, size_t n, const char *old, const char *new,
    const char *path)
{
	const char *down = NULL;
	size_t i;

	for (i = 0; i < n && !down; i++) {
		if (served_by(&s[i], old, path) || served_by(&s[i], new, path))
			continue;
		/* one more try of each: a fetch that outlived its time on a loaded
		   machine is not an outage, and a real one fails again at once */
		if (served_by(&s[i], old, path) || served_by(&s[i], new, path))
			continue;
		down = s[i].name;
	}
	return down;
}

/* rounds every interval until the parent writes or goes away, then one last round */
static void
watch_child(const struct account *a, const char *old, const char *new, int port, int ctl,
    int out)
{
	struct watch_site *s = xcalloc(a->web.n, sizeof *s);
	const char *path = a->web_check.n ? a->web_check.v[0] : "/";
	struct pollfd p = { .fd = ctl, .events = POLLIN };
	unsigned rounds = 0;
	int down = 0, stop = 0;
	size_t i;

	for (i = 0; i < a->web.n; i++) {
		s[i].name = a->web.v[i];
		s[i].port = port;
		strbuf_init(&s[i].ref);
	}
	for (;;) {
		double t = now_seconds();
		const char *name = round_down(s, a->web.n, old, new, path);
		long wait;

		rounds++;
		if (name && !down)
			dprintf(out, "down %.3f %s\n", t, name);
		else if (!name && down)
			dprintf(out, "up %.3f\n", t);
		down = name != NULL;
		if (stop)
			break;
		wait = WEB_WATCH_INTERVAL_MS - (long)((now_seconds() - t) * 1000);
		stop = poll(&p, 1, wait > 0 ? (int)wait : 0) != 0;
	}
	dprintf(out, "rounds %u\n", rounds);
	_exit(0);
}

/* ---- the parent ---- */

void
web_watch_start(struct step_ctx *ctx, struct web_watch *w)
{
	int ctl[2], out[2];

	int port = web_port(ctx);	/* asked before the fork: the child has no journal */

	memset(w, 0, sizeof *w);
	w->ctl = w->out = -1;
	if (pipe2(ctl, O_CLOEXEC) < 0)
		goto fail;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(ctl[0]);
		close(ctl[1]);
		goto fail;
	}
	fflush(stdout);
	fflush(stderr);
	if ((w->pid = fork()) == 0) {
		close(ctl[1]);
		close(out[0]);
		forked_helper_forget_locks(ctx->f);
		watch_child(ctx->a, ctx->f->cf->from->address, ctx->f->cf->to->address, port,
		    ctl[0], out[1]);
	}
	close(ctl[0]);
	close(out[1]);
	if (w->pid > 0) {
		w->ctl = ctl[1];
		w->out = out[0];
		return;
	}
	close(ctl[1]);
	close(out[0]);
fail:
	w->pid = 0;
	warn("%s: %s: web downtime not measured during this step", ctx->a->name,
	    ctx->def->id);
}

static void
read_all(int fd, struct strbuf *sb)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			strbuf_add(sb, buf, (size_t)n);
}

static int
journal_report(struct step_ctx *ctx, const struct web_watch_report *r)
{
	struct strbuf detail = STRBUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < r->n && rc == 0; i++) {
		strbuf_reset(&detail);
		if (i % 2 == 0)
			strbuf_addf(&detail, "%s served by neither host", r->names.v[i / 2]);
		rc = journal_event_add(ctx->f->j, ctx->a->name, ctx->def->id,
		    i % 2 == 0 ? EV_WEB_DOWN : EV_WEB_UP, r->at[i], detail.buf);
	}
	strbuf_release(&detail);
	return rc;
}

double
web_watch_stop(struct step_ctx *ctx, struct web_watch *w)
{
	struct strbuf text = STRBUF_INIT;
	struct web_watch_report r;
	double down = -1;

	if (w->pid <= 0)
		return 0;
	if (write(w->ctl, "x", 1) < 0)
		debug("web watch: %s", strerror(errno));
	close(w->ctl);
	read_all(w->out, &text);
	close(w->out);
	waitpid(w->pid, NULL, 0);
	w->pid = 0;
	if (web_watch_parse(text.buf, &r) < 0)
		error("%s: %s: web watch: unreadable report", ctx->a->name, ctx->def->id);
	else if (ctx->f->j == NULL || journal_report(ctx, &r) == 0) {
		w->rounds = r.rounds;
		down = web_watch_seconds(&r);
		if (down < 0)
			warn("%s: %s: the site is still served by neither host", ctx->a->name,
			    ctx->def->id);
		verbose("%s: %s: web watched in %u rounds, %.1f s down", ctx->a->name,
		    ctx->def->id, r.rounds, down);
	}
	web_watch_report_release(&r);
	strbuf_release(&text);
	return down;
}

/* ---- the report ---- */

static int
parse_line(const char *line, struct web_watch_report *r, size_t *alloc)
{
	const char *num;
	char *end;
	double at;
	int down = strncmp(line, "down ", 5) == 0;

	if (strncmp(line, "rounds ", 7) == 0) {
		r->rounds = (unsigned)strtoul(line + 7, &end, 10);
		return *end == '\0' ? 0 : -1;
	}
	if (!down && strncmp(line, "up ", 3) != 0)
		return -1;
	num = line + (down ? 5 : 3);
	at = strtod(num, &end);
	/* times are the child's clock: finite, and never going back ("nan",
	   "inf" or a step back would make the downtime a lie) */
	if (end == num || !isfinite(at) || at <= 0 || (r->n && at < r->at[r->n - 1]) ||
	    (int)(r->n % 2) != !down)
		return -1;
	if (down ? *end != ' ' || end[1] == '\0' : *end != '\0')
		return -1;
	if (r->n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 8;
		r->at = xrealloc(r->at, *alloc * sizeof *r->at);
	}
	r->at[r->n++] = at;
	if (down)
		strlist_push(&r->names, end + 1);
	return 0;
}

int
web_watch_parse(const char *text, struct web_watch_report *r)
{
	struct strbuf line = STRBUF_INIT;
	size_t alloc = 0;
	const char *p = text, *nl;
	int rc = 0;

	memset(r, 0, sizeof *r);
	while (rc == 0 && *p) {
		nl = strchr(p, '\n');
		strbuf_reset(&line);
		strbuf_add(&line, p, nl ? (size_t)(nl - p) : strlen(p));
		rc = parse_line(line.buf, r, &alloc);
		p = nl ? nl + 1 : p + strlen(p);
	}
	strbuf_release(&line);
	return rc;
}

void
web_watch_report_release(struct web_watch_report *r)
{
	free(r->at);
	strlist_clear(&r->names);
	memset(r, 0, sizeof *r);
}

double
web_watch_seconds(const struct web_watch_report *r)
{
	double total = 0;
	size_t i;

	if (r->n % 2)
		return -1;
	for (i = 0; i + 1 < r->n; i += 2)
		total += r->at[i + 1] - r->at[i];
	return total;
}

static void *
watch_begin(struct step_ctx *ctx)
{
	struct web_watch *w = xcalloc(1, sizeof *w);

	web_watch_start(ctx, w);
	return w;
}

static void
watch_end(struct step_ctx *ctx, void *state)
{
	web_watch_stop(ctx, state);
	free(state);
}

const struct step_hook web_watch_hook = { web_watch_wanted, watch_begin, watch_end };
