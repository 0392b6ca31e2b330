/* service.h: the one interface every service driver implements (OpenSMTPD's table_backend). */
#ifndef FERRY_SERVICE_H
#define FERRY_SERVICE_H

#include "plan.h"
#include "strbuf.h"

struct ferry;
struct account;

enum probe_result {
	PROBE_ERROR = -1,	/* could not tell; message already printed */
	PROBE_TODO = 0,		/* apply is needed; ctx->diff says what it changes */
	PROBE_DONE = 1,		/* already the way the step wants it: nothing to change */
	PROBE_SKIP = 2,		/* does not apply to this account; ctx->skip_reason says why */
	PROBE_WAIT = 3,		/* a gate: ctx->wait_seconds left (TTL) */
};

struct step_ctx {
	struct ferry *f;
	struct account *a;
	const struct step_def *def;
	int dry_run;
	struct strbuf detail;	/* one line for the journal and status */
	struct strbuf diff;	/* unified diff or summary of what apply changes */
	const char *skip_reason;
	double wait_seconds;
	/*
	 * What a driver's probe read that its apply needs too, so apply need
	 * not read it again; step_ctx_release() calls priv_free(priv).
	 */
	void *priv;
	void (*priv_free)(void *priv);
};

/*
 * probe is read-only.  apply changes hosts and returns 0 or -1 (error
 * already printed as "ferry: ACCOUNT: STEP: msg").  verify checks from the
 * outside.  undo reverts a done step; NULL marks it irreversible.
 */
struct step_ops {
	const char *id;
	int (*probe)(struct step_ctx *ctx);
	int (*apply)(struct step_ctx *ctx);
	int (*verify)(struct step_ctx *ctx);
	int (*undo)(struct step_ctx *ctx);
};

/*
 * What a driver does around other drivers' steps, without the engine
 * knowing what it is (web: measuring downtime while a step can take the
 * site away).  begin returns the state that end gets back.
 */
struct step_hook {
	int (*wanted)(const struct step_def *d, const struct account *a);
	void *(*begin)(struct step_ctx *ctx);
	void (*end)(struct step_ctx *ctx, void *state);
};

/*
 * A question about the account one driver answers for the others, which
 * do not know who answers it ("mail.forwarded": the notice driver skips
 * the mail settings notice; the mail driver knows).
 */
struct service_answer {
	const char *question;
	int (*answer)(struct step_ctx *ctx);	/* 1 yes, 0 no */
};

struct service {
	const char *name;
	const struct step_ops *steps;	/* terminated by an entry with id NULL */
	const struct step_hook *around;	/* optional */
	/* optional: what this driver puts back when the account's move is
	   finished (done.tidy), checked from outside; 0 or -1 */
	int (*tidy)(struct step_ctx *ctx);
	/* optional, ended by a NULL question: what it tells the other drivers */
	const struct service_answer *answers;
};

/* the drivers, in registry order, NULL-terminated: src/svc/services.c */
#define SERVICES_MAX 16
extern const struct service *const service_registry[];

const struct step_ops *service_step(const char *id);

/*
 * Runs op(ctx) inside every registered hook that wants this step: the
 * hooks begin in registry order and end in reverse.  Returns op's result.
 */
int service_around(struct step_ctx *ctx, int (*op)(struct step_ctx *ctx));

/* the registered answer to question, NULL when no driver answers it */
int (*service_answer_of(const char *question))(struct step_ctx *ctx);
/* the answer of the driver that answers question: 1 yes, 0 no; -1 with a
   message when none does */
int service_ask(struct step_ctx *ctx, const char *question);

/* every driver's tidy in registry order; stops at the first that fails */
int service_tidy(struct step_ctx *ctx);

/* "ferry: ACCOUNT: STEP: msg", returns -1 */
int step_error(struct step_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
