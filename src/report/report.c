/* report.c: the text report and the downtime windows both forms draw from. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "report.h"

static const struct {
	const char *start, *end;
} window_events[DT_COUNT] = {
	[DT_WEB] = { EV_WEB_DOWN, EV_WEB_UP },
	[DT_MAIL] = { EV_MAIL_START, EV_MAIL_END },
	[DT_MUSH] = { EV_MUSH_START, EV_MUSH_END },
	[DT_FILES] = { EV_FILES_START, EV_FILES_END },
};

static void
push_window(struct dt_window **v, size_t *n, enum downtime_kind k, double s, double e,
    int open)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = (struct dt_window){ .kind = k, .start = s, .end = e, .open = open };
}

/* as downtime.c's one_window: the last attempt is the one that counts */
static void
last_window(const struct journal_event *ev, size_t n, enum downtime_kind k, double now,
    struct dt_window **v, size_t *nv)
{
	double s = -1, e = -1;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ev[i].kind, window_events[k].start) == 0) {
			s = ev[i].at;
			e = -1;
		} else if (strcmp(ev[i].kind, window_events[k].end) == 0 && s >= 0 &&
		    ev[i].at >= s) {
			e = ev[i].at;
		}
	if (s >= 0)
		push_window(v, nv, k, s, e >= 0 ? e : now, e < 0);
}

/* as downtime.c's web_windows: every closed down..up pair, and an open one */
static void
web_windows(const struct journal_event *ev, size_t n, double now, struct dt_window **v,
    size_t *nv)
{
	double down = -1;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ev[i].kind, EV_WEB_DOWN) == 0 && down < 0) {
			down = ev[i].at;
		} else if (strcmp(ev[i].kind, EV_WEB_UP) == 0 && down >= 0) {
			push_window(v, nv, DT_WEB, down, ev[i].at, 0);
			down = -1;
		}
	if (down >= 0)
		push_window(v, nv, DT_WEB, down, now, 1);
}

int
report_windows(const struct journal_event *ev, size_t n, double now,
    struct dt_window **out, size_t *n_out)
{
	int k;

	*out = NULL;
	*n_out = 0;
	for (k = 0; k < DT_COUNT; k++) {
		if (k == DT_WEB)
			web_windows(ev, n, now, out, n_out);
		else
			last_window(ev, n, k, now, out, n_out);
	}
	return 0;
}

static void
add_duration(struct strbuf *sb, double secs)
{
	if (secs < 0)
		strbuf_addf(sb, "%9s", "-");
	else if (secs < 600)
		strbuf_addf(sb, "%8.1fs", secs);
	else
		strbuf_addf(sb, "%5dm%02ds", (int)(secs / 60), (int)secs % 60);
}

static double
step_duration(const struct step_view *v, double now)
{
	if (v->rec.started <= 0)
		return -1;
	if (v->rec.finished >= v->rec.started)
		return v->rec.finished - v->rec.started;
	return v->rec.state == STEP_RUNNING ? now - v->rec.started : -1;
}

static void
text_step(struct strbuf *out, const struct step_view *v, double now)
{
	char when[32];
	const char *why = v->rec.error ? v->rec.error : v->rec.detail;

	format_time_iso(when, sizeof when, v->rec.started);
	strbuf_addf(out, "  %-14s %-8s %-20s ", v->def->id, step_state_name(v->rec.state),
	    when[0] ? when : "-");
	add_duration(out, step_duration(v, now));
	if (why && *why)
		strbuf_addf(out, "  %.60s", why);
	strbuf_addch(out, '\n');
}

static void
text_downtime(struct strbuf *out, const struct account *a, const double dt[DT_COUNT])
{
	int k;

	strbuf_addstr(out, "  downtime:");
	for (k = 0; k < DT_COUNT; k++) {
		if (!downtime_applies(k, a))
			continue;
		strbuf_addf(out, " %s ", downtime_name(k));
		if (dt[k] < 0)
			strbuf_addstr(out, "not measured");
		else
			strbuf_addf(out, "%.1fs", dt[k]);
	}
	strbuf_addch(out, '\n');
}

/* records at the old host that a cut-over step left there, as dns-leave asked */
static void
text_dns_left(struct strbuf *out, struct journal *j, const struct account *a)
{
	struct strbuf names = STRBUF_INIT;

	if (journal_kv_get(j, a->name, "dns.left", &names) == 1 && names.len)
		strbuf_addf(out, "  dns: left at the old host (dns-leave): %s\n", names.buf);
	strbuf_release(&names);
}

static int
text_account(struct strbuf *out, struct journal *j, const struct account *a, double now)
{
	struct step_view *v;
	double dt[DT_COUNT];
	size_t n, i;

	if (status_steps(j, a, &v, &n) < 0 || downtime_account(j, a, dt) < 0)
		return -1;
	strbuf_addf(out, "== %s (phase %s)\n", a->name, status_phase(v, n));
	strbuf_addf(out, "  %-14s %-8s %-20s %9s\n", "step", "state", "start", "duration");
	for (i = 0; i < n; i++)
		text_step(out, &v[i], now);
	text_downtime(out, a, dt);
	text_dns_left(out, j, a);
	status_steps_free(v, n);
	return 0;
}

int
report_text(struct strbuf *out, struct journal *j, struct account *const *accts, size_t n,
    double now)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, '\n');
		if (text_account(out, j, accts[i], now) < 0)
			return -1;
	}
	return 0;
}

void
strbuf_add_html(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		case '\'': strbuf_addstr(sb, "&#39;"); break;
		default: strbuf_addch(sb, *s);
		}
}
