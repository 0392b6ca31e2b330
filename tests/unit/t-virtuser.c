/* t-virtuser.c: virtusertable lines of an account, mail mode, edits; makemap on the results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run-command.h"
#include "strbuf.h"
#include "virtuser.h"
#include "unit.h"

#define DATA "tests/unit/data/virtuser/"

static int
same_bytes(const struct strbuf *a, const char *b, size_t n)
{
	return a->len == n && memcmp(a->buf, b, n) == 0;
}

static void
lists(struct strlist *l, const char *words)
{
	strlist_clear(l);
	strlist_split(l, words);
}

static void
load(struct virtuser *vt, const char *file)
{
	struct strbuf t = STRBUF_INIT;

	unit_slurp(file, &t);
	if (virtuser_parse(vt, file, t.buf, t.len) < 0) {
		printf("not ok - cannot parse %s\n", file);
		exit(1);
	}
	strbuf_release(&t);
}

static void
test_parse(const struct virtuser *vt)
{
	struct virtuser v2;
	const char *s;

	CHECK_INT(vt->n, 19);
	CHECK_INT(vt->lines[0].kind, VU_COMMENT);
	CHECK_INT(vt->lines[2].kind, VU_BLANK);
	CHECK_STR(vt->lines[3].key, "alice@mydomain.test");
	CHECK_STR(vt->lines[3].value, "alice");
	CHECK_STR(vt->lines[5].value, "root");
	CHECK_STR(vt->lines[13].value, "error:nouser 550 No such user here");
	CHECK_INT(vt->lines[18].eol, 0);
	CHECK_STR(virtuser_key_domain("@Alice.test"), "Alice.test");
	CHECK(virtuser_key_domain("alice") == NULL);
	/* a postfix continuation line joins the entry; CRLF is not part of it */
	s = "a@x.test\tb@y.test,\r\n   c@z.test\r\n# c\r\n";
	CHECK_INT(virtuser_parse(&v2, "pf", s, strlen(s)), 0);
	CHECK_INT(v2.n, 2);
	CHECK_STR(v2.lines[0].value, "b@y.test, c@z.test");
	CHECK_INT(v2.lines[0].end, strlen("a@x.test\tb@y.test,\r\n   c@z.test\r\n"));
	virtuser_release(&v2);
	CHECK_INT(virtuser_parse(&v2, "bad", "a@x.test\n", 9), -1);
}

static void
test_classify(void)
{
	struct strlist local = STRLIST_INIT, doms = STRLIST_INIT;

	lists(&local, "localhost charon.nekodojo.test mydomain.test alice.test");
	CHECK_INT(virtuser_classify("alice", &local), VU_LOCAL);
	CHECK_INT(virtuser_classify("alice@MyDomain.test.", &local), VU_LOCAL);
	CHECK_INT(virtuser_classify("alice@sub.mydomain.test", &local), VU_REMOTE);
	CHECK_INT(virtuser_classify("%1@other.example", &local), VU_REMOTE);
	CHECK_INT(virtuser_classify("ERROR:nouser x", &local), VU_ERROR);
	CHECK_INT(virtuser_classify("a@b.example, alice", &local), VU_LOCAL);
	CHECK_INT(virtuser_classify("a@b.example c@d.example", &local), VU_REMOTE);
	lists(&doms, "alice.test");
	CHECK(virtuser_domain_in("shop.ALICE.test", &doms));
	CHECK(virtuser_domain_in("alice.test.", &doms));
	CHECK(!virtuser_domain_in("malice.test", &doms));
	strlist_clear(&local);
	strlist_clear(&doms);
}

static void
test_account(const struct virtuser *vt, const struct strlist *local)
{
	struct strlist doms = STRLIST_INIT;
	size_t idx[32];

	lists(&doms, "alice.test");
	CHECK_INT(virtuser_account_lines(vt, "alice", &doms, local, idx), 8);
	CHECK_INT(idx[0], 3);
	CHECK_INT(idx[1], 6);
	CHECK_INT(idx[7], 14);
	CHECK_INT(virtuser_mail_mode(vt, "alice", &doms, local), VU_MODE_LOCAL);
	lists(&doms, "bob.test");
	CHECK_INT(virtuser_account_lines(vt, "bob", &doms, local, idx), 1);
	CHECK_INT(virtuser_mail_mode(vt, "bob", &doms, local), VU_MODE_LOCAL);
	/* carol@mydomain.test is not carol's line: other domain, value not her login */
	lists(&doms, "carol.test");
	CHECK_INT(virtuser_account_lines(vt, "carol", &doms, local, idx), 1);
	CHECK_INT(virtuser_mail_mode(vt, "carol", &doms, local), VU_MODE_FORWARDED);
	/* no lines at all: the spool is local */
	lists(&doms, "dave.test");
	CHECK_INT(virtuser_mail_mode(vt, "dave", &doms, local), VU_MODE_LOCAL);
	strlist_clear(&doms);
}

