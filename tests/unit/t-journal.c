/* t-journal.c: the SQLite journal, SHA-256, the run lock, downtime, status --json. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "unit.h"
#include "config.h"
#include "downtime.h"
#include "journal.h"
#include "run-command.h"
#include "xmalloc.h"
#include "sha256.h"
#include "status.h"

static char dir[] = "/tmp/t-journal.XXXXXX";
static char db_path[256];

static unsigned
file_mode(const char *suffix)
{
	char p[300];
	struct stat sb;

	snprintf(p, sizeof p, "%s%s", db_path, suffix);
	return stat(p, &sb) == 0 ? (unsigned)(sb.st_mode & 0777) : 0xffff;
}

/* a side connection, as the sqlite3 CLI would see the file */
static long long
side_query(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open(db_path, &db) != SQLITE_OK)
		return -2;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

static void
test_sha256(void)
{
	char hex[65];
	char *big = malloc(1000000);

	sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(big, 'a', 1000000);
	sha256_hex(big, 1000000, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(big);
}

static void
test_open(struct journal **jp)
{
	struct journal *j = (struct journal *)1;

	CHECK_INT(journal_open(&j, db_path, 0), 0);
	CHECK(j == NULL);
	CHECK(access(db_path, F_OK) < 0);
	umask(022);
	CHECK_INT(journal_open(jp, db_path, 1), 0);
	CHECK(*jp != NULL);
	CHECK_INT(file_mode(""), 0600);
	CHECK_INT(journal_step_set(*jp, "alice", "prep.1", STEP_RUNNING, NULL, NULL), 0);
	CHECK_INT(file_mode("-wal"), 0600);
	CHECK_INT(file_mode("-shm"), 0600);
	CHECK_INT(side_query("PRAGMA user_version"), 2);	/* 2: the edit queue */
	CHECK_INT(side_query("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
}

static void
test_schema_reopen(struct journal **jp)
{
	struct step_record r;

	journal_close(*jp);
	CHECK_INT(journal_open(jp, db_path, 0), 0);
	CHECK(*jp != NULL);
	CHECK_INT(side_query("PRAGMA user_version"), 2);
	CHECK_INT(side_query("SELECT count(*) FROM sqlite_master WHERE type = 'table'"), 7);
	CHECK_INT(journal_step_get(*jp, "alice", "prep.1", &r), 0);
	CHECK_INT(r.state, STEP_RUNNING);
	step_record_release(&r);
	CHECK_INT(journal_set_migration(*jp, "charon", "neko-base"), 0);
	CHECK_INT(journal_set_migration(*jp, "charon", "neko-base"), 0);
	CHECK_INT(journal_set_migration(*jp, "charon", "elsewhere"), -1);
}

static void
test_newer_schema(void)
{
	struct journal *j = NULL;
	char p[300];
	sqlite3 *db;

	snprintf(p, sizeof p, "%s/future.db", dir);
	sqlite3_open(p, &db);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	CHECK_INT(journal_open(&j, p, 0), -1);
	CHECK(j == NULL);
}

static void
test_steps(struct journal *j)
{
	struct step_record r;
	double t0 = now_seconds(), started;

	CHECK_INT(journal_step_get(j, "alice", "prep.2", &r), 0);
	CHECK_INT(r.state, STEP_PENDING);
	CHECK_STR(r.detail, "");
	CHECK(r.error == NULL && r.started == 0);
	step_record_release(&r);
	journal_step_set(j, "alice", "prep.2", STEP_RUNNING, "pass 1", NULL);
	journal_step_get(j, "alice", "prep.2", &r);
	CHECK(r.state == STEP_RUNNING && r.started >= t0 - 1 && r.finished == 0);
	started = r.started;
	step_record_release(&r);
	journal_step_set(j, "alice", "prep.2", STEP_FAILED, NULL, "rsync exited 23");
	journal_step_get(j, "alice", "prep.2", &r);
	CHECK_INT(r.state, STEP_FAILED);
	CHECK_STR(r.detail, "pass 1");
	CHECK_STR(r.error, "rsync exited 23");
	CHECK(r.finished >= r.started && r.started == started);
	step_record_release(&r);
	journal_step_set(j, "alice", "prep.2", STEP_DONE, "812 files, 3.1 MB", NULL);
	journal_step_get(j, "alice", "prep.2", &r);
	CHECK_INT(r.state, STEP_DONE);
	CHECK_STR(r.detail, "812 files, 3.1 MB");
	CHECK(r.error == NULL);
	step_record_release(&r);
	journal_step_set(j, "alice", "prep.4", STEP_SKIPPED, "marked by hand", NULL);
	journal_step_get(j, "alice", "prep.4", &r);
	CHECK(r.started > 0 && r.finished == r.started);
	step_record_release(&r);
	journal_step_set(j, "alice", "prep.4", STEP_PENDING, NULL, NULL);
	journal_step_set(j, "alice", "prep.2", STEP_PENDING, "rolled back", NULL);
	journal_step_get(j, "alice", "prep.2", &r);
	CHECK(r.state == STEP_PENDING && r.started == 0 && r.finished == 0);
	step_record_release(&r);
}

static void
test_waiting_keeps_start(struct journal *j)
{
	struct step_record r;
	double first;

	journal_step_set(j, "alice", "phase2.1", STEP_WAITING, "TTL gate", NULL);
	journal_step_get(j, "alice", "phase2.1", &r);
	first = r.started;
	step_record_release(&r);
	usleep(20000);
	journal_step_set(j, "alice", "phase2.1", STEP_RUNNING, NULL, NULL);
	journal_step_get(j, "alice", "phase2.1", &r);
	CHECK(first > 0 && r.started == first);
	step_record_release(&r);
	journal_step_set(j, "alice", "phase2.1", STEP_PENDING, NULL, NULL);
}

static void
test_events_kv(struct journal *j)
{
	struct strbuf v = STRBUF_INIT;
	struct journal_event *ev;
	double when = 0;
	size_t n;

	journal_event_add(j, "carol", "phase1.2", EV_FILES_START, 100.0, "notice accepted");
	journal_event_add(j, "carol", "phase1.3", EV_FILES_END, 109.8, NULL);
	journal_event_add(j, "carol", "phase1.2", EV_FILES_START, 200.0, NULL);
	CHECK_INT(journal_event_time(j, "carol", EV_FILES_START, &when), 1);
	CHECK(when == 200.0);
	CHECK_INT(journal_event_time(j, "carol", EV_MAIL_END, &when), 0);
	CHECK_INT(journal_events(j, "carol", &ev, &n), 0);
	CHECK_INT(n, 3);
	CHECK(n == 3 && ev[1].at == 109.8 && strcmp(ev[0].detail, "notice accepted") == 0);
	CHECK(n == 3 && strcmp(ev[2].step, "phase1.2") == 0 && ev[2].detail[0] == '\0');
	journal_events_free(ev, n);
	CHECK_INT(journal_kv_get(j, "carol", "ttl.carol.test", &v), 0);
	CHECK_INT(journal_kv_set(j, "carol", "ttl.carol.test", "86400"), 0);
	CHECK_INT(journal_kv_set(j, "carol", "ttl.carol.test", "3600"), 0);
	CHECK_INT(journal_kv_get(j, "carol", "ttl.carol.test", &v), 1);
	CHECK_STR(v.buf, "3600");
	CHECK_INT(journal_kv_del(j, "carol", "ttl.carol.test"), 0);
	CHECK_INT(journal_kv_get(j, "carol", "ttl.carol.test", &v), 0);
	strbuf_release(&v);
}

static void
test_backups(struct journal *j)
{
	static const char bytes[] = "alice.test\0 alice\n\0\0@alice.test bob\n";
	struct backup b = { 0 }, got;
	char sum[65];

	b.host = "charon";
	b.path = "/etc/mail/virtusertable";
	strbuf_init(&b.data);
	strbuf_add(&b.data, bytes, sizeof bytes);
	b.existed = 1, b.mode = 0640, b.uid = 0, b.gid = 25;
	CHECK_INT(journal_backup_put(j, "alice", "phase1.8", &b), 0);
	strbuf_reset(&b.data);
	strbuf_addstr(&b.data, "a later copy");
	CHECK_INT(journal_backup_put(j, "alice", "phase1.8", &b), 0);
	CHECK_INT(journal_backup_get(j, "alice", "phase1.8", "charon", b.path, &got), 1);
	CHECK_INT(got.data.len, sizeof bytes);
	CHECK(memcmp(got.data.buf, bytes, sizeof bytes) == 0);
	sha256_hex(bytes, sizeof bytes, sum);
	CHECK_STR(got.sha256, sum);
	CHECK(got.existed == 1 && got.mode == 0640 && got.gid == 25);
	backup_release(&got);
	CHECK_INT(journal_backup_get(j, "alice", "phase1.8", "neko-base", b.path, &got), 0);
	backup_release(&got);
	/* the edit another account made after this step's, for a merging undo */
	CHECK_INT(journal_backup_next(j, "alice", "phase1.8", "charon", b.path, &got), 0);
	backup_release(&got);
	strbuf_reset(&b.data);
	strbuf_addstr(&b.data, "what alice left");
	b.host = "neko-base";
	CHECK_INT(journal_backup_put(j, "dave", "phase1.8", &b), 0);
	b.host = "charon";
	CHECK_INT(journal_backup_put(j, "dave", "phase1.8", &b), 0);
	CHECK_INT(journal_backup_next(j, "alice", "phase1.8", "charon", b.path, &got), 1);
	CHECK_STR(got.account, "dave");
	CHECK_STR(got.step, "phase1.8");
	CHECK_STR(got.data.buf, "what alice left");
	backup_release(&got);
	CHECK_INT(journal_backup_next(j, "dave", "phase1.8", "charon", b.path, &got), 0);
	backup_release(&got);
	CHECK_INT(journal_backup_next(j, "carol", "phase1.8", "charon", b.path, &got), 0);
	backup_release(&got);
	b.path = "/etc/shadow";
	CHECK_INT(journal_backup_put(j, "alice", "prep.1", &b), -1);
	strbuf_release(&b.data);
	/* a damaged backup is refused, not restored */
	CHECK_INT(side_query("UPDATE backups SET data = X'00' WHERE id = 1"), -1);
	CHECK_INT(journal_backup_get(j, "alice", "phase1.8", "charon",
	    "/etc/mail/virtusertable", &got), -1);
	backup_release(&got);
}

static int
file_contains(const char *suffix, const char *needle)
{
	struct strbuf sb = STRBUF_INIT;
	char p[300], buf[4096];
	ssize_t n;
	int fd, found = 0;
	size_t i, len = strlen(needle);

	snprintf(p, sizeof p, "%s%s", db_path, suffix);
	if ((fd = open(p, O_RDONLY)) < 0)
		return 0;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		strbuf_add(&sb, buf, (size_t)n);
	close(fd);
	for (i = 0; !found && i + len <= sb.len; i++)
		found = memcmp(sb.buf + i, needle, len) == 0;
	strbuf_release(&sb);
	return found;
}

static void
test_no_hashes(struct journal *j)
{
	const char *h = "$6$rounds5000salt$Wq1n0r3Xo6H2eH8dL9b0c7Q1zYtq9kVvGm0pD3sJ5fR2uA8xK1lNbC4";
	struct step_record r;

	CHECK(journal_looks_like_hash(h));
	CHECK(journal_looks_like_hash("x:$y$j9T$F5Jx5fExrKuPp53xLKQ..1$"
	    "X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7:1"));
	CHECK(!journal_looks_like_hash("mail costs $5$ a month"));
	CHECK(!journal_looks_like_hash("uid 1001 created"));
	CHECK_INT(journal_step_set(j, "alice", "prep.1", STEP_DONE, h, NULL), -1);
	CHECK_INT(journal_kv_set(j, "alice", "password", h), -1);
	CHECK_INT(journal_event_add(j, "alice", "prep.1", "x", 0, h), -1);
	journal_step_get(j, "alice", "prep.1", &r);
	CHECK_INT(r.state, STEP_RUNNING);
	step_record_release(&r);
	CHECK(!file_contains("", "$6$") && !file_contains("-wal", "$6$"));
}

static int
child_tries_lock(const char *errfile)
{
	struct journal *j2 = NULL;
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (!freopen(errfile, "w", stderr))
			_exit(9);
		if (journal_open(&j2, db_path, 1) < 0)
			_exit(8);
		_exit(journal_lock_run(j2) < 0 ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_lock(struct journal *j)
{
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
	char errfile[300], buf[512];
	ssize_t n;
	int fd;

	snprintf(errfile, sizeof errfile, "%s/child.err", dir);
	CHECK_INT(journal_lock_run(j), 0);
	CHECK_INT(file_mode(".lock"), 0600);
	CHECK_INT(child_tries_lock(errfile), 0);
	strbuf_addf(&want, "ferry: %s: another ferry (pid %ld) is running on this journal\n",
	    db_path, (long)getpid());
	if ((fd = open(errfile, O_RDONLY)) >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
		strbuf_add(&got, buf, (size_t)n);
	if (fd >= 0)
		close(fd);
	CHECK_STR(got.buf, want.buf);
	strbuf_release(&want);
	strbuf_release(&got);
}

static int
near(double a, double b)
{
	return a - b < 1e-9 && b - a < 1e-9;
}

static void
test_downtime_pure(void)
{
	struct journal_event ev[] = {
		{ NULL, "files.start", NULL, 100.0 }, { NULL, "web.down", NULL, 101.0 },
		{ NULL, "mush.start", NULL, 102.0 }, { NULL, "web.up", NULL, 103.0 },
		{ NULL, "mail.start", NULL, 104.0 }, { NULL, "mush.end", NULL, 105.5 },
		{ NULL, "mail.end", NULL, 108.2 }, { NULL, "files.end", NULL, 109.8 },
		{ NULL, "web.down", NULL, 110.0 }, { NULL, "web.up", NULL, 110.5 },
		{ NULL, "web.up", NULL, 111.0 }, { NULL, "mush.start", NULL, 120.0 },
		{ NULL, "web.down", NULL, 130.0 },
	};

	CHECK(near(downtime_from_events(ev, 8, DT_FILES), 9.8));
	CHECK(downtime_from_events(ev, 7, DT_FILES) == DOWNTIME_NONE);
	CHECK(near(downtime_from_events(ev, 7, DT_MAIL), 4.2));
	CHECK(downtime_from_events(ev, 6, DT_MAIL) == DOWNTIME_NONE);
	CHECK(downtime_from_events(ev, 6, DT_MUSH) == 3.5);
	CHECK(downtime_from_events(ev, 12, DT_MUSH) == DOWNTIME_NONE);	/* restarted, not ended */
	CHECK(downtime_from_events(ev, 11, DT_WEB) == 2.5);
	CHECK(downtime_from_events(ev, 13, DT_WEB) == DOWNTIME_NONE);	/* still down */
	CHECK(downtime_from_events(ev, 1, DT_WEB) == 0.0);
	CHECK(downtime_from_events(NULL, 0, DT_FILES) == DOWNTIME_NONE);
}

static struct config cf;
static struct host hosts[2];
static struct account accts[2];

static void
build_config(void)
{
	hosts[0].name = "charon";
	hosts[1].name = "neko-base";
	cf.from = &hosts[0];
	cf.to = &hosts[1];
	cf.path = "ferry.conf";
	accts[0].name = "alice";
	accts[0].services = SVC_WEB | SVC_MAIL;
	accts[0].mail = MAIL_FORWARDED;
	accts[1].name = "bob \"the mush\"";
	accts[1].services = SVC_MUSH;
	cf.accounts = accts;
	cf.n_accounts = 2;
}

/* python3 reads the JSON back and prints what a script would pick out of it */
static char *
json_query(const char *json, const char *expr)
{
	struct strbuf code = STRBUF_INIT;
	struct child c = CHILD_INIT;
	const char *argv[] = { "python3", "-c", NULL, NULL };
	char *out;

	strbuf_addf(&code, "import json, sys\nd = json.load(sys.stdin)\nprint(%s)", expr);
	argv[2] = code.buf;
	c.argv = argv;
	c.in = json;
	c.in_len = strlen(json);
	run_command(&c);
	strbuf_rtrim(&c.out);
	out = c.status == 0 ? strbuf_detach(&c.out) : xstrdup("(python3 failed)");
	child_release(&c);
	strbuf_release(&code);
	return out;
}

static int
json_tool_ok(const char *json)
{
	struct child c = CHILD_INIT;
	const char *argv[] = { "python3", "-m", "json.tool", NULL };
	int st;

	c.argv = argv;
	c.in = json;
	c.in_len = strlen(json);
	st = run_command(&c);
	child_release(&c);
	return st;
}

static void
check_query(const char *json, const char *expr, const char *want)
{
	char *got = json_query(json, expr);

	CHECK_STR(got, want);
	free(got);
}

static void
test_status_json(struct journal *j)
{
	struct account *list[] = { &accts[0], &accts[1] };
	struct strbuf out = STRBUF_INIT;

	build_config();
	journal_step_set(j, "alice", "prep.1", STEP_DONE, "uid 1001 \"created\"\n", NULL);
	journal_event_add(j, "alice", "phase1.2", EV_FILES_START, 1795543200.0, NULL);
	journal_event_add(j, "alice", "phase1.3", EV_FILES_END, 1795543209.8, NULL);
	CHECK_INT(status_json(&out, &cf, j, list, 2), 0);
	CHECK_INT(json_tool_ok(out.buf), 0);
	check_query(out.buf, "d['migration']['from'], d['migration']['to']", "charon neko-base");
	check_query(out.buf, "[a['name'] for a in d['accounts']]", "['alice', 'bob \"the mush\"']");
	check_query(out.buf, "d['accounts'][0]['services'], d['accounts'][0]['phase']",
	    "['web', 'mail'] prep");
	check_query(out.buf, "[(s['id'], s['state']) for s in d['accounts'][0]['steps'][:3]]",
	    "[('prep.1', 'done'), ('prep.2', 'pending'), ('prep.3', 'pending')]");
	check_query(out.buf, "repr(d['accounts'][0]['steps'][0]['detail'])",
	    "'uid 1001 \"created\"\\n'");
	check_query(out.buf, "len(d['accounts'][0]['steps']), len(d['accounts'][1]['steps'])",
	    "26 17");
	check_query(out.buf, "[s for s in d['accounts'][0]['steps'] if s['id'] == 'phase1.9'][0]",
	    "{'id': 'phase1.9', 'state': 'skipped', 'started': None, 'finished': None, "
	    "'detail': 'mail is forwarded (phase1.6)'}");
	check_query(out.buf, "d['accounts'][0]['downtime']", "{'web': 0.0, 'files': 9.8}");
	check_query(out.buf, "d['accounts'][1]['downtime']", "{}");
	check_query(out.buf, "sorted(d['accounts'][0]['steps'][0])",
	    "['detail', 'finished', 'id', 'started', 'state']");
	strbuf_reset(&out);
	CHECK_INT(status_json(&out, &cf, NULL, list, 1), 0);
	check_query(out.buf, "sorted(set(s['state'] for s in d['accounts'][0]['steps']))",
	    "['pending', 'skipped']");
	strbuf_release(&out);
}

static void
test_status_text(struct journal *j)
{
	struct account *list[] = { &accts[0] };
	struct strbuf out = STRBUF_INIT;
	char val[32];
	double now = now_seconds();

	snprintf(val, sizeof val, "%.0f", now + 252.2);
	journal_step_set(j, "alice", "phase2.1", STEP_WAITING, "old TTL 3600", NULL);
	journal_kv_set(j, "alice", GATE_KEY_PREFIX "phase2.1", val);
	CHECK_INT(status_text(&out, j, list, 1, now), 0);
	CHECK(strstr(out.buf, "alice [files web mail]: prep\n") == out.buf);
	CHECK(strstr(out.buf, "phase2.1        waiting") != NULL);
	CHECK(strstr(out.buf, "opens in 4m 1") != NULL);
	CHECK(strstr(out.buf, "downtime: web 0.0 s, files 9.8 s\n") != NULL);
	strbuf_release(&out);
}

static void
test_format_time(void)
{
	char buf[32];

	format_time_iso(buf, sizeof buf, 1795543200.7);
	CHECK_STR(buf, "2026-11-24T18:00:00Z");
	format_time_iso(buf, sizeof buf, 0);
	CHECK_STR(buf, "");
}

int
main(void)
{
	struct journal *j = NULL;
	struct child rm = CHILD_INIT;
	const char *rm_argv[] = { "rm", "-rf", dir, NULL };

	if (!mkdtemp(dir))
		return 2;
	snprintf(db_path, sizeof db_path, "%s/ferry.db", dir);
	test_sha256();
	test_format_time();
	test_open(&j);
	test_schema_reopen(&j);
	test_newer_schema();
	test_steps(j);
	test_waiting_keeps_start(j);
	test_events_kv(j);
	test_backups(j);
	test_no_hashes(j);
	test_lock(j);
	test_downtime_pure();
	test_status_json(j);
	test_status_text(j);
	journal_close(j);
	rm.argv = rm_argv;
	run_command(&rm);
	child_release(&rm);
	UNIT_DONE("journal");
}
