/*
 * t-journal-cache.c: journal_preload()'s copy answers exactly as SQLite
 * does (rows of accounts interleaved, events out of time order, a NULL
 * step), lends strings that outlive a write, and drops itself on a write.
 */
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "journal.h"

static char dir[] = "/tmp/t-journal-cache.XXXXXX";

static const char *const accts[] = { "alice", "bob", "carol", "nobody" };
static const char *const steps[] = { "prep.1", "prep.2", "phase1.3", "done.1" };

/* rows written account after account would hide a grouping bug: interleave them */
static void
fill(struct journal *j)
{
	CHECK_INT(journal_step_set(j, "alice", "prep.1", STEP_DONE, "uid 1001", NULL), 0);
	CHECK_INT(journal_step_set(j, "bob", "prep.1", STEP_DONE, "uid 1002", NULL), 0);
	CHECK_INT(journal_step_set(j, "alice", "prep.2", STEP_FAILED, "rsync", "exit 23"), 0);
	CHECK_INT(journal_step_set(j, "carol", "phase1.3", STEP_RUNNING, NULL, NULL), 0);
	CHECK_INT(journal_step_set(j, "bob", "done.1", STEP_SKIPPED, "\"quoted\"", NULL), 0);
	CHECK_INT(journal_event_add(j, "alice", "phase1.2", "files.start", 50, "b"), 0);
	CHECK_INT(journal_event_add(j, "bob", NULL, "mail.start", 10, ""), 0);
	CHECK_INT(journal_event_add(j, "alice", "phase1.3", "files.end", 20, "a"), 0);
	CHECK_INT(journal_event_add(j, "alice", "phase1.3", "files.end", 20, "tie"), 0);
	CHECK_INT(journal_event_add(j, "bob", "phase1.10", "mail.end", 30, "x"), 0);
}

static void
same_record(const struct step_record *a, const struct step_record *b)
{
	CHECK_INT(a->state, b->state);
	CHECK(a->started == b->started && a->finished == b->finished);
	CHECK_STR(a->detail, b->detail);
	CHECK((a->error == NULL) == (b->error == NULL));
	if (a->error && b->error)
		CHECK_STR(a->error, b->error);
}

/* every (account, step) from SQLite, then from the copy, then lent */
static void
test_steps(struct journal *j)
{
	struct step_record want[4][4], got, lent;
	size_t a, s;

	CHECK_INT(journal_step_peek(j, "alice", "prep.1", &lent), 0);	/* no copy yet */
	for (a = 0; a < 4; a++)
		for (s = 0; s < 4; s++)
			CHECK_INT(journal_step_get(j, accts[a], steps[s], &want[a][s]), 0);
	CHECK_INT(journal_preload(j), 0);
	for (a = 0; a < 4; a++)
		for (s = 0; s < 4; s++) {
			CHECK_INT(journal_step_get(j, accts[a], steps[s], &got), 0);
			same_record(&got, &want[a][s]);
			step_record_release(&got);
			CHECK_INT(journal_step_peek(j, accts[a], steps[s], &lent), 1);
			same_record(&lent, &want[a][s]);
			step_record_release(&want[a][s]);
		}
}

static void
same_events(const struct journal_event *a, size_t na, const struct journal_event *b, size_t nb)
{
	size_t i;

	CHECK_INT(na, nb);
	for (i = 0; i < na && i < nb; i++) {
		CHECK((a[i].step == NULL) == (b[i].step == NULL));
		if (a[i].step && b[i].step)
			CHECK_STR(a[i].step, b[i].step);
		CHECK_STR(a[i].kind, b[i].kind);
		CHECK_STR(a[i].detail, b[i].detail);
		CHECK(a[i].at == b[i].at);
	}
}

/* SQLite's answers (before the preload), then the copy's, lent and copied */
static void
test_events(struct journal *j, struct journal_event *want[4], size_t nw[4])
{
	struct journal_event *got;
	const struct journal_event *lent;
	size_t ng, nl, a;

	for (a = 0; a < 4; a++) {
		CHECK_INT(journal_events_peek(j, accts[a], &lent, &nl), 1);
		same_events(lent, nl, want[a], nw[a]);
		CHECK_INT(journal_events(j, accts[a], &got, &ng), 0);
		same_events(got, ng, want[a], nw[a]);
		journal_events_free(got, ng);
		journal_events_free(want[a], nw[a]);
	}
	CHECK_INT(journal_events_peek(j, "alice", &lent, &nl), 1);
	CHECK_INT(nl, 3);
	if (nl == 3) {	/* by time, ties by insertion */
		CHECK_STR(lent[0].detail, "a");
		CHECK_STR(lent[1].detail, "tie");
		CHECK_STR(lent[2].detail, "b");
	}
}

int
main(void)
{
	struct journal *j;
	struct journal_event *plain, *want[4];
	size_t nw[4], a;
	struct step_record lent;
	char path[300];
	size_t n;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/ferry.db", dir);
	CHECK_INT(journal_open(&j, path, 1), 0);
	fill(j);
	for (a = 0; a < 4; a++)
		CHECK_INT(journal_events(j, accts[a], &want[a], &nw[a]), 0);
	test_steps(j);
	test_events(j, want, nw);
	/* a write drops the copy; what was lent stays readable until close */
	CHECK_INT(journal_step_peek(j, "bob", "done.1", &lent), 1);
	CHECK_INT(journal_step_set(j, "bob", "done.1", STEP_DONE, "changed", NULL), 0);
	CHECK_STR(lent.detail, "\"quoted\"");
	CHECK_INT(journal_step_peek(j, "bob", "done.1", &lent), 0);
	CHECK_INT(journal_events(j, "bob", &plain, &n), 0);
	CHECK_INT(n, 2);
	journal_events_free(plain, n);
	journal_close(j);
	unlink(path);
	snprintf(path, sizeof path, "%s/ferry.db.lock", dir);
	unlink(path);
	rmdir(dir);
	UNIT_DONE("journal-cache");
}
