/* status.c: where each account stands, in text and in CONTRACT.md's JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "downtime.h"
#include "log.h"
#include "status.h"

static void
read_gate(struct journal *j, const struct account *a, struct step_view *v)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	char *end;
	double t;

	strbuf_addf(&key, GATE_KEY_PREFIX "%s", v->def->id);
	if (journal_kv_get(j, a->name, key.buf, &val) == 1) {
		t = strtod(val.buf, &end);
		if (end != val.buf && *end == '\0' && t > 0)
			v->gate = t;
	}
	strbuf_release(&key);
	strbuf_release(&val);
}

/* the journal's row wins; a pending (or absent) row yields to the config's skip */
static int
view_step(struct journal *j, const struct account *a, struct step_view *v)
{
	const char *skip = step_config_skip(v->def, a);

	/* lent from the preloaded journal: no copy of 200,000 strings at 10,000 accounts */
	if (j && journal_step_peek(j, a->name, v->def->id, &v->rec) == 1)
		v->lent = 1;
	else if (j && journal_step_get(j, a->name, v->def->id, &v->rec) < 0)
		return -1;
	if (!j)
		v->rec.detail = xstrdup("");
	if (v->rec.state == STEP_PENDING && skip) {
		v->rec.state = STEP_SKIPPED;
		if (v->lent) {
			v->rec.error = v->rec.error ? xstrdup(v->rec.error) : NULL;
			v->lent = 0;
		} else
			free(v->rec.detail);
		v->rec.detail = xstrdup(skip);
	}
	if (j && v->rec.state == STEP_WAITING)
		read_gate(j, a, v);
	return 0;
}

int
status_steps(struct journal *j, const struct account *a, struct step_view **out, size_t *n)
{
	struct step_view *v = xcalloc(step_catalogue_len, sizeof *v);
	size_t i;

	*n = 0;
	for (i = 0; i < step_catalogue_len; i++) {
		if (!step_applies(&step_catalogue[i], a))
			continue;
		v[*n].def = &step_catalogue[i];
		if (view_step(j, a, &v[*n]) < 0) {
			status_steps_free(v, *n);
			*out = NULL;
			*n = 0;
			return -1;
		}
		(*n)++;
	}
	*out = v;
	return 0;
}

void
status_steps_free(struct step_view *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!v[i].lent)
			step_record_release(&v[i].rec);
	free(v);
}

const char *
status_phase(const struct step_view *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].rec.state != STEP_DONE && v[i].rec.state != STEP_SKIPPED)
			return phase_name(v[i].def->phase);
	return phase_name(PHASE_DONE);
}

static void
json_time(struct strbuf *sb, double t)
{
	char buf[32];

	format_time_iso(buf, sizeof buf, t);
	if (buf[0])
		strbuf_add_json(sb, buf);
	else
		strbuf_addstr(sb, "null");
}

static void
json_services(struct strbuf *sb, const struct account *a)
{
	static const struct { unsigned bit; const char *name; } svcs[] = {
		{ SVC_WEB, "web" }, { SVC_MAIL, "mail" }, { SVC_MUSH, "mush" },
	};
	const char *sep = "";
	size_t i;

	strbuf_addch(sb, '[');
	for (i = 0; i < sizeof svcs / sizeof svcs[0]; i++)
		if (a->services & svcs[i].bit) {
			strbuf_addf(sb, "%s\"%s\"", sep, svcs[i].name);
			sep = ", ";
		}
	strbuf_addch(sb, ']');
}

static void
json_step(struct strbuf *sb, const struct step_view *v)
{
	strbuf_addstr(sb, "{\"id\": ");
	strbuf_add_json(sb, v->def->id);
	strbuf_addstr(sb, ", \"state\": ");
	strbuf_add_json(sb, step_state_name(v->rec.state));
	strbuf_addstr(sb, ", \"started\": ");
	json_time(sb, v->rec.started);
	strbuf_addstr(sb, ", \"finished\": ");
	json_time(sb, v->rec.finished);
	strbuf_addstr(sb, ", \"detail\": ");
	strbuf_add_json(sb, v->rec.detail);
	strbuf_addch(sb, '}');
}

static int
json_account(struct strbuf *sb, struct journal *j, const struct account *a)
{
	struct step_view *v;
	double dt[DT_COUNT];
	size_t i, n;

	if (downtime_account(j, a, dt) < 0 || status_steps(j, a, &v, &n) < 0)
		return -1;
	strbuf_addstr(sb, "{\"name\": ");
	strbuf_add_json(sb, a->name);
	strbuf_addstr(sb, ", \"services\": ");
	json_services(sb, a);
	strbuf_addstr(sb, ", \"phase\": ");
	strbuf_add_json(sb, status_phase(v, n));
	strbuf_addstr(sb, ",\n   \"steps\": [");
	for (i = 0; i < n; i++) {
		strbuf_addstr(sb, i ? ",\n             " : "");
		json_step(sb, &v[i]);
	}
	strbuf_addstr(sb, "],\n   \"downtime\": ");
	downtime_json(sb, dt);
	strbuf_addch(sb, '}');
	status_steps_free(v, n);
	return 0;
}

