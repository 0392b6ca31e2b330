/*
 * report-html.c: the report as one self-contained page.  Nothing is
 * fetched (no fonts, scripts or images from elsewhere), so the page can be
 * mailed or opened on a machine without network.  Every name and detail
 * from the journal or the config goes through strbuf_add_html().
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "report.h"

#define LABEL_W		170	/* lane names left of the plot */
#define PLOT_W		900
#define LANE_H		20
#define LANE_GAP	4
#define ACCT_GAP	10
#define AXIS_H		24
#define MIN_BAR_W	2.0	/* an instant step still shows */

enum lane_kind { LANE_FILES = 0, LANE_WEB, LANE_MAIL, LANE_MUSH, LANE_COUNT };

static const struct {
	const char *name;
	unsigned svc;
	enum downtime_kind dt;
} lanes[LANE_COUNT] = {
	[LANE_FILES] = { "files", 0, DT_FILES },
	[LANE_WEB] = { "web", SVC_WEB, DT_WEB },
	[LANE_MAIL] = { "mail", SVC_MAIL, DT_MAIL },
	[LANE_MUSH] = { "mush", SVC_MUSH, DT_MUSH },
};

/* one account's facts, read once and drawn twice (summary and timeline) */
struct acct_view {
	const struct account *a;
	struct step_view *steps;
	size_t n_steps;
	struct dt_window *win;
	size_t n_win;
	double dt[DT_COUNT];
};

struct scale {
	double t0, t1, px;	/* px per second */
};

static const char page_css[] =
	"body{font:14px/1.4 sans-serif;margin:24px;color:#222;background:#fff}"
	"h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}"
	".meta{color:#666;margin:0 0 16px}"
	"table.summary{border-collapse:collapse}"
	".summary th,.summary td{border:1px solid #ccc;padding:3px 10px;text-align:left}"
	".summary th{background:#f0f0f0}.summary td.num{text-align:right}"
	".summary tr.failed td{background:#fde8e8}"
	"svg text{font:12px sans-serif;fill:#222}"
	"svg .tick{stroke:#ddd}svg .axis text{fill:#666;font-size:11px}"
	".lane-bg{fill:#f6f6f6}"
	".bar{stroke:#fff;stroke-width:.5}"
	".bar.done{fill:#3a7bd5}.bar.skipped{fill:#b0b8c4}.bar.running{fill:#f0a030}"
	".bar.waiting{fill:#d8c060}.bar.pending{fill:#ccc}.bar.failed{fill:#d62728}"
	".downtime{fill:#ff9800;fill-opacity:.55;stroke:#e65100;stroke-dasharray:3 2}"
	".downtime.open{fill:#d62728}"
	"svg text.barlabel{fill:#fff;font-size:9px}"
	".legend span{display:inline-block;margin-right:14px}"
	".legend i{display:inline-block;width:12px;height:12px;margin-right:4px;"
	"vertical-align:-2px}";

static int
lane_applies(enum lane_kind l, const struct account *a)
{
	return lanes[l].svc == 0 || (a->services & lanes[l].svc) != 0;
}

/* [All] steps go to the files lane, others to each of their services the account has */
static int
step_in_lane(const struct step_def *d, enum lane_kind l)
{
	if (d->services == 0)
		return l == LANE_FILES;
	return lanes[l].svc != 0 && (d->services & lanes[l].svc) != 0;
}

static int
acct_view_load(struct acct_view *v, struct journal *j, const struct account *a, double now)
{
	struct journal_event *ev = NULL;
	size_t n = 0;

	memset(v, 0, sizeof *v);
	v->a = a;
	if (status_steps(j, a, &v->steps, &v->n_steps) < 0)
		return -1;
	if (downtime_account(j, a, v->dt) < 0)
		return -1;
	if (j && journal_events(j, a->name, &ev, &n) < 0)
		return -1;
	report_windows(ev, n, now, &v->win, &v->n_win);
	journal_events_free(ev, n);
	return 0;
}

static void
acct_view_free(struct acct_view *v)
{
	status_steps_free(v->steps, v->n_steps);
	free(v->win);
}

static double
step_end(const struct step_view *s, double now)
{
	if (s->rec.finished >= s->rec.started)
		return s->rec.finished;
	return s->rec.state == STEP_RUNNING ? now : s->rec.started;
}

static void
widen(struct scale *sc, double a, double b)
{
	if (sc->t0 <= 0 || a < sc->t0)
		sc->t0 = a;
	if (b > sc->t1)
		sc->t1 = b;
}

static void
scale_of(struct scale *sc, const struct acct_view *v, size_t n, double now)
{
	size_t i, k;

	memset(sc, 0, sizeof *sc);
	for (i = 0; i < n; i++) {
		for (k = 0; k < v[i].n_steps; k++)
			if (v[i].steps[k].rec.started > 0)
				widen(sc, v[i].steps[k].rec.started, step_end(&v[i].steps[k], now));
		for (k = 0; k < v[i].n_win; k++)
			widen(sc, v[i].win[k].start, v[i].win[k].end);
	}
	if (sc->t1 - sc->t0 < 1)
		sc->t1 = sc->t0 + 1;
	sc->px = PLOT_W / (sc->t1 - sc->t0);
}

