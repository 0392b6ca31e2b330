/* t-diff: unified diffs (diff.c) -- their exact text, and patch(1) taking them. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "diff.h"
#include "log.h"
#include "run-command.h"
#include "strbuf.h"
#include "unit.h"

#define DATA "tests/unit/data/zone/"

static char tmpdir[] = "/tmp/t-diff.XXXXXX";

/* a zone file of the zone tests' data, and what an edit should make of it */
static void
data(const char *name, struct strbuf *sb)
{
	char path[256];

	snprintf(path, sizeof(path), DATA "%s", name);
	unit_slurp(path, sb);
}

static void
test_diff(void)
{
	struct strbuf out = STRBUF_INIT;

	CHECK_INT(diff_unified("db.x", "a\nb\n", "a\nb\n", &out), 0);
	CHECK_INT(out.len, 0);
	CHECK_INT(diff_unified("db.x", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
	    "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\neleven\n", &out), 1);
	CHECK_STR(out.buf, "--- db.x\n+++ db.x\n@@ -2,9 +2,10 @@\n 2\n 3\n 4\n-5\n+five\n 6\n"
	    " 7\n 8\n 9\n 10\n+eleven\n");
	strbuf_reset(&out);
	CHECK_INT(diff_unified("f", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
	    "x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ny", &out), 1);
	CHECK_STR(out.buf, "--- f\n+++ f\n@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n 4\n"
	    "@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+y\n\\ No newline at end of file\n");
	strbuf_reset(&out);
	CHECK_INT(diff_unified("new", "", "a\n", &out), 1);
	CHECK_STR(out.buf, "--- new\n+++ new\n@@ -0,0 +1 @@\n+a\n");
	strbuf_release(&out);
}

/* patch(1) turns old into new with our diff: the format is the real one */
static int
patch_applies(const char *old_text, const char *new_text)
{
	char path[512], outp[512];
	const char *argv[] = { "patch", "-s", "-o", outp, path, NULL };
	struct child c = CHILD_INIT;
	struct strbuf d = STRBUF_INIT, got = STRBUF_INIT;
	FILE *fp;
	int ok = 0;

	snprintf(path, sizeof(path), "%s/patch-old", tmpdir);
	snprintf(outp, sizeof(outp), "%s/patch-new", tmpdir);
	if (!(fp = fopen(path, "wb")))
		return 0;
	fputs(old_text, fp);
	fclose(fp);
	diff_unified("patch-old", old_text, new_text, &d);
	c.argv = argv;
	c.in = d.buf;
	c.in_len = d.len;
	if (run_command(&c) == 0 && (fp = fopen(outp, "rb"))) {
		char buf[4096];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			strbuf_add(&got, buf, n);
		fclose(fp);
		ok = !strcmp(got.buf, new_text);
	}
	child_release(&c);
	strbuf_release(&d);
	strbuf_release(&got);
	return ok;
}

static void
test_diff_applies(void)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, out = STRBUF_INIT;
	int i;

	data("basic.zone", &a);
	data("basic.batch.expected", &b);
	CHECK(patch_applies(a.buf, b.buf));
	data("basic.del.expected", &b);
	CHECK(patch_applies(a.buf, b.buf));
	data("nonl.zone", &a);
	data("nonl.add.expected", &b);
	CHECK(patch_applies(a.buf, b.buf));
	CHECK(patch_applies("x\ny\nz\n", "y\nq\nz\nw\n"));
	/* past the LCS cap: one block, still a diff patch accepts */
	strbuf_reset(&a);
	strbuf_reset(&b);
	for (i = 0; i < 2100; i++) {
		strbuf_addf(&a, "a%d\n", i);
		strbuf_addf(&b, "b%d\n", i);
	}
	CHECK_INT(diff_unified("big", a.buf, b.buf, &out), 1);
	CHECK(!strncmp(out.buf, "--- big\n+++ big\n@@ -1,2100 +1,2100 @@\n-a0\n-a1\n", 38));
	CHECK(patch_applies(a.buf, b.buf));
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&out);
}

/* the editor's output against GNU diff's view of the same change */
static void
test_diff_of_an_edit(void)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, out = STRBUF_INIT;

	data("basic.zone", &a);
	data("basic.mx.expected", &b);
	CHECK_INT(diff_unified("db.alice.test", a.buf, b.buf, &out), 1);
	CHECK_STR(out.buf, "--- db.alice.test\n+++ db.alice.test\n@@ -9,7 +9,7 @@\n"
	    " \tIN\tNS\tns1.mydomain.test.\n \tIN\tNS\tns2.mydomain.test.\n \n"
	    "-@\tIN\tMX\t10 mail.mydomain.test.\n+@\tIN\tMX\t10 neko.mydomain.test.\n"
	    " @\tIN\tA\t192.0.2.10\n www\tIN\tA\t192.0.2.10\t; web\n"
	    " \tIN\tTXT\t\"v=spf1 a; not a comment\" ; a comment\n");
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&out);
}

int
main(void)
{
	const char *rm[] = { "rm", "-rf", tmpdir, NULL };

	if (!mkdtemp(tmpdir))
		fatal_errno("mkdtemp");
	test_diff();
	test_diff_of_an_edit();
	test_diff_applies();
	run_simple(rm, NULL);
	UNIT_DONE("diff");
}