static void
test_forward(const struct virtuser *vt, const struct strlist *local, struct strbuf *out)
{
	struct strlist doms = STRLIST_INIT;
	struct strbuf again = STRBUF_INIT;
	struct virtuser fw;

	lists(&doms, "alice.test");
	CHECK_INT(virtuser_forward(vt, "alice", &doms, local, "%u@neko-base.nekodojo.test", out), 1);
	CHECK(unit_same_as(out, DATA "expect-forward"));
	CHECK_INT(virtuser_parse(&fw, "fw", out->buf, out->len), 0);
	CHECK_INT(virtuser_forward(&fw, "alice", &doms, local, "%u@neko-base.nekodojo.test", &again), 0);
	CHECK(same_bytes(&again, out->buf, out->len));
	/* after the edit every line of alice's points off the host */
	CHECK_INT(virtuser_mail_mode(&fw, "alice", &doms, local), VU_MODE_FORWARDED);
	CHECK_INT(virtuser_forward(&fw, "alice", &doms, local, "a b", &again), -1);
	virtuser_release(&fw);
	strlist_clear(&doms);
	strbuf_release(&again);
}

static void
test_new_host(const struct virtuser *old, const struct strlist *local, struct strbuf *out)
{
	struct strlist doms = STRLIST_INIT, keys = STRLIST_INIT, vals = STRLIST_INIT;
	struct strbuf again = STRBUF_INIT;
	struct virtuser nv, done;

	lists(&doms, "alice.test");
	virtuser_wanted_new(old, "alice", &doms, local, &keys, &vals);
	CHECK_INT(keys.n, 8);
	CHECK_STR(vals.v[3], "alice");
	CHECK_STR(vals.v[4], "alice, partner@example.org");
	CHECK_STR(vals.v[7], "%1@alice-shop.example.net");
	load(&nv, DATA "virtusertable.new");
	CHECK_INT(virtuser_set(&nv, "alice", &keys, &vals, out), 1);
	CHECK(unit_same_as(out, DATA "expect-new"));
	CHECK_INT(virtuser_parse(&done, "done", out->buf, out->len), 0);
	CHECK_INT(virtuser_set(&done, "alice", &keys, &vals, &again), 0);
	CHECK(same_bytes(&again, out->buf, out->len));
	/* a later key joins the section; removal takes the whole section */
	lists(&keys, "new@alice.test");
	lists(&vals, "alice");
	CHECK_INT(virtuser_set(&done, "alice", &keys, &vals, &again), 1);
	CHECK(strstr(again.buf, "%1@alice-shop.example.net\nnew@alice.test\talice\n") != NULL);
	virtuser_release(&done);
	CHECK_INT(virtuser_parse(&done, "done", again.buf, again.len), 0);
	CHECK_INT(virtuser_remove_marked(&done, "alice", &again), 1);
	CHECK(strstr(again.buf, "alice.test") == NULL);
	CHECK(strstr(again.buf, "WebMaster@mydomain.test\talice\npostmaster") != NULL);
	CHECK_INT(virtuser_remove_marked(&nv, "alice", &again), 0);
	lists(&keys, "x@y.test X@Y.test");
	lists(&vals, "a b");
	CHECK_INT(virtuser_set(&nv, "alice", &keys, &vals, &again), -1);
	virtuser_release(&done);
	virtuser_release(&nv);
	strlist_clear(&doms);
	strlist_clear(&keys);
	strlist_clear(&vals);
	strbuf_release(&again);
}

static void
test_set_shapes(void)
{
	struct strlist keys = STRLIST_INIT, vals = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT;
	struct virtuser vt;
	const char *s = "a@x.test\tb\r\nc@x.test\td";

	/* no final newline, CRLF: the section starts on a new CRLF line */
	CHECK_INT(virtuser_parse(&vt, "crlf", s, strlen(s)), 0);
	lists(&keys, "e@x.test");
	lists(&vals, "f");
	CHECK_INT(virtuser_set(&vt, "bob", &keys, &vals, &out), 1);
	CHECK_STR(out.buf, "a@x.test\tb\r\nc@x.test\td\r\n# ferry: account bob\r\ne@x.test\tf\r\n");
	virtuser_release(&vt);
	/* the empty table */
	CHECK_INT(virtuser_parse(&vt, "empty", "", 0), 0);
	CHECK_INT(virtuser_set(&vt, "bob", &keys, &vals, &out), 1);
	CHECK_STR(out.buf, "# ferry: account bob\ne@x.test\tf\n");
	virtuser_release(&vt);
	strlist_clear(&keys);
	strlist_clear(&vals);
	strbuf_release(&out);
}