static double
x_of(const struct scale *sc, double t)
{
	return LABEL_W + (t - sc->t0) * sc->px;
}

static void
add_seconds(struct strbuf *sb, double s)
{
	if (s < 0)
		strbuf_addstr(sb, "&ndash;");
	else if (s < 120)
		strbuf_addf(sb, "%.1f s", s);
	else
		strbuf_addf(sb, "%dm %02ds", (int)(s / 60), (int)s % 60);
}

static void
summary_row(struct strbuf *o, const struct acct_view *v)
{
	size_t i, done = 0, failed = 0;
	int k;

	for (i = 0; i < v->n_steps; i++) {
		done += v->steps[i].rec.state == STEP_DONE || v->steps[i].rec.state == STEP_SKIPPED;
		failed += v->steps[i].rec.state == STEP_FAILED;
	}
	strbuf_addf(o, "<tr class=\"%s\" data-account=\"", failed ? "failed" : "ok");
	strbuf_add_html(o, v->a->name);
	strbuf_addstr(o, "\"><td>");
	strbuf_add_html(o, v->a->name);
	strbuf_addstr(o, "</td><td>files");
	for (k = LANE_WEB; k < LANE_COUNT; k++)
		if (lane_applies(k, v->a))
			strbuf_addf(o, " %s", lanes[k].name);
	strbuf_addf(o, "</td><td>%s</td><td class=\"num\">%zu / %zu</td><td class=\"num\">%zu</td>",
	    status_phase(v->steps, v->n_steps), done, v->n_steps, failed);
	for (k = 0; k < DT_COUNT; k++) {
		strbuf_addstr(o, "<td class=\"num\">");
		if (downtime_applies(k, v->a))
			add_seconds(o, v->dt[k]);
		strbuf_addstr(o, "</td>");
	}
	strbuf_addstr(o, "</tr>\n");
}

static void
summary(struct strbuf *o, const struct acct_view *v, size_t n)
{
	size_t i;
	int k;

	strbuf_addstr(o, "<h2>Summary</h2>\n<table class=\"summary\" id=\"summary\"><tr>"
	    "<th>account</th><th>services</th><th>phase</th><th>steps done</th><th>failed</th>");
	for (k = 0; k < DT_COUNT; k++)
		strbuf_addf(o, "<th>%s down</th>", downtime_name(k));
	strbuf_addstr(o, "</tr>\n");
	for (i = 0; i < n; i++)
		summary_row(o, &v[i]);
	strbuf_addstr(o, "</table>\n");
}

/* about ten ticks at a round interval */
static double
tick_step(double span)
{
	static const double steps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
		3600, 7200, 21600, 43200, 86400 };
	size_t i;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (span / steps[i] <= 10)
			return steps[i];
	return 86400 * 7;
}

static void
axis(struct strbuf *o, const struct scale *sc, int height)
{
	double step = tick_step(sc->t1 - sc->t0), t;
	double x;

	strbuf_addstr(o, "<g class=\"axis\">");
	for (t = 0; sc->t0 + t <= sc->t1 + 1e-9; t += step) {
		x = x_of(sc, sc->t0 + t);
		strbuf_addf(o, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>",
		    x, AXIS_H - 6, x, height);
		if (step < 60)
			strbuf_addf(o, "<text x=\"%.1f\" y=\"14\">+%.0fs</text>", x - 8, t);
		else
			strbuf_addf(o, "<text x=\"%.1f\" y=\"14\">+%.0fm</text>", x - 8, t / 60);
	}
	strbuf_addstr(o, "</g>\n");
}

static void
bar(struct strbuf *o, const struct scale *sc, const struct step_view *s, double now)
{
	double x = x_of(sc, s->rec.started), w = (step_end(s, now) - s->rec.started) * sc->px;
	const char *why = s->rec.error ? s->rec.error : s->rec.detail;

	if (w < MIN_BAR_W)
		w = MIN_BAR_W;
	strbuf_addf(o, "<rect class=\"bar %s\" data-step=\"%s\" x=\"%.1f\" y=\"4\" "
	    "width=\"%.1f\" height=\"%d\"><title>%s %s, %.1f s",
	    step_state_name(s->rec.state), s->def->id, x, w, LANE_H - 8, s->def->id,
	    step_state_name(s->rec.state), step_end(s, now) - s->rec.started);
	if (why && *why) {
		strbuf_addstr(o, ": ");
		strbuf_add_html(o, why);
	}
	strbuf_addstr(o, "</title></rect>");
	if (w > 7.0 * strlen(s->def->id))
		strbuf_addf(o, "<text class=\"barlabel\" x=\"%.1f\" y=\"13\">%s</text>", x + 3,
		    s->def->id);
}

