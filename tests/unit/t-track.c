/*
 * t-track.c: inotifywait's records into phase1.3's lists (track_parse), and
 * the old host's wrapper that expands new directories for rsync
 * --files-from, run here by a real sh in a scratch tree.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files-track.h"
#include "run-command.h"
#include "unit.h"

#define OWN "/var/lib/ferry/track/alice"

static void
roots_of(struct track_root *r, const char *a, const char *b)
{
	struct strlist p = STRLIST_INIT;

	strlist_push(&p, a);
	if (b)
		strlist_push(&p, b);
	track_roots_init(r, &p);
	strlist_clear(&p);
}

/* the list joined by '|' ("\n" in a name shows as itself) */
static void
joined(struct strbuf *out, const struct strlist *l)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < l->n; i++)
		strbuf_addf(out, "%s%s", i ? "|" : "", l->v[i]);
}

static const char events[] =
	"CLOSE_WRITE,CLOSE /home/alice/a/b.txt\0"
	"MODIFY /home/alice/a/b.txt\0"
	"CREATE,ISDIR /home/alice/new\0"
	"CREATE,ISDIR /home/alice/new/sub\0"
	"DELETE /home/alice/gone\0"
	"ATTRIB,ISDIR /home/alice/\0"
	"MOVED_TO,ISDIR /srv/www/alice/moved\0"
	"MOVED_FROM,ISDIR /home/alice/old\0"
	"CREATE " OWN "/s/ferry-1-2\0"
	"CREATE /home/alice/name with\nnewline\0"
	"ATTRIB /home/alice/-dash\0"
	"DELETE_SELF /home/alice/a/dir/\0";

static void
test_parse(void)
{
	struct track_root r[2];
	struct strbuf why = STRBUF_INIT, got = STRBUF_INIT;

	roots_of(r, "/home/alice/", "/srv/www/alice");
	CHECK_STR(r[0].path, "/home/alice");
	CHECK_INT(track_parse(events, sizeof events - 1, OWN, r, 2, &why), 0);
	CHECK_STR(why.buf, "");
	joined(&got, &r[0].list);
	CHECK_STR(got.buf, ".|./-dash|./a/b.txt|./a/dir|./gone|./name with\nnewline|./new|./new/sub|./old");
	joined(&got, &r[0].dirs);
	CHECK_STR(got.buf, "./new");	/* ./new/sub: found by ./new's find */
	joined(&got, &r[1].list);
	CHECK_STR(got.buf, "./moved");
	joined(&got, &r[1].dirs);
	CHECK_STR(got.buf, "./moved");
	track_roots_release(r, 2);
	strbuf_release(&why);
	strbuf_release(&got);
}

/*
 * mkdir -p a/b/c/d: every level reported as made; only ./a is sent whole
 * (fuzz-track found the nested ones searched among names already freed)
 */
static void
test_nested_dirs(void)
{
	static const char ev[] = "CREATE,ISDIR /home/alice/a\0CREATE,ISDIR /home/alice/a/b\0"
	    "CREATE,ISDIR /home/alice/a/b/c\0CREATE,ISDIR /home/alice/a/b/c/d\0"
	    "CREATE,ISDIR /home/alice/ab\0CREATE,ISDIR /home/alice/z/y\0";
	struct track_root r[1];
	struct strbuf why = STRBUF_INIT, got = STRBUF_INIT;

	roots_of(r, "/home/alice", NULL);
	CHECK_INT(track_parse(ev, sizeof ev - 1, OWN, r, 1, &why), 0);
	joined(&got, &r[0].dirs);
	CHECK_STR(got.buf, "./a|./ab|./z/y");
	joined(&got, &r[0].list);
	CHECK_STR(got.buf, "./a|./a/b|./a/b/c|./a/b/c/d|./ab|./z/y");
	track_roots_release(r, 1);
	strbuf_release(&why);
	strbuf_release(&got);
}

/* every reason the list cannot be trusted, and one name that only looks like a root */
static void
expect_untrusted(const char *ev, size_t len, const char *reason)
{
	struct track_root r[1];
	struct strbuf why = STRBUF_INIT;

	roots_of(r, "/home/alice", NULL);
	CHECK_INT(track_parse(ev, len, OWN, r, 1, &why), -1);
	CHECK_STR(why.buf, reason);
	track_roots_release(r, 1);
	strbuf_release(&why);
}

