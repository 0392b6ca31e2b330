/* report.h: what a migration did, per account and service: steps, times, downtime. */
#ifndef FERRY_REPORT_H
#define FERRY_REPORT_H

#include <stddef.h>

#include "downtime.h"
#include "journal.h"
#include "status.h"
#include "strbuf.h"

struct config;
struct account;

/* one downtime window on the clock; open: no end event yet (end is "now") */
struct dt_window {
	enum downtime_kind kind;
	double start, end;
	int open;
};

/*
 * The windows downtime.h measures, with their times: the latest start to
 * the latest end at or after it (files, mail, mush), every down..up pair
 * (web).  *out is malloc'd; now closes an open window.
 */
int report_windows(const struct journal_event *ev, size_t n, double now,
    struct dt_window **out, size_t *n_out);

/* the text report: per account a table of steps and the downtime per service */
int report_text(struct strbuf *out, struct journal *j, struct account *const *accts,
    size_t n, double now);

/*
 * One self-contained HTML page (inline CSS and SVG, nothing fetched): a
 * summary table, then a timeline with one lane per account and service
 * (files for the [All] steps), a bar per step that has started, downtime
 * windows shaded, failed steps in red.
 */
int report_html(struct strbuf *out, const struct config *cf, struct journal *j,
    struct account *const *accts, size_t n, double now);

/* text with & < > " ' as entities */
void strbuf_add_html(struct strbuf *sb, const char *s);

#endif
