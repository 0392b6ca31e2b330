/*
 * fuzz-virtuser: a virtusertable through the reader and, when it reads,
 * the editors: set a key (it then maps to the value exactly once), forward
 * an account's local lines, remove an account's section.  Each result must
 * read again, and the same edit again must change nothing.  Every byte
 * outside the edit is kept: before and after the key's lines (or the place
 * a new line goes), around each forwarded value, around the section
 * removed.  A section appended by a set and then removed gives the table
 * back as it was (its last line finished with a newline, if it lacked one).
 *
 * Input: byte 0 picks the edit and the key, the rest is the table.
 */
#include <strings.h>

#include "fuzz.h"
#include "virtuser.h"
#include "log.h"

static struct strlist domains, local;

static void
setup(void)
{
	if (domains.n)
		return;
	strlist_push(&domains, "alice.test");
	strlist_push(&domains, "dave.test");
	strlist_push(&local, "alice.test");
	strlist_push(&local, "nekodojo.test");
}

static void
reparse(struct virtuser *nv, const struct strbuf *out)
{
	if (virtuser_parse(nv, "out", out->buf, out->len) < 0)
		fuzz_fail("edited table does not read");
}

/* key maps to value on exactly one line */
static void
check_maps(const struct virtuser *vt, const char *key, const char *value)
{
	size_t i, seen = 0;

	for (i = 0; i < vt->n; i++)
		if (vt->lines[i].kind == VU_ENTRY && !strcasecmp(vt->lines[i].key, key)) {
			fuzz_assert(!strcmp(vt->lines[i].value, value));
			seen++;
		}
	fuzz_assert(seen == 1);
}

/* out is text with [lo, hi) replaced: every byte outside is where it was */
static void
kept_outside(const struct virtuser *vt, size_t lo, size_t hi, const struct strbuf *out)
{
	fuzz_assert(lo <= hi && hi <= vt->len);
	fuzz_assert(out->len >= lo + (vt->len - hi));
	if (memcmp(out->buf, vt->text, lo) != 0)
		fuzz_fail("bytes before the edit (0..%zu) changed", lo);
	if (memcmp(out->buf + out->len - (vt->len - hi), vt->text + hi, vt->len - hi) != 0)
		fuzz_fail("bytes after the edit (%zu..%zu) changed", hi, vt->len);
}

/* the account's section as virtuser.c marks it: marker line and entries after */
static int
section(const struct virtuser *vt, const char *account, size_t *from, size_t *to)
{
	static const char marker[] = "# ferry: account ";
	size_t i, k, n = strlen(marker), an = strlen(account);

	for (i = 0; i < vt->n; i++) {
		const struct vu_line *l = &vt->lines[i];

		if (l->kind == VU_COMMENT && l->end - l->eol - l->start == n + an &&
		    !memcmp(vt->text + l->start, marker, n) &&
		    !memcmp(vt->text + l->start + n, account, an))
			break;
	}
	if (i == vt->n)
		return 0;
	for (k = i; k + 1 < vt->n && vt->lines[k + 1].kind == VU_ENTRY; k++)
		;
	*from = vt->lines[i].start;
	*to = vt->lines[k].end;
	return 1;
}

/* the bytes a set of key may touch: its lines, or where a new one goes */
static void
set_span(const struct virtuser *vt, const char *key, size_t *lo, size_t *hi)
{
	size_t i, first = vt->n, last = 0, n = 0, from;

	for (i = 0; i < vt->n; i++)
		if (vt->lines[i].kind == VU_ENTRY && !strcasecmp(vt->lines[i].key, key)) {
			if (first == vt->n)
				first = i;
			last = i;
			n++;
		}
	if (n == 0) {
		if (!section(vt, "fz", &from, lo))
			*lo = vt->len;
		*hi = *lo;
		return;
	}
	*lo = vt->lines[first].value_from;
	*hi = n == 1 ? vt->lines[first].value_to : vt->lines[last].end;
}

/* a section a set appended, removed again: the table as it was */
static void
append_remove(const struct virtuser *vt, const struct virtuser *nv)
{
	struct strbuf rm = STRBUF_INIT;
	size_t extra;

	fuzz_assert(virtuser_remove_marked(nv, "fz", &rm) == 1);
	fuzz_assert(rm.len >= vt->len && !memcmp(rm.buf, vt->text, vt->len));
	extra = rm.len - vt->len;
	if (extra && !(vt->len && vt->text[vt->len - 1] != '\n' &&
	    ((extra == 1 && rm.buf[vt->len] == '\n') ||
	    (extra == 2 && !memcmp(rm.buf + vt->len, "\r\n", 2)))))
		fuzz_fail("append then remove left %zu bytes more than a newline", extra);
	strbuf_release(&rm);
}

