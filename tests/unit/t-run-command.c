/* t-run-command.c: the one way to run a program, and the string buffer under it. */
#include <errno.h>
#include <stdlib.h>

#include "run-command.h"
#include "strbuf.h"
#include "unit.h"

static void
test_capture_and_stdin(void)
{
	const char *argv[] = { "cat", NULL };
	struct child c = CHILD_INIT;
	static char big[300000];
	size_t i;

	for (i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + i % 26);
	c.argv = argv;
	c.in = big;
	c.in_len = sizeof big;
	CHECK_INT(run_command(&c), 0);
	CHECK_INT(c.out.len, sizeof big);
	CHECK(memcmp(c.out.buf, big, sizeof big) == 0);
	child_release(&c);
}

static void
test_status_and_stderr(void)
{
	const char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 7", NULL };
	const char *sig[] = { "sh", "-c", "kill -KILL $$", NULL };
	const char *none[] = { "/nonexistent/ferry-no-such-program", NULL };
	struct child c = CHILD_INIT;

	c.argv = argv;
	CHECK_INT(run_command(&c), 7);
	CHECK_STR(c.out.buf, "out\n");
	CHECK_STR(c.err.buf, "err\n");
	child_release(&c);
	c.argv = sig;
	CHECK_INT(run_command(&c), 128 + 9);
	child_release(&c);
	c.argv = none;
	CHECK_INT(run_command(&c), RUN_NOSTART);
	CHECK_INT(errno, ENOENT);
	child_release(&c);
}

static void
test_timeout_env_dir(void)
{
	const char *slow[] = { "sleep", "10", NULL };
	const char *envp[] = { "FERRY_T=x y", NULL };
	const char *show[] = { "sh", "-c", "printf '%s:' \"$FERRY_T\"; pwd", NULL };
	struct child c = CHILD_INIT;

	c.argv = slow;
	c.timeout_ms = 200;
	CHECK_INT(run_command(&c), RUN_TIMEOUT);
	child_release(&c);
	c.timeout_ms = 0;
	c.argv = show;
	c.env = envp;
	c.dir = "/tmp";
	CHECK_INT(run_command(&c), 0);
	CHECK_STR(c.out.buf, "x y:/tmp\n");
	child_release(&c);
}

static void
test_cap(void)
{
	const char *argv[] = { "head", "-c", "100000", "/dev/zero", NULL };
	struct child c = CHILD_INIT;

	c.argv = argv;
	c.out_cap = 1000;
	CHECK_INT(run_command(&c), 0);
	CHECK_INT(c.out.len, 1000);
	CHECK(c.truncated);
	child_release(&c);
}

static void
test_strbuf(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct strlist l = STRLIST_INIT;
	char *s;

	CHECK_STR(sb.buf, "");
	strbuf_addf(&sb, "%s-%d", "a", 42);
	strbuf_addstr(&sb, " \n");
	strbuf_rtrim(&sb);
	CHECK_STR(sb.buf, "a-42");
	strbuf_reset(&sb);
	strbuf_add_json(&sb, "q\"\\\n\x01");
	CHECK_STR(sb.buf, "\"q\\\"\\\\\\n\\u0001\"");
	s = strbuf_detach(&sb);
	CHECK_STR(sb.buf, "");
	free(s);
	/* valid UTF-8 kept as is; every other byte becomes U+FFFD */
	static const struct { const char *in, *want; } u8[] = {
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "a\xff" "b", "\"a\\ufffdb\"" },				/* never a UTF-8 byte */
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },			/* overlong '/' */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },	/* a surrogate */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },	/* above U+10FFFF */
		{ "x\xe2\x82", "\"x\\ufffd\\ufffd\"" },		/* cut short at the end */
		{ "\xc3\"", "\"\\ufffd\\\"\"" },			/* cut short by a quote */
	};
	for (size_t i = 0; i < sizeof u8 / sizeof u8[0]; i++) {
		struct strbuf j = STRBUF_INIT;

		strbuf_add_json(&j, u8[i].in);
		CHECK_STR(j.buf, u8[i].want);
		strbuf_release(&j);
	}
	sb.cap = 4;
	CHECK_INT(strbuf_add_capped(&sb, "abcdef", 6), -1);
	CHECK_STR(sb.buf, "abcd");
	strbuf_release(&sb);
	strlist_split(&l, "  apache2ctl\t -t  ");
	CHECK_INT(l.n, 2);
	CHECK_STR(l.v[1], "-t");
	CHECK(l.v[2] == NULL);
	CHECK(strlist_has(&l, "apache2ctl"));
	strlist_clear(&l);
}

int
main(void)
{
	test_capture_and_stdin();
	test_status_and_stderr();
	test_timeout_env_dir();
	test_cap();
	test_strbuf();
	UNIT_DONE("run-command");
}
