/* status.h: each account's steps as `status` shows them (shared with report). */
#ifndef FERRY_STATUS_H
#define FERRY_STATUS_H

#include <stddef.h>
#include <stdio.h>

#include "journal.h"
#include "plan.h"
#include "strbuf.h"

struct config;
struct account;

/*
 * A waiting step's gate: the kv entry "gate.STEPID" of the account holds the
 * unix time (seconds, decimal) when the gate opens; whoever puts the step in
 * STEP_WAITING writes it, and status shows the time left from it.
 */
#define GATE_KEY_PREFIX	"gate."

struct step_view {
	const struct step_def *def;
	struct step_record rec;	/* the journal's row; else the config's skip; else pending */
	double gate;		/* waiting: when the gate opens, 0 if unknown */
	int lent;		/* rec's strings are the journal's (journal_step_peek) */
};

/* the steps that apply to a, in checklist order; j may be NULL (all pending) */
int status_steps(struct journal *j, const struct account *a, struct step_view **out,
    size_t *n);
void status_steps_free(struct step_view *v, size_t n);
/* the phase of the first step neither done nor skipped, or "done" */
const char *status_phase(const struct step_view *v, size_t n);

/* CONTRACT.md "status --json" for the given accounts, in that order */
int status_json(struct strbuf *out, const struct config *cf, struct journal *j,
    struct account *const *accts, size_t n);
/* the human form; now is the clock a waiting step's time left is taken from */
int status_text(struct strbuf *out, struct journal *j, struct account *const *accts,
    size_t n, double now);
/*
 * status_json (json) or status_text written to fp in pieces as they are
 * built, in bounded memory; on an error (-1) what came before it is out.
 */
int status_write(FILE *fp, int json, const struct config *cf, struct journal *j,
    struct account *const *accts, size_t n, double now);

#endif
