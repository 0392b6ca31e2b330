/* t-plan.c: `ferry plan` over a real config and journal: lines, order, states, JSON, usage errors. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry.h"
#include "unit.h"

static char tmpdir[] = "/tmp/t-plan.XXXXXX";

static const char conf_text[] =
	"[migration]\nfrom = old\nto = new\nadmin = admin@example.test\nsmtp = 127.0.0.1:25\n"
	"[host old]\nssh = local\naddress = 127.0.0.1\nname = old.example.test\nhome = /home\n"
	"mta = sendmail\nvirtusertable = /etc/mail/virtusertable\nmta-reload = make -C /etc/mail\n"
	"[host new]\nssh = local\naddress = 127.0.0.2\nname = new.example.test\nhome = /home\n"
	"mta = sendmail\nvirtusertable = /etc/mail/virtusertable\nmta-reload = make -C /etc/mail\n"
	"[dns]\nprimary = old\nzone-file = /etc/bind/db.%z\n"
	"[account carol]\nowner = carol@example.org\nservices = mail\ndomains = carol.test\n"
	"mail = forwarded\n"
	"[account fred]\nowner = fred@example.org\n";

static void
slurp(const char *path, struct strbuf *out)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	strbuf_reset(out);
	while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
		strbuf_add(out, buf, (size_t)n);
	if (fd >= 0)
		close(fd);
}

/* runs "plan ARGS" with stdout and stderr captured */
static int
plan(struct ferry *f, struct strbuf *out, struct strbuf *err, int argc, char **argv)
{
	int so, se, fd, rc;

	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	fd = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	close(fd);
	fd = open("err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	rc = cmd_plan_entry.exec(f, argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	slurp("out.txt", out);
	slurp("err.txt", err);
	return rc;
}

static struct strbuf line_buf = STRBUF_INIT;

/* the line of out that holds both words, or "" */
static const char *
line_with(const struct strbuf *out, const char *a, const char *b)
{
	struct strbuf *line = &line_buf;
	const char *p = out->buf, *nl;

	strbuf_reset(line);
	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		strbuf_reset(line);
		strbuf_add(line, p, (size_t)(nl - p));
		if (strstr(line->buf, a) && strstr(line->buf, b))
			return line->buf;
		if (*nl == '\0')
			break;
	}
	strbuf_reset(line);
	return line->buf;
}

static void
test_text(struct ferry *f)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *argv[] = { "plan", NULL };
	const char *p7, *p8;

	CHECK_INT(plan(f, &out, &err, 1, argv), EXIT_OK);
	CHECK_STR(err.buf, "");
	CHECK_STR(line_with(&out, "carol", "phase1.7 "),
	    "carol  phase1.7        skipped  [Mail] move the mail spool -- mail is forwarded (phase1.6)");
	CHECK_STR(line_with(&out, "carol", "phase1.8 "),
	    "carol  phase1.8        pending  [Mail] virtusertable on both hosts points at the new host "
	    "(new host first)");
	CHECK_STR(line_with(&out, "fred", "done.tidy"),
	    "fred   done.tidy       pending  [All] TTLs back to their old values, test-name removed, "
	    "the owner told the move is finished");
	CHECK_STR(line_with(&out, "carol [", "steps"), "== carol [files mail]: 19 steps, 0 done, 4 skipped");
	CHECK_STR(line_with(&out, "fred [", "steps"), "== fred [files]: 10 steps, 0 done, 0 skipped");
	/* a files-only account has no web, mail or mush steps */
	CHECK_STR(line_with(&out, "fred", "prep.ttl"), "");
	p7 = strstr(out.buf, "carol  phase1.7 ");
	p8 = strstr(out.buf, "carol  phase1.8 ");
	CHECK(p7 && p8 && p7 < p8);
	CHECK(strstr(out.buf, "carol  phase1.10 ") > strstr(out.buf, "carol  phase1.9 "));
	CHECK(strstr(out.buf, "== fred [files]") > strstr(out.buf, "carol  done.tidy"));
	CHECK(strstr(out.buf, "\n-- phase2: DNS and web move\ncarol  phase2.2  ") != NULL);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void