static void
set_key(const struct virtuser *vt, unsigned op)
{
	struct strlist keys = STRLIST_INIT, values = STRLIST_INIT;
	struct virtuser nv = { 0 };
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	const char *key = "fz@alice.test";
	size_t i, lo, hi, f, t;

	for (i = op >> 2; i < vt->n && (op & 2); i++)
		if (vt->lines[i].kind == VU_ENTRY && strchr(vt->lines[i].key, '@')) {
			key = vt->lines[i].key;
			break;
		}
	strlist_push(&keys, key);
	strlist_push(&values, op & 1 ? "alice" : "alice@neko-base.nekodojo.test");
	set_span(vt, key, &lo, &hi);
	if (virtuser_set(vt, "fz", &keys, &values, &out) >= 0) {
		kept_outside(vt, lo, hi, &out);
		reparse(&nv, &out);
		check_maps(&nv, key, values.v[0]);
		fuzz_assert(virtuser_set(&nv, "fz", &keys, &values, &again) == 0);
		if (lo == vt->len && !section(vt, "fz", &f, &t))
			append_remove(vt, &nv);
	}
	virtuser_release(&nv);
	strbuf_release(&out);
	strbuf_release(&again);
	strlist_clear(&keys);
	strlist_clear(&values);
}

/* line i of the forwarded table: the same bytes but for its value */
static void
kept_around(const struct virtuser *vt, const struct virtuser *nv, size_t i)
{
	const struct vu_line *a = &vt->lines[i], *b = &nv->lines[i];
	size_t ha, hb;

	if (a->kind != VU_ENTRY) {
		fuzz_assert(a->end - a->start == b->end - b->start &&
		    !memcmp(vt->text + a->start, nv->text + b->start, a->end - a->start));
		return;
	}
	ha = a->value_from - a->start;
	hb = b->value_from - b->start;
	fuzz_assert(ha == hb && !memcmp(vt->text + a->start, nv->text + b->start, ha));
	fuzz_assert(a->end - a->value_to == b->end - b->value_to &&
	    !memcmp(vt->text + a->value_to, nv->text + b->value_to, a->end - a->value_to));
}

static void
forward(const struct virtuser *vt)
{
	struct virtuser nv = { 0 };
	size_t i;
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	const char *to = "%u@neko-base.nekodojo.test";

	if (virtuser_forward(vt, "alice", &domains, &local, to, &out) > 0) {
		reparse(&nv, &out);
		fuzz_assert(nv.n == vt->n);
		for (i = 0; i < vt->n; i++)
			kept_around(vt, &nv, i);
		fuzz_assert(virtuser_forward(&nv, "alice", &domains, &local, to, &again) == 0);
	}
	virtuser_release(&nv);
	strbuf_release(&out);
	strbuf_release(&again);
}

static void
remove_marked(const struct virtuser *vt)
{
	struct virtuser nv = { 0 };
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;

	size_t from, to;

	/* each removal takes one section (a file may hold it twice): it ends */
	if (virtuser_remove_marked(vt, "alice", &out) > 0) {
		fuzz_assert(section(vt, "alice", &from, &to));
		fuzz_assert(out.len == vt->len - (to - from));
		kept_outside(vt, from, to, &out);
		reparse(&nv, &out);
		fuzz_assert(nv.n < vt->n);
		fuzz_assert(virtuser_remove_marked(&nv, "alice", &again) >= 0);
		if (again.len != out.len)
			remove_marked(&nv);
	}
	virtuser_release(&nv);
	strbuf_release(&out);
	strbuf_release(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtuser vt = { 0 };
	unsigned op = fuzz_byte(&data, &size);

	log_level = LOG_QUIET;
	setup();
	if (virtuser_parse(&vt, "fz", (const char *)data, size) == 0) {
		if ((op & 0xc0) == 0x40)
			forward(&vt);
		else if ((op & 0xc0) == 0x80)
			remove_marked(&vt);
		else
			set_key(&vt, op);
	}
	virtuser_release(&vt);
	return 0;
}