static void
test_mtadomains(void)
{
	struct strbuf t = STRBUF_INIT, out = STRBUF_INIT;

	unit_slurp(DATA "local-host-names", &t);
	CHECK(mtadomains_has(t.buf, t.len, "neko-base.nekodojo.test"));
	CHECK(mtadomains_has(t.buf, t.len, "mydomain.test"));
	CHECK(!mtadomains_has(t.buf, t.len, "alice.test"));
	CHECK_INT(mtadomains_add(t.buf, t.len, "alice.test", &out), 1);
	CHECK(unit_same_as(&out, DATA "expect-local-host-names"));
	strbuf_reset(&t);
	strbuf_add(&t, out.buf, out.len);
	CHECK_INT(mtadomains_add(t.buf, t.len, "ALICE.test", &out), 0);
	CHECK(same_bytes(&out, t.buf, t.len));
	CHECK_INT(mtadomains_add(t.buf, t.len, "a b", &out), -1);
	strbuf_release(&t);
	strbuf_release(&out);
}

/* makemap hash DIR/NAME < table; returns its status */
static int
makemap(const char *dir, const char *name, const struct strbuf *table, struct strbuf *dump)
{
	struct strbuf map = STRBUF_INIT;
	struct child c = CHILD_INIT;
	const char *argv[] = { "makemap", "hash", NULL, NULL };
	const char *unmap[] = { "makemap", "-u", "hash", NULL, NULL };
	int st;

	strbuf_addf(&map, "%s/%s", dir, name);
	argv[2] = map.buf;
	c.argv = argv;
	c.in = table->buf;
	c.in_len = table->len;
	c.timeout_ms = 20000;
	st = run_command(&c);
	child_release(&c);
	if (st == 0 && dump) {
		unmap[3] = map.buf;
		run_simple(unmap, dump);
	}
	strbuf_release(&map);
	return st;
}

static void
test_makemap(const struct strbuf *forwarded, const struct strbuf *newtab)
{
	char dir[] = "/tmp/t-virtuser.XXXXXX";
	const char *rm[] = { "rm", "-rf", "--", dir, NULL };
	struct strbuf dump = STRBUF_INIT, bad = STRBUF_INIT;

	if (access("/usr/sbin/makemap", X_OK) != 0) {
		printf("# makemap not installed: skipped\n");
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(makemap(dir, "old", forwarded, &dump), 0);
	CHECK(strstr(dump.buf, "info@alice.test\talice@neko-base.nekodojo.test\n") != NULL);
	strbuf_reset(&dump);
	CHECK_INT(makemap(dir, "new", newtab, &dump), 0);
	CHECK(strstr(dump.buf, "@shop.alice.test\t%1@alice-shop.example.net\n") != NULL);
	CHECK(strstr(dump.buf, "webmaster@mydomain.test\talice\n") != NULL);
	/* the check can fail: a key without a value */
	strbuf_addstr(&bad, "novalue@x.test\n");
	CHECK(makemap(dir, "bad", &bad, NULL) != 0);
	run_simple(rm, NULL);
	strbuf_release(&dump);
	strbuf_release(&bad);
}

int
main(void)
{
	struct strlist local = STRLIST_INIT, both = STRLIST_INIT;
	struct strbuf forwarded = STRBUF_INIT, newtab = STRBUF_INIT;
	struct virtuser vt;

	load(&vt, DATA "virtusertable");
	/* charon's local-host-names, and with neko-base's names too */
	lists(&local, "localhost charon charon.nekodojo.test mydomain.test alice.test carol.test");
	lists(&both, "localhost charon charon.nekodojo.test mydomain.test alice.test carol.test "
	    "neko-base neko-base.nekodojo.test");
	test_parse(&vt);
	test_classify();
	test_account(&vt, &local);
	test_forward(&vt, &local, &forwarded);
	test_new_host(&vt, &both, &newtab);
	test_set_shapes();
	test_mtadomains();
	test_makemap(&forwarded, &newtab);
	virtuser_release(&vt);
	strlist_clear(&local);
	strlist_clear(&both);
	strbuf_release(&forwarded);
	strbuf_release(&newtab);
	UNIT_DONE("virtuser");
}
