/* t-report.c: downtime windows, the text report, the HTML page, the preloaded journal. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "report.h"
#include "unit.h"

static struct journal_event
ev(const char *kind, double at)
{
	return (struct journal_event){ .step = "x", .kind = (char *)kind, .detail = "", .at = at };
}

static const struct dt_window *
find_window(const struct dt_window *w, size_t n, enum downtime_kind k, size_t nth)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i].kind == k && nth-- == 0)
			return &w[i];
	return NULL;
}

static void
test_windows(void)
{
	struct journal_event e[] = {
		ev(EV_FILES_START, 100), ev(EV_FILES_END, 103),
		ev(EV_FILES_START, 200), ev(EV_FILES_END, 204.5),	/* the retry counts */
		ev(EV_WEB_DOWN, 150), ev(EV_WEB_UP, 151), ev(EV_WEB_DOWN, 160), ev(EV_WEB_UP, 162),
		ev(EV_WEB_DOWN, 300),					/* still down */
		ev(EV_MAIL_START, 120),					/* no end yet */
	};
	struct dt_window *w;
	const struct dt_window *x;
	size_t n;

	CHECK_INT(report_windows(e, sizeof e / sizeof e[0], 400, &w, &n), 0);
	CHECK_INT(n, 5);
	x = find_window(w, n, DT_FILES, 0);
	CHECK(x && x->start == 200 && x->end == 204.5 && !x->open);
	CHECK(find_window(w, n, DT_FILES, 1) == NULL);
	x = find_window(w, n, DT_WEB, 1);
	CHECK(x && x->start == 160 && x->end == 162 && !x->open);
	x = find_window(w, n, DT_WEB, 2);
	CHECK(x && x->start == 300 && x->end == 400 && x->open);
	x = find_window(w, n, DT_MAIL, 0);
	CHECK(x && x->start == 120 && x->end == 400 && x->open);
	CHECK(find_window(w, n, DT_MUSH, 0) == NULL);
	free(w);
	CHECK_INT(report_windows(NULL, 0, 400, &w, &n), 0);
	CHECK_INT(n, 0);
}

static void
test_time_iso(void)
{
	char got[32], want[32];
	struct tm tm;
	time_t t;
	long long s;
	int bad = 0;

	/* leap days, year ends, 2100 (no leap day), against gmtime_r + strftime */
	for (s = 1; s < 4200000000LL; s += 86399 * 7 + 3607) {
		t = (time_t)s;
		gmtime_r(&t, &tm);
		strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
		format_time_iso(got, sizeof got, (double)s + 0.75);
		bad += strcmp(got, want) != 0;
	}
	CHECK_INT(bad, 0);
	format_time_iso(got, sizeof got, 951782400);	/* 2000-02-29 */
	CHECK_STR(got, "2000-02-29T00:00:00Z");
	format_time_iso(got, sizeof got, 0);
	CHECK_STR(got, "");
	format_time_iso(got, 10, 951782400);	/* too small: nothing, not a cut date */
	CHECK_STR(got, "");
}

static struct journal *
fixture(const char *dir, struct strbuf *path)
{
	struct journal *j = NULL;

	strbuf_addf(path, "%s/ferry.db", dir);
	if (journal_open(&j, path->buf, 1) < 0)
		return NULL;
	journal_step_set(j, "alice", "prep.1", STEP_RUNNING, NULL, NULL);
	journal_step_set(j, "alice", "prep.1", STEP_DONE, "uid 2001 <created> & \"ok\"", NULL);
	journal_step_set(j, "alice", "prep.2", STEP_RUNNING, NULL, NULL);
	journal_step_set(j, "alice", "prep.2", STEP_FAILED, "", "rsync exited 23");
	journal_event_add(j, "alice", "phase1.2", EV_FILES_START, 1000, "");
	journal_event_add(j, "alice", "phase1.3", EV_FILES_END, 1002.5, "");
	journal_event_add(j, "bob", "phase1.2", EV_FILES_START, 1000, "");
	return j;
}

