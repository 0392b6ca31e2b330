/*
 * fuzz-virtuser: a virtusertable through the reader and, when it reads,
 * the editors: set a key (it then maps to the value exactly once), forward
 * an account's local lines, remove an account's section.  Each result must
 * read again, and the same edit again must change nothing.
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

static void
set_key(const struct virtuser *vt, unsigned op)
{
	struct strlist keys = STRLIST_INIT, values = STRLIST_INIT;
	struct virtuser nv = { 0 };
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	const char *key = "fz@alice.test";
	size_t i;

	for (i = op >> 2; i < vt->n && (op & 2); i++)
		if (vt->lines[i].kind == VU_ENTRY && strchr(vt->lines[i].key, '@')) {
			key = vt->lines[i].key;
			break;
		}
	strlist_push(&keys, key);
	strlist_push(&values, op & 1 ? "alice" : "alice@neko-base.nekodojo.test");
	if (virtuser_set(vt, "fz", &keys, &values, &out) >= 0) {
		reparse(&nv, &out);
		check_maps(&nv, key, values.v[0]);
		fuzz_assert(virtuser_set(&nv, "fz", &keys, &values, &again) == 0);
	}
	virtuser_release(&nv);
	strbuf_release(&out);
	strbuf_release(&again);
	strlist_clear(&keys);
	strlist_clear(&values);
}

static void
forward(const struct virtuser *vt)
{
	struct virtuser nv = { 0 };
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	const char *to = "%u@neko-base.nekodojo.test";

	if (virtuser_forward(vt, "alice", &domains, &local, to, &out) > 0) {
		reparse(&nv, &out);
		fuzz_assert(nv.n == vt->n);
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

	/* each removal takes one section (a file may hold it twice): it ends */
	if (virtuser_remove_marked(vt, "alice", &out) > 0) {
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