static void
test_untrusted(void)
{
	static const char over[] = "MODIFY /home/alice/x\0Q_OVERFLOW \0";
	static const char self[] = "DELETE_SELF /home/alice/\0";
	static const char moved[] = "MOVE_SELF /home/alice/\0";
	static const char outside[] = "CREATE /home/alicex/y\0";
	static const char partial[] = "MODIFY /home/alice/x\0MODIFY /home/al";
	static const char noname[] = "MODIFY\0";
	char *longrec = malloc(5000);

	expect_untrusted(over, sizeof over - 1, "the inotify queue overflowed");
	expect_untrusted(self, sizeof self - 1, "/home/alice itself was moved or deleted");
	expect_untrusted(moved, sizeof moved - 1, "/home/alice itself was moved or deleted");
	expect_untrusted(outside, sizeof outside - 1, "a change outside the watched trees");
	expect_untrusted(partial, sizeof partial - 1, "the events end in a partial record");
	expect_untrusted(noname, sizeof noname - 1, "an event record was cut short");
	memcpy(longrec, "MODIFY /home/alice/", 19);
	memset(longrec + 19, 'x', 4000);
	longrec[4019] = '\0';
	expect_untrusted(longrec, 4020, "an event record was cut short");
	free(longrec);
}

static void
touch(const char *path)
{
	FILE *fp = fopen(path, "w");

	if (fp)
		fclose(fp);
}

/*
 * the wrapper with "tr \0 \n" for rsync: what rsync would read is the list
 * and then every entry under each new directory, names as they are; none
 * of it when a file there has hard links
 */
static void
test_wrap(void)
{
	char tmpl[] = "/tmp/t-track.XXXXXX";
	const char *dir = mkdtemp(tmpl);
	struct track_root r[1];
	struct strlist rs = STRLIST_INIT, argv = STRLIST_INIT;
	struct strbuf in = STRBUF_INIT, path = STRBUF_INIT;
	struct child c = CHILD_INIT;

	if (dir == NULL || chdir(dir) < 0) {
		CHECK(dir != NULL);
		return;
	}
	mkdir("-new", 0755);
	mkdir("-new/deep", 0755);
	touch("-new/deep/f 1");
	roots_of(r, dir, NULL);
	strlist_push(&r[0].list, "./a");
	strlist_push(&r[0].list, "./-new");
	strlist_push(&r[0].dirs, "./-new");
	strlist_push(&r[0].dirs, "./vanished");
	strlist_push(&rs, "sh");
	strlist_push(&rs, "-c");
	strlist_push(&rs, "tr '\\0' '\\n' | sort; echo \"args: $*\"");
	strlist_push(&rs, "sh");
	strlist_push(&rs, "--files-from=-");
	track_wrap(&argv, &in, &r[0], &rs);
	CHECK_INT(in.len, 11);	/* "./a\0./-new\0" */
	c.argv = (const char *const *)argv.v;
	c.in = in.buf;
	c.in_len = in.len;
	CHECK_INT(run_command(&c), 0);
	CHECK_STR(c.out.buf, "./-new\n./-new\n./-new/deep\n./-new/deep/f 1\n./a\nargs: --files-from=-\n");
	child_release(&c);
	/* a second name for a file under a new directory: no list is safe */
	CHECK_INT(link("-new/deep/f 1", "elsewhere"), 0);
	c = (struct child)CHILD_INIT;
	c.argv = (const char *const *)argv.v;
	c.in = in.buf;
	c.in_len = in.len;
	CHECK_INT(run_command(&c), TRACK_HARDLINKS);
	CHECK_STR(c.out.buf, "");
	child_release(&c);
	strbuf_addf(&path, "rm -rf -- '%s'", dir);
	if (chdir("/") == 0) {
		const char *rm[] = { "sh", "-c", path.buf, NULL };

		run_simple(rm, NULL);
	}
	track_roots_release(r, 1);
	strlist_clear(&rs);
	strlist_clear(&argv);
	strbuf_release(&in);
	strbuf_release(&path);
}

int
main(void)
{
	test_parse();
	test_nested_dirs();
	test_untrusted();
	test_wrap();
	UNIT_DONE("track");
}
