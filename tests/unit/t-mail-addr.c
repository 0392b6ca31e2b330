/* t-mail-addr.c: the addresses a host delivers to an account with no map line of their own. */
#include <string.h>

#include "mail-addr.h"
#include "strbuf.h"
#include "unit.h"

static void
test_aliases(void)
{
	struct strlist n = STRLIST_INIT;
	const char *text = "# /etc/aliases\n"
	    "postmaster: root\n"
	    "sales: alice\n"
	    "Billing : \\alice\n"
	    "team: alice, bob\n"		/* a list: others get it too, not moved */
	    "help:\n  alice\n"			/* continued on the next line */
	    "alice: alice@elsewhere.test\n"	/* the login itself */
	    "malice: malice\n"
	    "sales: alice\n";

	mail_alias_names(text, "alice", &n);
	CHECK_INT(n.n, 3);
	CHECK(strlist_has(&n, "sales"));
	CHECK(strlist_has(&n, "Billing"));
	CHECK(strlist_has(&n, "help"));
	CHECK(!strlist_has(&n, "team"));
	strlist_clear(&n);
	mail_alias_names("", "alice", &n);
	CHECK_INT(n.n, 0);
}

static void
test_implicit(void)
{
	const char *map = "@alice.test\talice\n"
	    "alice@nekodojo.test\talice\n"
	    "@carol.test\tcarol@owners.test\n";
	struct strlist local = STRLIST_INIT, doms = STRLIST_INIT, names = STRLIST_INIT;
	struct strlist out = STRLIST_INIT;
	struct virtuser vt;

	CHECK_INT(virtuser_parse(&vt, "vt", map, strlen(map)), 0);
	strlist_split(&local, "localhost charon charon.nekodojo.test nekodojo.test alice.test "
	    "carol.test Charon.Nekodojo.Test");
	strlist_push(&doms, "alice.test");
	strlist_push(&names, "sales");
	mail_implicit_addresses(&vt, &local, &doms, "alice", &names, &out);
	/* alice@nekodojo.test has its own line; carol.test is all sent elsewhere;
	   alice.test is the account's; localhost and charon have no dot */
	CHECK_INT(out.n, 3);
	CHECK_STR(out.v[0], "alice@charon.nekodojo.test");
	CHECK_STR(out.v[1], "sales@charon.nekodojo.test");
	CHECK_STR(out.v[2], "sales@nekodojo.test");
	strlist_clear(&out);
	mail_implicit_addresses(&vt, &local, &doms, "alice", NULL, &out);
	CHECK_INT(out.n, 1);
	virtuser_release(&vt);
	strlist_clear(&local);
	strlist_clear(&doms);
	strlist_clear(&names);
	strlist_clear(&out);
}

int
main(void)
{
	test_aliases();
	test_implicit();
	UNIT_DONE("mail-addr");
}
