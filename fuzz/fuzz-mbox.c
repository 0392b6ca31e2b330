/*
 * fuzz-mbox: mail spools through the splitter and the merge.  A spool
 * merged with itself is unchanged; spool + late mail keeps the spool's
 * bytes, then holds every late message (the same bytes, copies counted),
 * splits into as many messages as the two add up to, and a
 * second merge adds nothing.
 *
 * Input: byte 0 says where the spool ends and the late mail starts.
 */
#include "fuzz.h"
#include "mbox.h"
#include "log.h"

/* every message lies inside the text, in order, and ends before the next */
static void
check_split(const struct mbox *mb)
{
	size_t i, at = 0;

	for (i = 0; i < mb->n; i++) {
		const struct mbox_msg *m = &mb->msgs[i];

		fuzz_assert(m->start >= at && m->start < m->end && m->end <= m->next);
		fuzz_assert(m->next <= mb->len && !memcmp(mb->text + m->start, "From ", 5));
		at = m->next;
	}
}

static void
self_merge(const char *t, size_t len)
{
	struct strbuf out = STRBUF_INIT;
	size_t added = 99;

	fuzz_assert(mbox_merge(t, len, t, len, &out, &added) == 0 && added == 0);
	fuzz_assert(out.len == len && !memcmp(out.buf, t, len));
	strbuf_release(&out);
}

static void
merge(const char *s, size_t slen, const char *a, size_t alen)
{
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	struct mbox sp, late, res;
	size_t added = 0;
	int r = mbox_merge(s, slen, a, alen, &out, &added);

	if (r < 0 || mbox_parse(&sp, s, slen) < 0)
		return;
	fuzz_assert(mbox_parse(&late, a, alen) == 0);
	fuzz_assert(!memcmp(out.buf, s, slen));
	if (mbox_parse(&res, out.buf, out.len) < 0)
		fuzz_fail("merged spool does not split");
	check_split(&res);
	fuzz_assert(mbox_missing(&res, &late) == 0);
	fuzz_assert(res.n == sp.n + added);
	fuzz_assert(mbox_merge(out.buf, out.len, a, alen, &again, &added) == 0 && added == 0);
	mbox_release(&sp);
	mbox_release(&late);
	mbox_release(&res);
	strbuf_release(&out);
	strbuf_release(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbox mb;
	const char *t;
	size_t cut = fuzz_byte(&data, &size) * 4;

	log_level = LOG_QUIET;
	t = (const char *)data;
	if (mbox_parse(&mb, t, size) == 0) {
		check_split(&mb);
		self_merge(t, size);
		mbox_release(&mb);
	}
	if (cut > size)
		cut = size;
	merge(t, cut, t + cut, size - cut);
	return 0;
}
