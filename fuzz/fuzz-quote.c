/*
 * fuzz-quote: argv words (the input split at NUL bytes) through
 * remote_command_line(), the line ssh hands to the remote shell, then
 * split again by a reference POSIX sh word splitter: the same words must
 * come back, and no byte may be left where the shell would expand or
 * act on it.  One input in 512 also goes through /bin/sh itself.
 */
#include <errno.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"
#include "remote.h"
#include "strbuf.h"

#define MAX_WORDS 16

extern char **environ;

/* a character that means something to sh outside quotes */
static int
special(int c)
{
	return c && strchr("|&;<>()$`\\\"'*?[#~=%{}!^", c) != NULL;
}

/* the body of a double-quoted string up to its closing quote; -1 if unclosed */
static int
dquote(const char **pp, struct strbuf *w)
{
	const char *p = *pp;

	for (; *p && *p != '"'; p++) {
		if (*p == '$' || *p == '`')
			fuzz_fail("expansion inside double quotes");
		if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1]))
			p++;
		strbuf_addch(w, *p);
	}
	if (!*p)
		return -1;
	*pp = p + 1;
	return 0;
}

/* splits a command line as sh would, refusing anything it would expand */
static int
split_sh(const char *p, struct strlist *words)
{
	struct strbuf w = STRBUF_INIT;
	int in_word = 0;

	for (;;) {
		if (!*p || *p == ' ' || *p == '\t' || *p == '\n') {
			if (in_word)
				strlist_push(words, w.buf ? w.buf : "");
			strbuf_reset(&w);
			in_word = 0;
			if (!*p++)
				break;
			continue;
		}
		in_word = 1;
		if (*p == '\'') {
			const char *q = strchr(p + 1, '\'');

			if (!q)
				return -1;
			strbuf_add(&w, p + 1, (size_t)(q - p - 1));
			p = q + 1;
		} else if (*p == '"') {
			p++;
			if (dquote(&p, &w) < 0)
				return -1;
		} else if (*p == '\\' && p[1]) {
			if (p[1] != '\n')
				strbuf_addch(&w, p[1]);
			p += 2;
		} else if (special((unsigned char)*p)) {
			fuzz_fail("unquoted %c in the line", *p);
		} else
			strbuf_addch(&w, *p++);
	}
	strbuf_release(&w);
	return 0;
}

/* what sh makes of line: its words, each followed by a NUL */
static void
through_sh(const char *line, struct strbuf *got)
{
	struct strbuf script = STRBUF_INIT;
	char *argv[] = { "/bin/sh", "-c", NULL, NULL };
	posix_spawn_file_actions_t fa;
	int fd[2], st;
	pid_t pid, r;
	char buf[4096];
	ssize_t n;

	strbuf_addf(&script, "set -- %s\nfor a; do printf '%%s\\0' \"$a\"; done\n", line);
	argv[2] = script.buf;
	fuzz_assert(pipe(fd) == 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	fuzz_assert(posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ) == 0);
	close(fd[1]);
	/* libFuzzer's -timeout ticks with SIGALRM: EINTR is no failure */
	while ((n = read(fd[0], buf, sizeof buf)) != 0) {
		fuzz_assert(n > 0 || errno == EINTR);
		if (n > 0)
			strbuf_add(got, buf, (size_t)n);
	}
	close(fd[0]);
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	fuzz_assert(r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	posix_spawn_file_actions_destroy(&fa);
	strbuf_release(&script);
}

static void
check_sh(const char *line, const char *const *argv)
{
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
	size_t i;

	for (i = 0; argv[i]; i++)
		strbuf_add(&want, argv[i], strlen(argv[i]) + 1);
	through_sh(line, &got);
	if (got.len != want.len || memcmp(got.buf, want.buf, want.len))
		fuzz_fail("/bin/sh split the line differently: %s", line);
	strbuf_release(&got);
	strbuf_release(&want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long count;
	const char *argv[MAX_WORDS + 1];
	struct strlist back = STRLIST_INIT;
	struct strbuf line = STRBUF_INIT;
	char *copy = fuzz_cstr(data, size, size), *p = copy;
	size_t n = 0, i;

	memcpy(copy, data, size);
	while (n < MAX_WORDS && p <= copy + size) {
		argv[n++] = p;
		p += strlen(p) + 1;
	}
	argv[n] = NULL;
	remote_command_line(&line, argv);
	if (split_sh(line.buf ? line.buf : "", &back) < 0)
		fuzz_fail("unclosed quote in: %s", line.buf);
	fuzz_assert(back.n == n);
	for (i = 0; i < n; i++)
		fuzz_assert(!strcmp(back.v[i], argv[i]));
	if (count++ % 512 == 0 && line.len < 8192)
		check_sh(line.buf, argv);
	strlist_clear(&back);
	strbuf_release(&line);
	free(copy);
	return 0;
}
