/*
 * fuzz-webwatch: the web watch child's report ("down TIME NAME", "up TIME",
 * "rounds N" lines) through web_watch_parse and web_watch_seconds, the
 * figure status --json gives as web downtime.  A report that reads has
 * alternating transitions starting with a down, one name per down, finite
 * times that never go back, and a downtime that is -1 (still down) or a
 * finite sum no smaller than zero.  Built: times and names from the input,
 * printed as the child prints them, must read back as they were.
 *
 * Input: byte 0 odd builds a report, even reads the rest raw.
 */
#include <math.h>

#include "fuzz.h"
#include "strbuf.h"
#include "web-watch.h"

static void
check_report(const struct web_watch_report *r)
{
	double s = web_watch_seconds(r);
	size_t i;

	fuzz_assert(r->names.n == (r->n + 1) / 2);
	for (i = 0; i < r->n; i++) {
		fuzz_assert(isfinite(r->at[i]) && r->at[i] > 0);
		fuzz_assert(i == 0 || r->at[i] >= r->at[i - 1]);
	}
	for (i = 0; i < r->names.n; i++)
		fuzz_assert(r->names.v[i][0] != '\0');
	if (r->n % 2)
		fuzz_assert(s == -1);
	else
		fuzz_assert(isfinite(s) && s >= 0);
}

static void
raw(const uint8_t *data, size_t size)
{
	char *t = fuzz_cstr(data, size, size);
	struct web_watch_report r;

	if (web_watch_parse(t, &r) == 0)
		check_report(&r);
	web_watch_report_release(&r);
	free(t);
}

/* each byte pair a step forward in milliseconds; a name after every down */
static void
built(const uint8_t *data, size_t size)
{
	struct strbuf text = STRBUF_INIT;
	struct web_watch_report r;
	double at = 1764000000.0, want = 0, prev = 0;
	unsigned rounds = 0;
	size_t n = 0;

	while (size >= 2) {
		unsigned step = fuzz_byte(&data, &size) << 8;

		step |= fuzz_byte(&data, &size);
		at += step / 1000.0;
		if (n % 2 == 0) {
			unsigned len = fuzz_byte(&data, &size) % 16 + 1, k;

			strbuf_addf(&text, "down %.3f ", at);
			for (k = 0; k < len; k++) {
				unsigned c = fuzz_byte(&data, &size);

				strbuf_addch(&text, c > ' ' && c < 0x7f ? (char)c : 'x');
			}
			strbuf_addch(&text, '\n');
			prev = at;
		} else {
			strbuf_addf(&text, "up %.3f\n", at);
			want += at - prev;
		}
		n++;
		rounds += step / 200;
	}
	strbuf_addf(&text, "rounds %u\n", rounds);
	if (web_watch_parse(text.buf, &r) != 0)
		fuzz_fail("the child's own report refused:\n%s", text.buf);
	check_report(&r);
	fuzz_assert(r.n == n && r.rounds == rounds);
	if (n % 2 == 0 && fabs(web_watch_seconds(&r) - want) > 0.002 * (double)(n + 1))
		fuzz_fail("down %f s, built %f s", web_watch_seconds(&r), want);
	web_watch_report_release(&r);
	strbuf_release(&text);
}

FUZZ_RAW_OR_BUILT(raw, built)
