/*
 * svc-watch.c: done.1 and `ferry watch`.  Rather than holding a tail open
 * on each host, ferry notes each log's size, waits, and reads what was
 * appended: one round trip per host at each end, and a rotated log (smaller
 * than before) is read from its start.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edit.h"
#include "watch.h"

enum { LOG_ACCESS, LOG_MAIL, LOG_AUTH, LOG_ERROR, N_LOGS };

static const char sizes_script[] =
	"for f in \"$@\"; do if [ -r \"$f\" ]; then stat -c %s \"$f\"; else echo 0; fi; done";

/* prints, for each FILE OFFSET pair, a header and the bytes after OFFSET */
static const char tail_script[] =
	"while [ $# -ge 2 ]; do f=$1 o=$2; shift 2; echo \"==> $f\"; [ -r \"$f\" ] || continue; "
	"s=$(stat -c %s \"$f\"); [ \"$s\" -lt \"$o\" ] && o=0; tail -c +$((o + 1)) \"$f\"; done";

static void
host_logs(const struct host *h, const char **logs)
{
	logs[LOG_ACCESS] = h->apache_log;
	logs[LOG_MAIL] = h->mail_log;
	logs[LOG_AUTH] = h->auth_log;
	logs[LOG_ERROR] = h->apache_error_log;
}

static int
log_sizes(struct ferry *f, const struct host *h, long long *sizes)
{
	struct strbuf out = STRBUF_INIT;
	const char *logs[N_LOGS + 1];
	char *p, *end;
	int i, r;

	host_logs(h, logs);
	for (i = 0; i < N_LOGS; i++)
		if (logs[i] == NULL)
			logs[i] = "/dev/null";
	logs[N_LOGS] = NULL;
	r = remote_capture(&f->tr, h, (const char *const[]){ "sh", "-c", sizes_script, "sh", logs[0],
	    logs[1], logs[2], logs[3], NULL }, &out, NULL);
	for (i = 0, p = out.buf; i < N_LOGS; i++, p = end) {
		sizes[i] = strtoll(p, &end, 10);
		if (end == p)
			sizes[i] = 0;
	}
	strbuf_release(&out);
	return r == 0 ? 0 : error("%s: cannot read the size of its logs", h->name);
}

/* what was appended to each log since sizes: texts[i] */
static int
log_tails(struct ferry *f, const struct host *h, const long long *sizes, struct strbuf *texts)
{
	struct strlist argv = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT;
	const char *logs[N_LOGS];
	char *p, *next;
	int i, r;

	host_logs(h, logs);
	strlist_push(&argv, "sh");
	strlist_push(&argv, "-c");
	strlist_push(&argv, tail_script);
	strlist_push(&argv, "sh");
	for (i = 0; i < N_LOGS; i++) {
		strlist_push(&argv, logs[i] ? logs[i] : "/dev/null");
		strlist_pushf(&argv, "%lld", sizes[i]);
	}
	r = remote_capture(&f->tr, h, (const char *const *)argv.v, &out, NULL);
	p = strstr(out.buf, "==> ");
	for (i = 0; i < N_LOGS && p; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : out.buf + out.len;
		next = strstr(p, "==> ");
		strbuf_add(&texts[i], p, next ? (size_t)(next - p) : strlen(p));
		p = next;
	}
	strlist_clear(&argv);
	strbuf_release(&out);
	return r == 0 ? 0 : -1;
}

/* lines of text holding any of the needles */
static long
count_lines(const char *text, const struct strlist *needles, const char *also)
{
	const char *line = text, *nl;
	long n = 0;
	size_t i;

	for (; *line; line = nl + 1) {
		char *copy;

		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line) - 1;
		copy = xstrndup(line, (size_t)(nl - line + 1));
		for (i = 0; i < needles->n; i++)
			if (strstr(copy, needles->v[i]) && (also == NULL || strstr(copy, also))) {
				n++;
				break;
			}
		free(copy);
		if (nl[1] == '\0')
			break;
	}
	return n;
}

