/* downtime.c: the windows of CONTRACT.md "status --json", measured from journal events. */
#include <string.h>

#include "config.h"
#include "downtime.h"

static const struct {
	const char *name, *start, *end;
	unsigned service;		/* SVC_*, 0 for every account */
} kinds[DT_COUNT] = {
	[DT_WEB] = { "web", EV_WEB_DOWN, EV_WEB_UP, SVC_WEB },
	[DT_MAIL] = { "mail", EV_MAIL_START, EV_MAIL_END, SVC_MAIL },
	[DT_MUSH] = { "mush", EV_MUSH_START, EV_MUSH_END, SVC_MUSH },
	[DT_FILES] = { "files", EV_FILES_START, EV_FILES_END, 0 },
};

const char *
downtime_name(enum downtime_kind k)
{
	return kinds[k].name;
}

int
downtime_applies(enum downtime_kind k, const struct account *a)
{
	return kinds[k].service == 0 || (a->services & kinds[k].service) != 0;
}

/* latest start, then the latest end at or after it */
static double
one_window(const struct journal_event *ev, size_t n, const char *start, const char *end)
{
	double s = DOWNTIME_NONE, e = DOWNTIME_NONE;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ev[i].kind, start) == 0) {
			s = ev[i].at;
			e = DOWNTIME_NONE;
		} else if (strcmp(ev[i].kind, end) == 0 && s >= 0 && ev[i].at >= s) {
			e = ev[i].at;
		}
	return s >= 0 && e >= 0 ? e - s : DOWNTIME_NONE;
}

/* the sum of closed down..up windows; an up with no open down is a probe repeating itself */
static double
web_windows(const struct journal_event *ev, size_t n)
{
	double total = 0, down = DOWNTIME_NONE;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ev[i].kind, EV_WEB_DOWN) == 0 && down < 0) {
			down = ev[i].at;
		} else if (strcmp(ev[i].kind, EV_WEB_UP) == 0 && down >= 0) {
			total += ev[i].at - down;
			down = DOWNTIME_NONE;
		}
	return down >= 0 ? DOWNTIME_NONE : total;
}

double
downtime_from_events(const struct journal_event *ev, size_t n, enum downtime_kind k)
{
	if (k == DT_WEB)
		return web_windows(ev, n);
	return one_window(ev, n, kinds[k].start, kinds[k].end);
}

int
downtime_account(struct journal *j, const struct account *a, double out[DT_COUNT])
{
	const struct journal_event *lent;
	struct journal_event *ev = NULL;
	size_t n = 0;
	int k;

	if (journal_events_peek(j, a->name, &lent, &n) == 1) {	/* status over many accounts */
		for (k = 0; k < DT_COUNT; k++)
			out[k] = downtime_applies(k, a) ? downtime_from_events(lent, n, k) :
			    DOWNTIME_NONE;
		return 0;
	}
	if (j && journal_events(j, a->name, &ev, &n) < 0)
		return -1;
	for (k = 0; k < DT_COUNT; k++)
		out[k] = downtime_applies(k, a) ? downtime_from_events(ev, n, k) : DOWNTIME_NONE;
	journal_events_free(ev, n);
	return 0;
}

void
downtime_json(struct strbuf *sb, const double dt[DT_COUNT])
{
	const char *sep = "";
	int k;

	strbuf_addch(sb, '{');
	for (k = 0; k < DT_COUNT; k++) {
		if (dt[k] < 0)
			continue;
		strbuf_addf(sb, "%s\"%s\": %.1f", sep, kinds[k].name, dt[k]);
		sep = ", ";
	}
	strbuf_addch(sb, '}');
}
