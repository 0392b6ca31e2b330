/* t-dns-batch.c: zone change sets as queue payloads, and the journal's edit queue. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "unit.h"
#include "dns-batch.h"
#include "journal.h"

static char dir[] = "/tmp/t-dns-batch.XXXXXX";

static void
test_roundtrip(void)
{
	struct zone_change in[3] = {
		{ ZONE_SET_A, "www.x.test.", NULL, "192.0.2.10", "192.0.2.20", -1, -1 },
		{ ZONE_ADD, "t.x.test.", "TXT", NULL, "\"a\tb%c\nd\"", 300, -1 },
		{ ZONE_SET_MX, "@", NULL, "charon.x.test.", "neko.x.test.", -1, 10 },
	};
	struct strbuf text = STRBUF_INIT;
	struct strlist pool = STRLIST_INIT;
	struct zone_change *out = NULL;
	size_t n = 0, i;

	zone_changes_encode(in, 3, &text);
	CHECK(strchr(text.buf, '%') != NULL);
	CHECK_INT(zone_changes_decode(text.buf, &pool, &out, &n), 0);
	CHECK_INT(n, 3);
	for (i = 0; i < n && i < 3; i++) {
		CHECK_INT(out[i].op, in[i].op);
		CHECK_STR(out[i].name, in[i].name);
		CHECK(out[i].type == NULL ? in[i].type == NULL : strcmp(out[i].type, in[i].type) == 0);
		CHECK(out[i].old == NULL ? in[i].old == NULL : strcmp(out[i].old, in[i].old) == 0);
		CHECK_STR(out[i].value, in[i].value);
		CHECK_INT(out[i].ttl, in[i].ttl);
		CHECK_INT(out[i].pref, in[i].pref);
	}
	free(out);
	out = NULL;
	n = 0;
	CHECK_INT(zone_changes_decode("set-a\t=x\t-\t-\t=1.2.3.4\t-1\n", &pool, &out, &n), -1);
	CHECK_INT(zone_changes_decode("bogus\t=x\t-\t-\t-\t-1\t-1\n", &pool, &out, &n), -1);
	CHECK_INT(zone_changes_decode("add\t=x\t=A\t-\t=%4\t-1\t-1\n", &pool, &out, &n), -1);
	free(out);
	strlist_clear(&pool);
	strbuf_release(&text);
}

static void
test_queue(struct journal *j)
{
	struct edit_request *q, one;
	long long a, b, c;
	size_t n;

	CHECK_INT(journal_queue_put(j, "charon:/z", "alice", "prep.3", "A\n", &a), 0);
	CHECK_INT(journal_queue_put(j, "charon:/z", "bob", "prep.3", "B\n", &b), 0);
	CHECK_INT(journal_queue_put(j, "charon:/other", "carol", "prep.3", "C\n", &c), 0);
	CHECK_INT(journal_queue_list(j, "charon:/z", &q, &n), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(q[0].account, "alice");
		CHECK_STR(q[1].payload, "B\n");
	}
	edit_requests_free(q, n);
	CHECK_INT(journal_queue_done(j, a, "serial 7 by bob"), 0);
	CHECK_INT(journal_queue_get(j, a, &one), 1);
	CHECK_STR(one.state, "done");
	CHECK_STR(one.result, "serial 7 by bob");
	edit_request_release(&one);
	/* a second request of bob's step replaces the first */
	CHECK_INT(journal_queue_put(j, "charon:/z", "bob", "prep.3", "B2\n", &c), 0);
	CHECK_INT(journal_queue_get(j, b, &one), 0);
	CHECK_INT(journal_queue_list(j, "charon:/z", &q, &n), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(q[0].payload, "B2\n");
	edit_requests_free(q, n);
}

/* a request whose process died is not folded into anyone's edit */
static void
test_dead_owner(struct journal *j, const char *path)
{
	struct edit_request *q;
	sqlite3 *db;
	size_t n;
	char sql[100];
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	CHECK_INT(waitpid(pid, NULL, 0), pid);	/* reaped: that pid names no process now */
	snprintf(sql, sizeof sql, "UPDATE edit_queue SET pid = %d WHERE account = 'bob'", (int)pid);
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	CHECK_INT(journal_queue_list(j, "charon:/z", &q, &n), 0);
	CHECK_INT(n, 0);
	edit_requests_free(q, n);
}

int
main(void)
{
	struct journal *j;
	char path[300];

	test_roundtrip();
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/ferry.db", dir);
	CHECK_INT(journal_open(&j, path, 1), 0);
	test_queue(j);
	test_dead_owner(j, path);
	journal_close(j);
	unlink(path);
	snprintf(path, sizeof path, "%s/ferry.db.lock", dir);
	unlink(path);
	rmdir(dir);
	UNIT_DONE("dns-batch");
}