static void
window_rect(struct strbuf *o, const struct scale *sc, const struct dt_window *w)
{
	double x = x_of(sc, w->start), wd = (w->end - w->start) * sc->px;

	if (wd < MIN_BAR_W)
		wd = MIN_BAR_W;
	strbuf_addf(o, "<rect class=\"downtime%s\" x=\"%.1f\" y=\"-2\" width=\"%.1f\" "
	    "height=\"%d\"><title>%s downtime %.1f s%s</title></rect>",
	    w->open ? " open" : "", x, wd, LANE_H + 4, downtime_name(w->kind),
	    w->end - w->start, w->open ? " (still open)" : "");
}

static void
lane(struct strbuf *o, const struct scale *sc, const struct acct_view *v, enum lane_kind l,
    int y, double now)
{
	size_t i;

	strbuf_addstr(o, "<g class=\"lane\" data-account=\"");
	strbuf_add_html(o, v->a->name);
	strbuf_addf(o, "\" data-service=\"%s\" transform=\"translate(0,%d)\">", lanes[l].name, y);
	strbuf_addstr(o, "<text x=\"0\" y=\"14\">");
	strbuf_add_html(o, v->a->name);
	strbuf_addf(o, " &#183; %s</text>", lanes[l].name);
	strbuf_addf(o, "<rect class=\"lane-bg\" x=\"%d\" y=\"0\" width=\"%d\" height=\"%d\"/>",
	    LABEL_W, PLOT_W, LANE_H);
	/* windows behind the bars: the steps that made them stay readable */
	for (i = 0; i < v->n_win; i++)
		if (v->win[i].kind == lanes[l].dt)
			window_rect(o, sc, &v->win[i]);
	for (i = 0; i < v->n_steps; i++)
		if (v->steps[i].rec.started > 0 && step_in_lane(v->steps[i].def, l))
			bar(o, sc, &v->steps[i], now);
	strbuf_addstr(o, "</g>\n");
}

static int
timeline_height(const struct acct_view *v, size_t n)
{
	int h = AXIS_H, l;
	size_t i;

	for (i = 0; i < n; i++) {
		for (l = 0; l < LANE_COUNT; l++)
			if (lane_applies(l, v[i].a))
				h += LANE_H + LANE_GAP;
		h += ACCT_GAP;
	}
	return h;
}

static void
timeline(struct strbuf *o, const struct acct_view *v, size_t n, double now)
{
	struct scale sc;
	int y = AXIS_H, h = timeline_height(v, n), l;
	size_t i;

	scale_of(&sc, v, n, now);
	strbuf_addf(o, "<h2>Timeline</h2>\n<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", LABEL_W + PLOT_W + 20, h,
	    LABEL_W + PLOT_W + 20, h);
	axis(o, &sc, h);
	for (i = 0; i < n; i++) {
		for (l = 0; l < LANE_COUNT; l++)
			if (lane_applies(l, v[i].a)) {
				lane(o, &sc, &v[i], l, y, now);
				y += LANE_H + LANE_GAP;
			}
		y += ACCT_GAP;
	}
	strbuf_addstr(o, "</svg>\n");
}

static void
legend(struct strbuf *o)
{
	static const char *const items[][2] = {
		{ "#3a7bd5", "done" }, { "#b0b8c4", "skipped" }, { "#f0a030", "running" },
		{ "#d8c060", "waiting" }, { "#d62728", "failed" },
		{ "rgba(255,152,0,.55)", "downtime window" },
	};
	size_t i;

	strbuf_addstr(o, "<p class=\"legend\">");
	for (i = 0; i < sizeof items / sizeof items[0]; i++)
		strbuf_addf(o, "<span><i style=\"background:%s\"></i>%s</span>", items[i][0],
		    items[i][1]);
	strbuf_addstr(o, "</p>\n");
}

static void
header(struct strbuf *o, const struct config *cf, size_t n, double now)
{
	char when[32];

	format_time_iso(when, sizeof when, now);
	strbuf_addstr(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>ferry report: ");
	strbuf_add_html(o, cf->from->name);
	strbuf_addstr(o, " to ");
	strbuf_add_html(o, cf->to->name);
	strbuf_addf(o, "</title>\n<style>%s</style></head>\n<body>\n<h1>ferry: ", page_css);
	strbuf_add_html(o, cf->from->name);
	strbuf_addstr(o, " &#8594; ");
	strbuf_add_html(o, cf->to->name);
	strbuf_addf(o, "</h1>\n<p class=\"meta\">%zu account%s, report made %s. Downtime is what "
	    "ferry measured from its journal's events.</p>\n", n, n == 1 ? "" : "s", when);
}

int
report_html(struct strbuf *out, const struct config *cf, struct journal *j,
    struct account *const *accts, size_t n, double now)
{
	struct acct_view *v = xcalloc(n ? n : 1, sizeof *v);
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = acct_view_load(&v[i], j, accts[i], now);
	if (rc == 0) {
		header(out, cf, n, now);
		summary(out, v, n);
		timeline(out, v, n, now);
		legend(out);
		strbuf_addstr(out, "</body></html>\n");
	}
	while (i-- > 0)
		acct_view_free(&v[i]);
	free(v);
	return rc;
}