static void
test_report(struct journal *j, int preloaded)
{
	struct host from = { .name = "charon" }, to = { .name = "neko<base>" };
	struct config cf = { .from = &from, .to = &to };
	struct account alice = { .name = "alice", .services = SVC_WEB | SVC_MAIL,
		.mail = MAIL_LOCAL };
	struct account bob = { .name = "bob", .services = SVC_MUSH };
	struct account *accts[] = { &alice, &bob };
	struct strbuf out = STRBUF_INIT;

	CHECK_INT(report_text(&out, j, accts, 2, now_seconds()), 0);
	CHECK(strstr(out.buf, "== alice (phase prep)\n") != NULL);
	CHECK(strstr(out.buf, "  prep.2         failed   ") != NULL);
	CHECK(strstr(out.buf, "rsync exited 23") != NULL);
	CHECK(strstr(out.buf, "  downtime: web 0.0s mail not measured files 2.5s\n") != NULL);
	CHECK(strstr(out.buf, "  downtime: mush not measured files not measured\n") != NULL);
	strbuf_reset(&out);
	CHECK_INT(report_html(&out, &cf, j, accts, 2, now_seconds()), 0);
	CHECK(strstr(out.buf, "<rect class=\"bar failed\" data-step=\"prep.2\"") != NULL);
	CHECK(strstr(out.buf, "<rect class=\"bar done\" data-step=\"prep.1\"") != NULL);
	CHECK(strstr(out.buf, "data-account=\"alice\" data-service=\"mail\"") != NULL);
	CHECK(strstr(out.buf, "data-account=\"bob\" data-service=\"mush\"") != NULL);
	CHECK(strstr(out.buf, "data-account=\"bob\" data-service=\"web\"") == NULL);
	CHECK(strstr(out.buf, "<rect class=\"downtime\" ") != NULL);		/* alice's files */
	CHECK(strstr(out.buf, "<rect class=\"downtime open\" ") != NULL);	/* bob's */
	CHECK(strstr(out.buf, "neko&lt;base&gt;") != NULL);
	CHECK(strstr(out.buf, "&lt;created&gt; &amp; &quot;ok&quot;") != NULL);
	CHECK(strstr(out.buf, "<created>") == NULL);
	CHECK(strstr(out.buf, "<tr class=\"failed\" data-account=\"alice\">") != NULL);
	CHECK(strstr(out.buf, "http") == NULL || strstr(out.buf, "http") ==
	    strstr(out.buf, "http://www.w3.org/2000/svg"));
	if (preloaded)
		CHECK(strstr(out.buf, "report made") != NULL);
	strbuf_release(&out);
}

/* a write after journal_preload is seen: the copy is dropped */
static void
test_preload(struct journal *j)
{
	struct step_record r;
	struct journal_event *e;
	size_t n;

	CHECK_INT(journal_preload(j), 0);
	CHECK_INT(journal_step_get(j, "alice", "prep.2", &r), 0);
	CHECK_INT(r.state, STEP_FAILED);
	CHECK_STR(r.error, "rsync exited 23");
	step_record_release(&r);
	CHECK_INT(journal_step_get(j, "alice", "prep.6", &r), 0);
	CHECK_INT(r.state, STEP_PENDING);
	CHECK_STR(r.detail, "");
	step_record_release(&r);
	CHECK_INT(journal_events(j, "alice", &e, &n), 0);
	CHECK_INT(n, 2);
	CHECK(n == 2 && e[1].at == 1002.5 && strcmp(e[1].kind, EV_FILES_END) == 0);
	journal_events_free(e, n);
	CHECK_INT(journal_events(j, "carol", &e, &n), 0);
	CHECK_INT(n, 0);
	test_report(j, 1);
	journal_step_set(j, "alice", "prep.2", STEP_DONE, "second try", NULL);
	CHECK_INT(journal_step_get(j, "alice", "prep.2", &r), 0);
	CHECK_INT(r.state, STEP_DONE);
	step_record_release(&r);
}

int
main(void)
{
	char dir[] = "/tmp/t-report-XXXXXX";
	struct strbuf path = STRBUF_INIT, cmd = STRBUF_INIT;
	struct journal *j;

	test_windows();
	test_time_iso();
	CHECK(mkdtemp(dir) != NULL);
	j = fixture(dir, &path);
	CHECK(j != NULL);
	if (j) {
		test_report(j, 0);
		test_preload(j);
		journal_close(j);
	}
	strbuf_addf(&cmd, "%s-wal", path.buf);
	unlink(cmd.buf);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s-shm", path.buf);
	unlink(cmd.buf);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s.lock", path.buf);
	unlink(cmd.buf);
	unlink(path.buf);
	rmdir(dir);
	strbuf_release(&path);
	strbuf_release(&cmd);
	UNIT_DONE("report");
}
