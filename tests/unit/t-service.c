/*
 * t-service.c: the questions one driver answers for the others
 * (service_answer_of, service_ask): each question has exactly one answer
 * in the registry, the mail driver's "mail.forwarded" follows the
 * account's mail key, and a question nobody answers is an error.
 */
#include <string.h>

#include "ferry.h"
#include "unit.h"

/* how many registered drivers answer question */
static int
answerers(const char *question)
{
	const struct service_answer *q;
	int n = 0;
	size_t i;

	for (i = 0; service_registry[i]; i++)
		for (q = service_registry[i]->answers; q && q->question; q++)
			n += strcmp(q->question, question) == 0;
	return n;
}

static void
test_registry(void)
{
	const struct service_answer *q;
	size_t i;

	CHECK(service_answer_of("mail.forwarded") != NULL);
	CHECK(service_answer_of("no.such.question") == NULL);
	CHECK_INT(answerers("mail.forwarded"), 1);
	/* no question is answered twice: the first answer would hide the other */
	for (i = 0; service_registry[i]; i++)
		for (q = service_registry[i]->answers; q && q->question; q++)
			CHECK_INT(answerers(q->question), 1);
}

static void
test_ask(void)
{
	struct account a = { .name = "carol" };
	struct step_ctx ctx = { .a = &a, .def = &step_catalogue[0] };

	/* set in the config: answered without reaching any host */
	a.mail = MAIL_FORWARDED;
	CHECK_INT(service_ask(&ctx, "mail.forwarded"), 1);
	a.mail = MAIL_LOCAL;
	CHECK_INT(service_ask(&ctx, "mail.forwarded"), 0);
	CHECK_INT(service_ask(&ctx, "no.such.question"), -1);
}

int
main(void)
{
	test_registry();
	test_ask();
	UNIT_DONE("service");
}
