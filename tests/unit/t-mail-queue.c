/* t-mail-queue.c: the account's entries in sendmail's and postfix's queue listings. */
#include "mail-queue.h"
#include "unit.h"

/* sendmail 8.17's mailq, both queues, one entry active (*) and one deferred */
static const char sendmail_q[] =
	"MSP Queue status...\n"
	"\t\t/var/spool/mqueue-client (1 request)\n"
	"-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n"
	"6B552LMk005011        2 Sat Dec  5 05:02 tester@client.nekodojo.test\n"
	"\t\t\t\t\t alice@alice.test\n"
	"\t\tTotal requests: 1\n"
	"MTA Queue status...\n"
	"\t\t/var/spool/mqueue (4 requests)\n"
	"-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n"
	"6B552QeX005040*    2061 Sat Dec  5 05:02 <>\n"
	"                 (Deferred: Name server: y: host name lookup failure)\n"
	"\t\t\t\t\t <x@y>\n"
	"6B552QeT005041     301 Sat Dec  5 05:02 <tester@client.nekodojo.test>\n"
	"                 (Deferred: Connection refused by neko-base.nekodojo.test.)\n"
	"\t\t\t\t\t <ALICE@Alice.Test>\n"
	"6B552QeT005042     301 Sat Dec  5 05:02 <alice@charon.nekodojo.test>\n"
	"\t\t\t\t\t <bob@elsewhere.test>\n"
	"6B552QeT005043*     301 Sat Dec  5 05:02 <tester@client.nekodojo.test>\n"
	"\t\t\t\t\t <malice@bob.test>\n"
	"\t\t\t\t\t <info@www.alice.test>\n"
	"\t\tTotal requests: 4\n";

/* postfix 3.7's postqueue -p: no brackets, the last entry without a newline */
static const char postfix_q[] =
	"-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"
	"4F2A71234*      345 Sat Dec  5 05:00:00  tester@client.nekodojo.test\n"
	"                                         alice@alice.test\n"
	"\n"
	"4F2A71299!      345 Sat Dec  5 05:00:01  tester@client.nekodojo.test\n"
	"(connect to neko-base.nekodojo.test[192.0.2.20]:25: Connection refused)\n"
	"                                         carol@carol.test\n"
	"\n"
	"4FhC1234567z     345 Sat Dec  5 05:00:01  MAILER-DAEMON\n"
	"                                         alice@neko-base.nekodojo.test\n"
	"\n"
	"-- 1 Kbytes in 3 Requests.";

static void
test_sendmail(void)
{
	struct strlist doms = STRLIST_INIT, ids = STRLIST_INIT;

	strlist_push(&doms, "alice.test");
	mail_queue_ids(sendmail_q, "alice", &doms, &ids);
	CHECK_INT(ids.n, 3);
	CHECK(strlist_has(&ids, "6B552LMk005011"));	/* the MSP's queue too */
	CHECK(strlist_has(&ids, "6B552QeT005041"));	/* case folded, brackets */
	CHECK(strlist_has(&ids, "6B552QeT005042"));	/* the login as sender */
	CHECK(!strlist_has(&ids, "6B552QeX005040"));
	CHECK(!strlist_has(&ids, "6B552QeT005043"));	/* malice@, @www.alice.test */
	CHECK(!strlist_has(&ids, "MSP"));
	CHECK(!strlist_has(&ids, "MTA"));
	strlist_clear(&ids);
	mail_queue_ids("MTA Queue status...\n/var/spool/mqueue is empty\n\t\tTotal requests: 0\n",
	    "alice", &doms, &ids);
	CHECK_INT(ids.n, 0);
	strlist_clear(&doms);
}

static void
test_postfix(void)
{
	struct strlist doms = STRLIST_INIT, ids = STRLIST_INIT;

	strlist_push(&doms, "alice.test");
	strlist_push(&doms, "carol.test");
	mail_queue_ids(postfix_q, "alice", &doms, &ids);
	CHECK_INT(ids.n, 3);
	CHECK_STR(ids.v[0], "4F2A71234");	/* without its mark */
	CHECK_STR(ids.v[1], "4F2A71299");	/* the reason at column 0 does not end it */
	CHECK_STR(ids.v[2], "4FhC1234567z");	/* the last entry, no newline after */
	strlist_clear(&ids);
	mail_queue_ids("Mail queue is empty\n", "alice", &doms, &ids);
	mail_queue_ids("", "alice", &doms, &ids);
	CHECK_INT(ids.n, 0);
	strlist_clear(&doms);
}

static void
test_id_ok(void)
{
	CHECK(mail_queue_id_ok("6B552QeT005041"));
	CHECK(mail_queue_id_ok("4FhC1234567z"));
	CHECK(!mail_queue_id_ok(""));
	CHECK(!mail_queue_id_ok("-q"));
	CHECK(!mail_queue_id_ok("4F2A7 1"));
	CHECK(!mail_queue_id_ok("4F2A71234*"));
}

int
main(void)
{
	test_sendmail();
	test_postfix();
	test_id_ok();
	UNIT_DONE("mail-queue");
}
