/*
 * t-quote.c: shell_quote() against real shells.  Each hostile word is
 * quoted, pasted into a command line for sh -c (exactly what the remote
 * side of ssh does with ferry's words) and must come back byte for byte,
 * with nothing executed: the shell runs in an empty directory that must
 * stay empty.
 */
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "remote.h"
#include "unit.h"

static const char *const hostile[] = {
	"plain", "", " ", "it's", "''", "'\\''", "\"double\"", "$(touch dollar)",
	"`touch backtick`", "a\nb\n", "\n", "x; touch semi", "a && touch and", "a | touch pipe",
	"*", "~", "~root", "-rf", "--", "back\\slash\\", "\\'", "100%s %d %n", "$HOME ${PATH}",
	"héllo wörld ✓ 日本語", "tab\there", "!event", "#hash", "a'b\"c`d$e\\f",
	"> redirect", "< in", "(sub)", "{a,b}", "[ab]", "\t\t", "='", NULL
};

static int
dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n == 0;
}

/* sh -c "printf '%s' QUOTED" must print the word itself */
static void
round_trip(const char *shell, const char *dir, const char *word)
{
	struct strbuf line = STRBUF_INIT;
	struct child c = CHILD_INIT;
	const char *argv[] = { shell, "-c", NULL, NULL };

	strbuf_addstr(&line, "printf '%s' ");
	shell_quote(&line, word);
	argv[2] = line.buf;
	c.argv = argv;
	c.dir = dir;
	CHECK_INT(run_command(&c), 0);
	if (c.out.len != strlen(word) || memcmp(c.out.buf, word, c.out.len) != 0)
		printf("# %s: sent [%s] got [%s]\n", shell, word, c.out.buf);
	CHECK(c.out.len == strlen(word) && memcmp(c.out.buf, word, c.out.len) == 0);
	child_release(&c);
	strbuf_release(&line);
}

/* many words joined by remote_command_line stay separate words */
static void
joined_words(const char *shell, const char *dir)
{
	struct strbuf line = STRBUF_INIT, want = STRBUF_INIT;
	const char *argv[64] = { "printf", "[%s]" };
	const char *sh_argv[] = { shell, "-c", NULL, NULL };
	struct child c = CHILD_INIT;
	size_t i, n = 2;

	for (i = 0; hostile[i]; i++) {
		argv[n++] = hostile[i];
		strbuf_addf(&want, "[%s]", hostile[i]);
	}
	argv[n] = NULL;
	remote_command_line(&line, argv);
	sh_argv[2] = line.buf;
	c.argv = sh_argv;
	c.dir = dir;
	CHECK_INT(run_command(&c), 0);
	CHECK_INT(c.out.len, want.len);
	CHECK(c.out.len == want.len && memcmp(c.out.buf, want.buf, want.len) == 0);
	child_release(&c);
	strbuf_release(&line);
	strbuf_release(&want);
}

/* every byte but NUL, and a long word thick with quotes */
static void
odd_words(const char *shell, const char *dir)
{
	char bytes[256];
	struct strbuf long_word = STRBUF_INIT;
	int i;

	for (i = 1; i < 256; i++)
		bytes[i - 1] = (char)i;
	bytes[255] = '\0';
	round_trip(shell, dir, bytes);
	for (i = 0; i < 3000; i++)
		strbuf_addstr(&long_word, "ab'cd\"e$f\\");
	round_trip(shell, dir, long_word.buf);
	strbuf_release(&long_word);
}

static void
exact_forms(void)
{
	struct strbuf sb = STRBUF_INIT;
	const char *argv[] = { "rm", "-rf", "a b", "it's", "", NULL };

	shell_quote(&sb, "abc");
	CHECK_STR(sb.buf, "'abc'");
	strbuf_reset(&sb);
	shell_quote(&sb, "it's");
	CHECK_STR(sb.buf, "'it'\\''s'");
	strbuf_reset(&sb);
	shell_quote(&sb, "");
	CHECK_STR(sb.buf, "''");
	strbuf_reset(&sb);
	remote_command_line(&sb, argv);
	CHECK_STR(sb.buf, "'rm' '-rf' 'a b' 'it'\\''s' ''");
	strbuf_release(&sb);
}

int
main(void)
{
	const char *shells[] = { "/bin/sh", "/bin/bash", "/bin/dash", NULL };
	char dir[] = "/tmp/t-quote-XXXXXX";
	size_t s, i;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	exact_forms();
	for (s = 0; shells[s]; s++) {
		if (access(shells[s], X_OK) != 0)
			continue;
		for (i = 0; hostile[i]; i++)
			round_trip(shells[s], dir, hostile[i]);
		joined_words(shells[s], dir);
		odd_words(shells[s], dir);
	}
	CHECK(dir_is_empty(dir));
	rmdir(dir);
	UNIT_DONE("quote");
}
