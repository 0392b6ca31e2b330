/* service.c: the registry of drivers; a step id finds its operations here. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ferry.h"

/* how many drivers the registry holds; they are few, counted once */
static size_t
service_count(void)
{
	static size_t n;

	if (!n)
		while (service_registry[n])
			n++;
	return n;
}

const struct step_ops *
service_step(const char *id)
{
	size_t i;
	const struct step_ops *op;

	for (i = 0; service_registry[i]; i++)
		for (op = service_registry[i]->steps; op->id; op++)
			if (strcmp(op->id, id) == 0)
				return op;
	return NULL;
}

int
service_around(struct step_ctx *ctx, int (*op)(struct step_ctx *ctx))
{
	const size_t n = service_count();
	void *state[SERVICES_MAX];
	int began[SERVICES_MAX];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		const struct step_hook *h = service_registry[i]->around;

		began[i] = h && h->wanted(ctx->def, ctx->a);
		state[i] = began[i] ? h->begin(ctx) : NULL;
	}
	r = op(ctx);
	for (i = n; i-- > 0;)
		if (began[i])
			service_registry[i]->around->end(ctx, state[i]);
	return r;
}

int
(*service_answer_of(const char *question))(struct step_ctx *ctx)
{
	const struct service_answer *q;
	size_t i;

	for (i = 0; service_registry[i]; i++)
		for (q = service_registry[i]->answers; q && q->question; q++)
			if (strcmp(q->question, question) == 0)
				return q->answer;
	return NULL;
}

int
service_ask(struct step_ctx *ctx, const char *question)
{
	int (*answer)(struct step_ctx *ctx) = service_answer_of(question);

	if (answer == NULL)
		return step_error(ctx, "no driver answers '%s'", question);
	return answer(ctx);
}

int
service_tidy(struct step_ctx *ctx)
{
	size_t i;

	for (i = 0; service_registry[i]; i++)
		if (service_registry[i]->tidy && service_registry[i]->tidy(ctx) < 0)
			return -1;
	return 0;
}

int
step_error(struct step_ctx *ctx, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	error("%s: %s: %s", ctx->a->name, ctx->def->id, sb.buf);
	strbuf_release(&sb);
	return -1;
}