test_journal(struct ferry *f)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *argv[] = { "plan", "fred", NULL };

	CHECK_INT(journal_open(&f->j, f->cf->journal, 1), 0);
	CHECK_INT(journal_step_set(f->j, "fred", "prep.1", STEP_DONE, "uid 2001 created", NULL), 0);
	CHECK_INT(journal_step_set(f->j, "fred", "prep.2", STEP_FAILED, "", "rsync exited 23"), 0);
	CHECK_INT(plan(f, &out, &err, 2, argv), EXIT_OK);
	CHECK_STR(line_with(&out, "fred", "prep.1 "),
	    "fred  prep.1          done     [All] create the account on the new host (same uid, gid, "
	    "shell, password); verify ssh login, no telnet -- uid 2001 created");
	CHECK_STR(line_with(&out, "error:", "rsync"), "    error: rsync exited 23");
	CHECK_STR(line_with(&out, "fred [", "steps"), "== fred [files]: 10 steps, 1 done, 0 skipped");
	CHECK(strstr(out.buf, "carol") == NULL);
	journal_close(f->j);
	f->j = NULL;
	strbuf_release(&out);
	strbuf_release(&err);
}

static void
test_json(struct ferry *f)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *argv[] = { "plan", "--json", "carol", NULL };

	CHECK_INT(plan(f, &out, &err, 3, argv), EXIT_OK);
	CHECK(strncmp(out.buf, "{\"accounts\": [\n  {\"name\": \"carol\", \"services\": [\"mail\"],", 56) == 0);
	CHECK(strstr(out.buf, "{\"id\": \"phase1.9\", \"state\": \"skipped\", \"phase\": \"phase1\", "
	    "\"tag\": \"[Mail]\", \"title\": \"a test message arrives in the new host's spool\", "
	    "\"detail\": \"mail is forwarded (phase1.6)\"}") != NULL);
	CHECK(strstr(out.buf, "\"id\": \"prep.3\"") == NULL);
	CHECK_STR(out.buf + out.len - 6, "}]}]}\n");
	strbuf_release(&out);
	strbuf_release(&err);
}

static void
test_usage(struct ferry *f)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *unknown[] = { "plan", "carol", "zed", NULL };
	char *badopt[] = { "plan", "--verbose", NULL };

	CHECK_INT(plan(f, &out, &err, 3, unknown), EXIT_USAGE);
	CHECK(strstr(err.buf, "no [account zed]") != NULL);
	CHECK_STR(out.buf, "");
	CHECK_INT(plan(f, &out, &err, 2, badopt), EXIT_USAGE);
	CHECK(strstr(err.buf, "unknown option '--verbose'") != NULL);
	strbuf_release(&out);
	strbuf_release(&err);
}

int
main(void)
{
	struct config cf;
	struct ferry f;
	int fd;

	memset(&f, 0, sizeof f);
	if (mkdtemp(tmpdir) == NULL || chdir(tmpdir) < 0)
		return 1;
	fd = open("ferry.conf", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, conf_text, strlen(conf_text)) != (ssize_t)strlen(conf_text))
		return 1;
	close(fd);
	CHECK_INT(config_load(&cf, "ferry.conf"), 0);
	f.cf = &cf;
	test_text(&f);
	test_json(&f);
	test_usage(&f);
	test_journal(&f);
	config_free(&cf);
	strbuf_release(&line_buf);
	unlink("ferry.conf");
	unlink("out.txt");
	unlink("err.txt");
	unlink("ferry.db");
	unlink("ferry.db-wal");
	unlink("ferry.db-shm");
	unlink("ferry.db.lock");
	if (chdir("/") == 0)
		rmdir(tmpdir);
	UNIT_DONE("t-plan");
}
