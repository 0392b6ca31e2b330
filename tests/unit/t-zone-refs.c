/* t-zone-refs.c: every record of a zone that leads to the old host's address. */
#include <stdio.h>
#include <string.h>

#include "strbuf.h"
#include "zone.h"
#include "unit.h"

static const char alice[] =
	"$TTL 5\n"
	"@\tIN\tSOA\tns1.nekodojo.test. hostmaster.nekodojo.test. ( 1 300 60 86400 5 )\n"
	"\tIN\tNS\tns1.nekodojo.test.\n"
	"@\tIN\tA\t192.0.2.10\n"
	"\tIN\tMX\t10 mail\n"
	"\tIN\tMX\t20 backup.example.net.\n"
	"www\tIN\tA\t192.0.2.10\n"
	"mail\tIN\tA\t192.0.2.10\n"
	"ftp\tIN\tCNAME\tfiles\n"
	"files\tIN\tCNAME\tsrv\n"
	"srv\tIN\tA\t192.0.2.10\n"
	"*\tIN\tA\t192.0.2.10\n"
	"_xmpp._tcp\tIN\tSRV\t5 0 5222 srv.alice.test.\n"
	"elsewhere\tIN\tA\t198.51.100.7\n"
	"out\tIN\tCNAME\tcharon.nekodojo.test.\n"
	"loop1\tIN\tCNAME\tloop2\n"
	"loop2\tIN\tCNAME\tloop1\n"
	"_sip._udp\tIN\tSRV\t5 0 5060 elsewhere\n"
	"txt\tIN\tTXT\t\"192.0.2.10\"\n";

static void
parse(struct zone *z, const char *text)
{
	struct strbuf err = STRBUF_INIT;

	CHECK_INT(zone_parse(z, "db.alice.test", "alice.test", text, strlen(text), &err), 0);
	if (err.len)
		printf("# %s\n", err.buf);
	strbuf_release(&err);
}

static void
test_every_kind_found(void)
{
	struct zone z = ZONE_INIT;
	struct zone_refs r;
	struct strbuf got = STRBUF_INIT;
	size_t i;

	parse(&z, alice);
	CHECK_INT(zone_refs_to(&z, "192.0.2.10", &r), 9);
	for (i = 0; i < r.n; i++)
		strbuf_addf(&got, "%s %s via %s @%d\n", r.v[i].owner, r.v[i].type, r.v[i].holder,
		    r.v[i].line);
	CHECK_STR(got.buf,
	    "alice.test A via alice.test @4\n"
	    "alice.test MX via mail.alice.test @5\n"
	    "www.alice.test A via www.alice.test @7\n"
	    "mail.alice.test A via mail.alice.test @8\n"
	    "ftp.alice.test CNAME via srv.alice.test @9\n"
	    "files.alice.test CNAME via srv.alice.test @10\n"
	    "srv.alice.test A via srv.alice.test @11\n"
	    "*.alice.test A via *.alice.test @12\n"
	    "_xmpp._tcp.alice.test SRV via srv.alice.test @13\n");
	CHECK(zone_refs_has_holder(&r, "mail.alice.test", "MX"));
	CHECK(!zone_refs_has_holder(&r, "www.alice.test", "MX"));
	CHECK(zone_refs_has_holder(&r, "srv.alice.test", NULL));
	CHECK(!zone_refs_has_holder(&r, "elsewhere.alice.test", NULL));
	CHECK_STR(r.v[1].rdata, "10 mail.alice.test.");
	zone_refs_release(&r);
	zone_release(&z);
	strbuf_release(&got);
}

static void
test_srv_and_nothing_else(void)
{
	struct zone z = ZONE_INIT;
	struct zone_refs r;
	size_t i;
	int srv = 0, txt = 0, out = 0, loop = 0;

	parse(&z, alice);
	zone_refs_to(&z, "192.0.2.10", &r);
	for (i = 0; i < r.n; i++) {
		srv += !strcmp(r.v[i].type, "SRV");
		txt += !strcmp(r.v[i].type, "TXT");
		out += !strcmp(r.v[i].owner, "out.alice.test");
		loop += !strncmp(r.v[i].owner, "loop", 4);
	}
	CHECK_INT(txt, 0);
	CHECK_INT(out, 0);	/* leaves the zone: not ours to move */
	CHECK_INT(loop, 0);
	CHECK_INT(srv, 1);	/* _xmpp to srv; _sip to elsewhere is not */
	zone_refs_release(&r);
	zone_release(&z);
}

static void
test_srv_target(void)
{
	static const char text[] =
	    "$TTL 60\n@ IN SOA ns. h. 1 2 3 4 5\n@ IN NS ns.example.\n"
	    "_xmpp._tcp IN SRV 5 0 5222 chat\n_sip._udp IN SRV 5 0 5060 other\n"
	    "chat IN A 192.0.2.10\nother IN A 192.0.2.99\n"
	    "@ IN MX 10 mx.other.example.\n@ IN MX 20 chat\n";
	struct zone z = ZONE_INIT;
	struct zone_refs r;

	parse(&z, text);
	CHECK_INT(zone_refs_to(&z, "192.0.2.10", &r), 3);
	CHECK_STR(r.v[0].owner, "_xmpp._tcp.alice.test");
	CHECK_STR(r.v[0].type, "SRV");
	CHECK_STR(r.v[0].holder, "chat.alice.test");
	CHECK_STR(r.v[1].owner, "chat.alice.test");
	CHECK_STR(r.v[2].type, "MX");
	CHECK_STR(r.v[2].rdata, "20 chat.alice.test.");
	zone_refs_release(&r);
	CHECK_INT(zone_refs_to(&z, "203.0.113.1", &r), 0);
	zone_refs_release(&r);
	zone_release(&z);
}

static void
test_aaaa(void)
{
	static const char text[] =
	    "$TTL 60\n@ IN SOA ns. h. 1 2 3 4 5\n@ IN NS ns.example.\n"
	    "www IN AAAA 2001:DB8::10\nmail IN AAAA 2001:db8::10\n@ IN MX 10 mail\n";
	struct zone z = ZONE_INIT;
	struct zone_refs r;

	parse(&z, text);
	CHECK_INT(zone_refs_to(&z, "2001:db8::10", &r), 3);
	CHECK_STR(r.v[2].holder, "mail.alice.test");
	zone_refs_release(&r);
	zone_release(&z);
}

int
main(void)
{
	test_every_kind_found();
	test_srv_and_nothing_else();
	test_srv_target();
	test_aaaa();
	UNIT_DONE("zone-refs");
}
