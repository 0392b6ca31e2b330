/* steps.h: carrying out, verifying and undoing one account's steps (shared by run, verify, rollback). */
#ifndef FERRY_STEPS_H
#define FERRY_STEPS_H

#include "ferry.h"

struct run_opts {
	int dry_run;
	int yes;		/* phase 1 without asking */
	int no_wait;		/* exit 3 at a TTL gate instead of waiting */
	int has_until;
	enum phase until;
	const char *only_step;	/* --step ID */
	/* asked before an account's first phase 1 step: EXIT_OK goes on */
	int (*confirm_phase1)(struct account *a, const struct run_opts *o);
};

/* EXIT_OK, EXIT_FAIL (a step failed) or EXIT_STOPPED (needs a person / gate) */
int steps_run_account(struct ferry *f, struct account *a, const struct run_opts *o);
int steps_verify_account(struct ferry *f, struct account *a);
int steps_rollback_account(struct ferry *f, struct account *a, int has_to, enum phase to);

void step_ctx_init(struct step_ctx *ctx, struct ferry *f, struct account *a,
    const struct step_def *d);
void step_ctx_release(struct step_ctx *ctx);

#endif
