/*
 * check-int.h: what cmd-check.c, check-plan.c and check-findings.c share
 * while ferry check runs; no other file includes it.
 */
#ifndef FERRY_CHECK_INT_H
#define FERRY_CHECK_INT_H

#include "ferry.h"

struct item {
	int kind;		/* the tag letter */
	char *arg;
	char *what;		/* for messages: "virtusertable", "zone file of alice.test" */
	const struct account *a;
	int seen;		/* the probe answered a line for it */
	long long num;		/* KiB, or an exit status */
	struct strbuf text;	/* module list, ssh's words, nouser/nohome */
};

struct probe {
	const struct host *h;
	int up;			/* reachable, and the probe ran */
	struct item *items;
	size_t n;
};

struct check {
	struct ferry *f;
	struct account **accts;
	size_t n_accts;
	unsigned services;	/* of the accounts checked */
	int userdir;
	struct probe *probes;
	size_t n_probes;
	int failed;
};

/* cmd-check.c: "ok HOST: what" on stdout; "ferry: check: HOST: what", ck->failed */
void check_ok(const struct host *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void check_bad(struct check *ck, const struct host *h, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* h's probe, made on first use */
struct probe *probe_of(struct check *ck, const struct host *h);
/* an item to ask p (one per kind, argument and account) */
struct item *add_item(struct probe *p, int kind, const char *arg, const char *what,
    const struct account *a);
struct item *find_item(const struct probe *p, int kind, const struct account *a);

/* check-plan.c */
void plan_probes(struct check *ck);	/* every host's items */
void run_probe(struct check *ck, struct probe *p);	/* the round trip */

/* check-findings.c */
void report_programs_paths(struct check *ck, const struct probe *p);
void report_rsync(struct check *ck, const struct probe *old);
void report_modules(struct check *ck, const struct probe *old, const struct probe *new);
void report_space(struct check *ck, const struct probe *old, const struct probe *new);

#endif