/* with fp, what is built goes out in 64 KB pieces: 20 MB at 10,000 accounts */
static void
spill(struct strbuf *out, FILE *fp)
{
	if (fp && out->len >= 65536) {
		fwrite(out->buf, 1, out->len, fp);
		strbuf_reset(out);
	}
}

static int
json_all(struct strbuf *out, FILE *fp, const struct config *cf, struct journal *j,
    struct account *const *accts, size_t n)
{
	size_t i;

	strbuf_addstr(out, "{\"migration\": {\"from\": ");
	strbuf_add_json(out, cf->from ? cf->from->name : "");
	strbuf_addstr(out, ", \"to\": ");
	strbuf_add_json(out, cf->to ? cf->to->name : "");
	strbuf_addstr(out, "},\n \"accounts\": [");
	for (i = 0; i < n; i++) {
		strbuf_addstr(out, i ? ",\n  " : "");
		if (json_account(out, j, accts[i]) < 0)
			return -1;
		spill(out, fp);
	}
	strbuf_addstr(out, "]}\n");
	return 0;
}

int
status_json(struct strbuf *out, const struct config *cf, struct journal *j,
    struct account *const *accts, size_t n)
{
	return json_all(out, NULL, cf, j, accts, n);
}

/* "1h 02m 05s", "4m 12s", "9s" */
static void
text_duration(struct strbuf *sb, double secs)
{
	long s = secs > 0 ? (long)(secs + 0.5) : 0;

	if (s >= 3600)
		strbuf_addf(sb, "%ldh %02ldm %02lds", s / 3600, s / 60 % 60, s % 60);
	else if (s >= 60)
		strbuf_addf(sb, "%ldm %02lds", s / 60, s % 60);
	else
		strbuf_addf(sb, "%lds", s);
}

static void
text_step(struct strbuf *sb, const struct step_view *v, double now)
{
	char t0[32], t1[32];

	format_time_iso(t0, sizeof t0, v->rec.started);
	format_time_iso(t1, sizeof t1, v->rec.finished);
	strbuf_addf(sb, "  %-15s %-8s %-20s %-20s", v->def->id, step_state_name(v->rec.state),
	    t0[0] ? t0 : "-", t1[0] ? t1 : "-");
	if (v->rec.state == STEP_WAITING && v->gate > now) {
		strbuf_addstr(sb, " opens in ");
		text_duration(sb, v->gate - now);
	} else if (v->rec.state == STEP_WAITING && v->gate > 0) {
		strbuf_addstr(sb, " gate open");
	}
	if (v->rec.detail[0])
		strbuf_addf(sb, " %s", v->rec.detail);
	strbuf_rtrim(sb);
	strbuf_addch(sb, '\n');
	if (v->rec.error && v->rec.error[0])
		strbuf_addf(sb, "  %-15s error: %s\n", "", v->rec.error);
}

static void
text_downtime(struct strbuf *sb, const double dt[DT_COUNT])
{
	const char *sep = "";
	int k;

	strbuf_addstr(sb, "  downtime:");
	for (k = 0; k < DT_COUNT; k++) {
		if (dt[k] >= 0)
			strbuf_addf(sb, "%s %s %.1f s", sep, downtime_name(k), dt[k]);
		sep = dt[k] >= 0 ? "," : sep;
	}
	strbuf_addstr(sb, *sep ? "\n" : " none measured yet\n");
}

static int
text_account(struct strbuf *sb, struct journal *j, const struct account *a, double now)
{
	struct step_view *v;
	double dt[DT_COUNT];
	size_t i, n;

	if (downtime_account(j, a, dt) < 0 || status_steps(j, a, &v, &n) < 0)
		return -1;
	strbuf_addf(sb, "%s [files%s%s%s]: %s\n", a->name, a->services & SVC_WEB ? " web" : "",
	    a->services & SVC_MAIL ? " mail" : "", a->services & SVC_MUSH ? " mush" : "",
	    status_phase(v, n));
	for (i = 0; i < n; i++)
		text_step(sb, &v[i], now);
	text_downtime(sb, dt);
	status_steps_free(v, n);
	return 0;
}

static int
text_all(struct strbuf *out, FILE *fp, struct journal *j, struct account *const *accts,
    size_t n, double now)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, '\n');
		if (text_account(out, j, accts[i], now) < 0)
			return -1;
		spill(out, fp);
	}
	return 0;
}

int
status_text(struct strbuf *out, struct journal *j, struct account *const *accts,
    size_t n, double now)
{
	return text_all(out, NULL, j, accts, n, now);
}

int
status_write(FILE *fp, int json, const struct config *cf, struct journal *j,
    struct account *const *accts, size_t n, double now)
{
	struct strbuf out = STRBUF_INIT;
	int rc = json ? json_all(&out, fp, cf, j, accts, n) : text_all(&out, fp, j, accts, n, now);

	if (rc == 0)
		fwrite(out.buf, 1, out.len, fp);
	strbuf_release(&out);
	return rc;
}