static void
count_account(const struct account *a, struct strbuf *old, struct strbuf *new,
    struct watch_counts *c)
{
	struct strlist names = STRLIST_INIT, doms = STRLIST_INIT, user = STRLIST_INIT;
	size_t i;

	for (i = 0; i < a->web.n; i++)
		strlist_push(&names, a->web.v[i]);
	strlist_pushf(&names, "/~%s", a->name);
	for (i = 0; i < a->domains.n; i++)
		strlist_pushf(&doms, "@%s", a->domains.v[i]);
	strlist_pushf(&user, " for %s from", a->name);
	c->old_requests = count_lines(old[LOG_ACCESS].buf, &names, NULL);
	c->old_deliveries = count_lines(old[LOG_MAIL].buf, &doms, NULL);
	c->old_logins = count_lines(old[LOG_AUTH].buf, &user, "Accepted");
	strlist_pushf(&names, "/%s/", a->name);
	c->new_web_errors = count_lines(new[LOG_ERROR].buf, &names, NULL);
	strlist_pushf(&doms, "<%s>", a->name);
	c->new_bounces = count_lines(new[LOG_MAIL].buf, &doms, "DSN") +
	    count_lines(new[LOG_MAIL].buf, &doms, "dsn=5");
	strlist_clear(&names);
	strlist_clear(&doms);
	strlist_clear(&user);
}

int
watch_logs(struct ferry *f, struct account **accts, size_t n, int seconds,
    struct watch_counts *counts)
{
	const struct host *old = f->cf->from, *new = f->cf->to;
	long long old_sz[N_LOGS], new_sz[N_LOGS];
	struct strbuf old_t[N_LOGS], new_t[N_LOGS];
	size_t i;
	int r = 0;

	if (log_sizes(f, old, old_sz) < 0 || log_sizes(f, new, new_sz) < 0)
		return -1;
	/* from here on a log line counts: said for whoever drives the hosts (tests) */
	verbose("watch: the ends of the logs noted on %s and %s", old->name, new->name);
	if (seconds > 0)
		sleep((unsigned)seconds);
	for (i = 0; i < N_LOGS; i++) {
		strbuf_init(&old_t[i]);
		strbuf_init(&new_t[i]);
	}
	if (log_tails(f, old, old_sz, old_t) < 0 || log_tails(f, new, new_sz, new_t) < 0)
		r = error("cannot read the logs");
	for (i = 0; r == 0 && i < n; i++)
		count_account(accts[i], old_t, new_t, &counts[i]);
	for (i = 0; i < N_LOGS; i++) {
		strbuf_release(&old_t[i]);
		strbuf_release(&new_t[i]);
	}
	return r;
}

void
watch_describe(struct strbuf *sb, const struct watch_counts *c)
{
	strbuf_addf(sb, "old host: %ld web requests, %ld mail deliveries, %ld logins; "
	    "new host: %ld web errors, %ld bounces", c->old_requests, c->old_deliveries,
	    c->old_logins, c->new_web_errors, c->new_bounces);
}

static int
watch_probe(struct step_ctx *ctx)
{
	strbuf_addf(&ctx->diff, "follow the logs of %s and %s for %d s\n", ctx->f->cf->from->name,
	    ctx->f->cf->to->name, ctx->f->cf->watch_seconds);
	return PROBE_TODO;
}

static int
watch_apply(struct step_ctx *ctx)
{
	struct watch_counts c;

	memset(&c, 0, sizeof c);
	if (watch_logs(ctx->f, &ctx->a, 1, ctx->f->cf->watch_seconds, &c) < 0)
		return step_error(ctx, "cannot watch the logs");
	strbuf_addf(&ctx->detail, "watched %d s: ", ctx->f->cf->watch_seconds);
	watch_describe(&ctx->detail, &c);
	return 0;
}

static const struct step_ops watch_steps[] = {
	{ "done.1", watch_probe, watch_apply, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct service svc_watch = { .name = "watch", .steps = watch_steps };
