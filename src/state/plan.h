/* plan.h: the step catalogue, in the seed's order (CONTRACT.md "Step ids"). */
#ifndef FERRY_PLAN_H
#define FERRY_PLAN_H

#include <stddef.h>

struct account;

enum phase { PHASE_PREP = 0, PHASE_1, PHASE_2, PHASE_DONE };

struct step_def {
	const char *id;		/* "prep.1" */
	enum phase phase;
	unsigned services;	/* SVC_* any of which makes it apply; 0 = [All] */
	const char *tag;	/* "[All]", "[Web]", "[Mail,Web]" as in the seed */
	const char *title;
};

extern const struct step_def step_catalogue[];
extern const size_t step_catalogue_len;

const struct step_def *step_find(const char *id);
int step_applies(const struct step_def *d, const struct account *a);
/* a skip the config alone decides (mail = forwarded), or NULL */
const char *step_config_skip(const struct step_def *d, const struct account *a);

const char *phase_name(enum phase p);
int phase_parse(const char *s, enum phase *out);	/* "prep" "phase1" "phase2" "done" */

#endif
