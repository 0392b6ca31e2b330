/* t-zone.c: the zone file reader and editor, the planned-records check, the diff. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "run-command.h"
#include "strbuf.h"
#include "zone.h"
#include "unit.h"

#define DATA "tests/unit/data/zone/"

static char tmpdir[] = "/tmp/t-zone.XXXXXX";

static void
slurp(const char *name, struct strbuf *sb)
{
	char path[256], buf[4096];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), DATA "%s", name);
	strbuf_reset(sb);
	if (!(fp = fopen(path, "rb")))
		fatal_errno("%s", path);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(sb, buf, n);
	fclose(fp);
}

static int
load(struct zone *z, const char *name, const char *origin)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	int r;

	slurp(name, &text);
	r = zone_parse(z, name, origin, text.buf, text.len, &err);
	if (r < 0)
		printf("# %s\n", err.buf);
	strbuf_release(&text);
	strbuf_release(&err);
	return r;
}

static void
to_crlf(const struct strbuf *in, struct strbuf *out)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < in->len; i++) {
		if (in->buf[i] == '\n')
			strbuf_addch(out, '\r');
		strbuf_addch(out, in->buf[i]);
	}
}

/* the edited text equals the expected file, byte for byte */
static int
same_as(const struct strbuf *got, const char *expected_file)
{
	struct strbuf want = STRBUF_INIT;
	int same;

	slurp(expected_file, &want);
	same = got->len == want.len && !memcmp(got->buf, want.buf, got->len);
	if (!same)
		printf("# %s differs:\n%s\n", expected_file, got->buf);
	strbuf_release(&want);
	return same;
}

/* named-checkzone on text, as BIND would load it: its exit status */
static int
bind_check(const char *origin, const struct strbuf *text, const char *name)
{
	char path[512];
	const char *argv[] = { "named-checkzone", "-q", origin, path, NULL };
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if (!(fp = fopen(path, "wb")))
		return -1;
	fwrite(text->buf, 1, text->len, fp);
	fclose(fp);
	return run_simple(argv, NULL);
}

static void
test_parse_basic(void)
{
	struct zone z = ZONE_INIT;
	struct strbuf sb = STRBUF_INIT;
	const struct zone_rr *rr;
	uint32_t serial = 0;
	int i;

	CHECK_INT(load(&z, "basic.zone", "alice.test"), 0);
	CHECK_INT(z.n, 12);
	CHECK_INT(zone_soa_serial(&z, &serial), 0);
	CHECK_INT(serial, 2026112401U);
	i = zone_find(&z, "@", "SOA", 0);
	CHECK_INT(i, 0);
	CHECK_INT(z.rr[0].line, 3);
	CHECK_INT(z.rr[0].end_line, 8);
	CHECK_INT(z.rr[0].ttl, 3600);	/* $TTL 1h */
	CHECK_STR(z.rr[0].rdata, "ns1.mydomain.test. hostmaster.mydomain.test. "
	    "2026112401 10800 3600 604800 300");
	/* blank owners are the previous owner */
	CHECK_INT(zone_count(&z, "alice.test", "NS"), 2);
	CHECK_STR(z.rr[1].owner, "alice.test");
	CHECK(!z.rr[1].owner_tok.len);
	/* owner names: case-insensitive, final dot optional */
	i = zone_find(&z, "WWW.Alice.Test.", "a", 0);
	CHECK(i >= 0);
	CHECK_STR(z.rr[i].rdata, "192.0.2.10");
	CHECK_INT(z.rr[i].line, 14);
	/* a ";" inside quotes is data, after them a comment */
	i = zone_find(&z, "www.alice.test", "TXT", 0);
	CHECK(i >= 0 && !strcmp(z.rr[i].rdata, "\"v=spf1 a; not a comment\""));
	/* TTL before and after the class, relative CNAME target */
	rr = &z.rr[zone_find(&z, "ftp.alice.test", "CNAME", 0)];
	CHECK(rr->has_ttl && rr->ttl == 3600);
	CHECK_STR(rr->rdata, "www.alice.test.");
	CHECK_INT(zone_ttl_of(&z, "blog.alice.test", "A"), 600);
	CHECK_INT(zone_ttl_of(&z, "www.alice.test", "A"), 3600);
	CHECK_INT(zone_count(&z, "mail.alice.test", "A"), 1);
	/* $ORIGIN, class left out, blank owner after it */
	CHECK_INT(zone_count(&z, "host.sub.alice.test", NULL), 2);
	CHECK_INT(zone_find(&z, "host.sub.alice.test", "AAAA", 0), 11);
	CHECK_STR(z.rr[11].origin, "sub.alice.test");
	CHECK_STR(zone_mx_host(&z.rr[zone_find(&z, "@", "MX", 0)]), "mail.mydomain.test.");
	zone_name_rel(z.origin, "www.alice.test", &sb);
	CHECK_STR(sb.buf, "www");
	zone_name_rel(z.origin, "alice.test.", &sb);
	CHECK_STR(sb.buf, "@");
	zone_name_rel(z.origin, "neko.mydomain.test", &sb);
	CHECK_STR(sb.buf, "neko.mydomain.test.");
	CHECK(!zone_name_in("alice.test", "malice.test"));
	CHECK_INT(zone_resolve_cname(&z, "ftp.alice.test", &sb), 1);
	CHECK_STR(sb.buf, "www.alice.test");
	strbuf_release(&sb);
	zone_release(&z);
}

static void
test_ttl_forms(void)
{
	struct zone z = ZONE_INIT;

	CHECK_INT(zone_parse_ttl("1h30m", 5), 5400);
	CHECK_INT(zone_parse_ttl("1w", 2), 604800);
	CHECK_INT(zone_parse_ttl("1W2d", 4), 777600);
	CHECK_INT(zone_parse_ttl("300", 3), 300);
	CHECK_INT(zone_parse_ttl("h", 1), -1);
	CHECK_INT(zone_parse_ttl("1x", 2), -1);
	CHECK_INT(zone_parse_ttl("99999999999", 11), -1);
	/* no $TTL: the SOA's own TTL, then the last explicit one carries on */
	CHECK_INT(load(&z, "old.zone", "bob.test"), 0);
	CHECK_INT(z.n, 5);
	CHECK_INT(z.rr[0].ttl, 86400);
	CHECK_INT(zone_ttl_of(&z, "ns1.bob.test", "A"), 86400);
	CHECK_INT(zone_ttl_of(&z, "mush.bob.test", "A"), 300);
	CHECK_INT(zone_ttl_of(&z, "www.bob.test", "A"), 300);
	CHECK_INT(z.rr[0].line, 2);
	CHECK_INT(z.rr[0].end_line, 2);
	zone_release(&z);
}

static void
test_refused_and_errors(void)
{
	struct zone z = ZONE_INIT;
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;

	slurp("include.zone", &text);
	CHECK_INT(zone_parse(&z, "/etc/bind/db.x", "x.test", text.buf, text.len, &err), -1);
	CHECK_STR(err.buf, "/etc/bind/db.x:3: $INCLUDE is not supported");
	zone_release(&z);
	strbuf_reset(&err);
	slurp("generate.zone", &text);
	CHECK_INT(zone_parse(&z, "db.g", "x.test", text.buf, text.len, &err), -1);
	CHECK_STR(err.buf, "db.g:2: $GENERATE is not supported");
	zone_release(&z);
	strbuf_reset(&err);
	CHECK_INT(zone_parse(&z, "db.p", "x.test", "$TTL 1\n@ SOA a. b. ( 1 2 3 4 5\n", 31, &err), -1);
	CHECK_STR(err.buf, "db.p:2: unbalanced parentheses");
	zone_release(&z);
	strbuf_reset(&err);
	CHECK_INT(zone_parse(&z, "db.q", "x.test", "$TTL 1\nw TXT \"abc\n", 18, &err), -1);
	CHECK_STR(err.buf, "db.q:2: unterminated quoted string");
	zone_release(&z);
	strbuf_reset(&err);
	CHECK_INT(zone_parse(&z, "db.n", "x.test", "$TTL 1\nw A\0 1.2.3.4\n", 20, &err), -1);
	CHECK_STR(err.buf, "db.n:2: NUL byte in the text");
	zone_release(&z);
	strbuf_release(&err);
	strbuf_release(&text);
}

static void
test_crlf_and_no_newline(void)
{
	struct zone z = ZONE_INIT;
	struct strbuf lf = STRBUF_INIT, crlf = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf out = STRBUF_INIT, want = STRBUF_INIT;

	slurp("basic.zone", &lf);
	to_crlf(&lf, &crlf);
	CHECK_INT(zone_parse(&z, "crlf", "alice.test", crlf.buf, crlf.len, &err), 0);
	CHECK_INT(z.n, 12);
	CHECK(z.crlf);
	CHECK_INT(z.rr[0].end_line, 8);
	CHECK_STR(z.rr[0].rdata, "ns1.mydomain.test. hostmaster.mydomain.test. "
	    "2026112401 10800 3600 604800 300");
	/* an edit of a CRLF file: the CRLF version of the LF result */
	CHECK_INT(zone_set_a(&z, "www.alice.test", "192.0.2.20", NULL, &out, &err), 1);
	slurp("basic.set-a.expected", &lf);
	to_crlf(&lf, &want);
	CHECK(out.len == want.len && !memcmp(out.buf, want.buf, out.len));
	CHECK_INT(zone_add(&z, "www.alice.test", "AAAA", "2001:db8::20", -1, NULL, &out, &err), 1);
	CHECK(strstr(out.buf, "\"v=spf1 a; not a comment\" ; a comment\r\nwww\tIN\tAAAA\t2001:db8::20\r\nftp") != NULL);
	CHECK_INT(bind_check("alice.test", &out, "crlf.zone"), 0);
	zone_release(&z);

	CHECK_INT(load(&z, "nonl.zone", "alice.test"), 0);
	CHECK_INT(z.n, 4);
	CHECK_INT(z.rr[3].end, z.len);
	CHECK_INT(zone_set_a(&z, "www.alice.test", "192.0.2.20", NULL, &out, &err), 1);
	CHECK(out.len == z.len && !strcmp(out.buf + out.len - 11, " 192.0.2.20"));
	CHECK_INT(zone_add(&z, "test.alice.test", "A", "192.0.2.20", 300, NULL, &out, &err), 1);
	CHECK(same_as(&out, "nonl.add.expected"));
	CHECK_INT(bind_check("alice.test", &out, "nonl.zone"), 0);
	zone_release(&z);
	strbuf_release(&lf);
	strbuf_release(&crlf);
	strbuf_release(&err);
	strbuf_release(&out);
	strbuf_release(&want);
}

static void
test_edits_keep_bytes(void)
{
	struct zone z = ZONE_INIT;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	long old_ttl = 0;

	CHECK_INT(load(&z, "basic.zone", "alice.test"), 0);
	CHECK_INT(zone_set_a(&z, "www.alice.test", "192.0.2.20", NULL, &out, &err), 1);
	CHECK(same_as(&out, "basic.set-a.expected"));
	CHECK_INT(bind_check("alice.test", &out, "set-a.zone"), 0);
	CHECK_INT(zone_add(&z, "test.alice.test", "A", "192.0.2.20", 300, NULL, &out, &err), 1);
	CHECK(same_as(&out, "basic.add.expected"));
	CHECK_INT(bind_check("alice.test", &out, "add.zone"), 0);
	/* the TXT line had a blank owner: it now names www itself */
	CHECK_INT(zone_remove(&z, "www.alice.test", "A", NULL, NULL, &out, &err), 1);
	CHECK(same_as(&out, "basic.del.expected"));
	CHECK_INT(zone_set_ttl(&z, "www.alice.test", "A", 300, &old_ttl, NULL, &out, &err), 1);
	CHECK_INT(old_ttl, 3600);
	CHECK(same_as(&out, "basic.ttl.expected"));
	CHECK_INT(bind_check("alice.test", &out, "ttl.zone"), 0);
	CHECK_INT(zone_set_mx(&z, "alice.test", "mail.mydomain.test", "neko.mydomain.test", 10,
	    NULL, &out, &err), 1);
	CHECK(same_as(&out, "basic.mx.expected"));
	CHECK_INT(bind_check("alice.test", &out, "mx.zone"), 0);
	/* TTL written after the class is replaced where it stands */
	CHECK_INT(zone_set_ttl(&z, "blog.alice.test", "A", 60, &old_ttl, NULL, &out, &err), 1);
	CHECK_INT(old_ttl, 600);
	CHECK(strstr(out.buf, "\nblog\tIN\t60\tA\t192.0.2.10\n") != NULL);
	/* and dropped again: back to $TTL */
	CHECK_INT(zone_set_ttl(&z, "ftp.alice.test", "CNAME", ZONE_TTL_DEFAULT, NULL, NULL, &out,
	    &err), 1);
	CHECK(strstr(out.buf, "\nftp IN CNAME www\n") != NULL);
	CHECK_INT(zone_set_a(&z, "nosuch.alice.test", "192.0.2.20", NULL, &out, &err), -1);
	CHECK(strstr(err.buf, "nosuch.alice.test has no A record") != NULL);
	strbuf_reset(&err);
	CHECK_INT(zone_set_a(&z, "www.alice.test", "not-an-address", NULL, &out, &err), -1);
	CHECK_INT(zone_add(&z, "www.other.test", "A", "192.0.2.20", -1, NULL, &out, &err), -1);
	zone_release(&z);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void
test_more_edits(void)
{
	struct zone z = ZONE_INIT;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct zone_change mx2[] = {
		{ .op = ZONE_ADD, .name = "@", .type = "MX", .value = "20 neko.mydomain.test." },
	};

	CHECK_INT(load(&z, "basic.zone", "alice.test"), 0);
	/* a blank owner under $ORIGIN gets its name relative to that origin */
	CHECK_INT(zone_remove(&z, "host.sub.alice.test", "A", "192.0.2.11", NULL, &out, &err), 1);
	CHECK(strstr(out.buf, "$ORIGIN sub.alice.test.\nhost\tAAAA\t2001:db8::1\n") != NULL);
	/* the apex, by "@": after its last record, in the file's tab style */
	CHECK_INT(zone_edit(&z, mx2, 1, NULL, &out, &err), 1);
	CHECK(strstr(out.buf, "@\tIN\tA\t192.0.2.10\n@\tIN\tMX\t20 neko.mydomain.test.\nwww") != NULL);
	/* MX: the new host is there already: the old one only goes */
	{
		struct zone z2 = ZONE_INIT;
		struct strbuf text = STRBUF_INIT;

		strbuf_add(&text, out.buf, out.len);
		CHECK_INT(zone_parse(&z2, "b", "alice.test", text.buf, text.len, &err), 0);
		CHECK_INT(zone_set_mx(&z2, "alice.test", "mail.mydomain.test.", "neko.mydomain.test.",
		    -1, NULL, &out, &err), 1);
		CHECK(strstr(out.buf, "mail.mydomain.test") == NULL);
		CHECK_INT(zone_count(&z2, "@", "MX"), 2);
		CHECK_INT(z2.n - 1, z.n);
		zone_release(&z2);
		strbuf_release(&text);
	}
	/* several A records: which one must be said */
	CHECK_INT(zone_add(&z, "www.alice.test", "A", "192.0.2.11", -1, NULL, &out, &err), 1);
	{
		struct zone z3 = ZONE_INIT;

		CHECK_INT(zone_parse(&z3, "c", "alice.test", out.buf, out.len, &err), 0);
		strbuf_reset(&err);
		CHECK_INT(zone_set_a(&z3, "www.alice.test", "192.0.2.20", NULL, &out, &err), -1);
		CHECK_STR(err.buf, "c: www.alice.test has 2 A records: say which one to change");
		zone_release(&z3);
	}
	/* a CNAME that leaves the zone */
	CHECK_INT(zone_resolve_cname(&z, "www.alice.test", &out), 1);
	zone_release(&z);
	CHECK_INT(zone_parse(&z, "d", "alice.test", "$TTL 1\nw CNAME x.other.test.\n", 29, &err), 0);
	CHECK_INT(zone_resolve_cname(&z, "w.alice.test", &out), 0);
	CHECK_STR(out.buf, "x.other.test");
	zone_release(&z);
	strbuf_release(&out);
	strbuf_release(&err);
}

/* rollback: the original records, with a serial past any served */
static void
test_rollback_serial(void)
{
	struct zone z = ZONE_INIT;
	struct strbuf orig = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
	struct zone_bump b = { .today = 20261124, .have_served = 1,
	    .highest_served = 2026112403U };
	uint32_t cur = 0;

	slurp("basic.zone", &orig);
	CHECK_INT(zone_parse(&z, "db", "alice.test", orig.buf, orig.len, &err), 0);
	CHECK_INT(zone_soa_serial(&z, &cur), 0);
	CHECK_INT(zone_set_serial(&z, zone_serial_next(cur, &b), &out, &err), 0);
	CHECK_INT(out.len, orig.len);
	CHECK(strstr(out.buf, "\t\t2026112404\t; serial YYYYMMDDnn\n") != NULL);
	CHECK_INT(zone_check_edit("db", "alice.test", orig.buf, orig.len, out.buf, out.len,
	    NULL, 0, &err), 0);
	zone_release(&z);
	strbuf_release(&orig);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void
test_serial_arithmetic(void)
{
	struct zone_bump b = { .today = 20261124 };

	CHECK(serial_gt(1, 0));
	CHECK(serial_gt(0, 4294967295U));
	CHECK(!serial_gt(5, 5));
	CHECK(!serial_gt(0x80000000U, 0) && !serial_gt(0, 0x80000000U));
	CHECK(serial_is_date(2026112401U) && !serial_is_date(42) && !serial_is_date(2026130101U));
	/* the same day twice: nn counts up */
	CHECK_INT(zone_serial_next(2026112401U, &b), 2026112402U);
	CHECK_INT(zone_serial_next(2026112402U, &b), 2026112403U);
	/* an older date: today, nn = 00 (LAB.md: 2024010101 must grow, not become a time) */
	CHECK_INT(zone_serial_next(2024010101U, &b), 2026112400U);
	/* a date in the future keeps increasing */
	CHECK_INT(zone_serial_next(2030010105U, &b), 2030010106U);
	CHECK_INT(zone_serial_next(42, &b), 43);
	CHECK_INT(zone_serial_next(4294967295U, &b), 0);
	CHECK_INT(zone_serial_next(2026112401U, NULL), 2026112402U);
	/* never behind what a nameserver has served */
	b.have_served = 1;
	b.highest_served = 2026112405U;
	CHECK_INT(zone_serial_next(2026112401U, &b), 2026112406U);
	b.highest_served = 200;
	CHECK_INT(zone_serial_next(100, &b), 201);
	b.highest_served = 50;
	CHECK_INT(zone_serial_next(100, &b), 101);
	b.highest_served = 5;	/* past the wrap: 5 is after 4294967290 */
	CHECK_INT(zone_serial_next(4294967290U, &b), 6);
	CHECK(serial_gt(zone_serial_next(4294967290U, &b), 4294967290U));
}

static const struct zone_change prep_batch[] = {
	{ .op = ZONE_SET_TTL, .name = "www.alice.test", .type = "A", .ttl = 300 },
	{ .op = ZONE_SET_TTL, .name = "alice.test", .type = "MX", .ttl = 300 },
	{ .op = ZONE_ADD, .name = "test.alice.test", .type = "A", .value = "192.0.2.20",
	  .ttl = 300 },
	{ .op = ZONE_SET_A, .name = "blog.alice.test", .old = "192.0.2.10",
	  .value = "192.0.2.20" },
};

static void
test_batch_bumps_once(void)
{
	struct zone z = ZONE_INIT, z2 = ZONE_INIT;
	struct zone_bump b = { .today = 20261124 };
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT, err = STRBUF_INIT;
	uint32_t serial = 0;
	char *p;

	CHECK_INT(load(&z, "basic.zone", "alice.test"), 0);
	CHECK_INT(zone_change_in_place(&z, &prep_batch[2], &err), 0);
	CHECK_INT(zone_edit(&z, prep_batch, 4, &b, &out, &err), 4);
	CHECK_INT(b.new_serial, 2026112402U);
	CHECK(same_as(&out, "basic.batch.expected"));
	CHECK_INT(bind_check("alice.test", &out, "batch.zone"), 0);
	/* the comment on the serial's line stays */
	CHECK(strstr(out.buf, "\t\t2026112402\t; serial YYYYMMDDnn\n") != NULL);
	/* resumed after a kill: everything is in place, no edit, no second bump */
	CHECK_INT(zone_parse(&z2, "basic.zone", "alice.test", out.buf, out.len, &err), 0);
	CHECK_INT(zone_change_in_place(&z2, &prep_batch[2], &err), 1);
	CHECK_INT(zone_change_in_place(&z2, &prep_batch[3], &err), 1);
	CHECK_INT(zone_edit(&z2, prep_batch, 4, &b, &again, &err), 0);
	CHECK(again.len == out.len && !memcmp(again.buf, out.buf, out.len));
	CHECK_INT(zone_soa_serial(&z2, &serial), 0);
	CHECK_INT(b.new_serial, serial);
	zone_release(&z2);
	/* rollback: the original text, a serial past the one served */
	{
		struct strbuf back = STRBUF_INIT;

		slurp("basic.zone", &back);
		p = strstr(back.buf, "2026112401");
		memcpy(p, "2026112403", 10);
		CHECK_INT(zone_check_revert("db", "alice.test", out.buf, out.len, back.buf, back.len,
		    prep_batch, 4, &err), 0);
		CHECK_INT(zone_check_edit("db", "alice.test", out.buf, out.len, back.buf, back.len,
		    prep_batch, 4, &err), -1);
		p = strstr(back.buf, "ftp 3600");
		memcpy(p, "ftp 3601", 8);
		strbuf_reset(&err);
		CHECK_INT(zone_check_revert("db", "alice.test", out.buf, out.len, back.buf, back.len,
		    prep_batch, 4, &err), -1);
		CHECK_STR(err.buf, "db: the edit would remove a record no step planned: "
		    "ftp.alice.test. 3600 IN CNAME www.alice.test.");
		strbuf_release(&back);
	}
	/* killed half way: only the rest is applied, one bump */
	CHECK_INT(zone_edit(&z, prep_batch, 2, &b, &out, &err), 2);
	CHECK_INT(zone_parse(&z2, "basic.zone", "alice.test", out.buf, out.len, &err), 0);
	CHECK_INT(zone_edit(&z2, prep_batch, 4, &b, &again, &err), 2);
	CHECK_INT(b.new_serial, 2026112403U);
	zone_release(&z2);
	/* done.tidy: the TTLs back, test-name gone: one more bump */
	{
		struct zone_change tidy[] = {
			{ .op = ZONE_SET_TTL, .name = "www.alice.test", .type = "A",
			  .ttl = ZONE_TTL_DEFAULT },
			{ .op = ZONE_DEL, .name = "test.alice.test", .type = "A" },
		};

		CHECK_INT(zone_parse(&z2, "b", "alice.test", again.buf, again.len, &err), 0);
		CHECK_INT(zone_edit(&z2, tidy, 2, &b, &out, &err), 2);
		CHECK(strstr(out.buf, "www\tIN\tA\t192.0.2.10\t; web\n") != NULL);
		CHECK(strstr(out.buf, "test.alice.test") == NULL);
		zone_release(&z2);
	}
	zone_release(&z);
	strbuf_release(&out);
	strbuf_release(&again);
	strbuf_release(&err);
}

static void
test_only_planned_records(void)
{
	struct strbuf old = STRBUF_INIT, edited = STRBUF_INIT, err = STRBUF_INIT;
	struct zone_change www = { .op = ZONE_SET_A, .name = "www.alice.test",
	    .value = "192.0.2.20" };
	struct zone z = ZONE_INIT;
	char *p;

	slurp("basic.zone", &old);
	slurp("basic.set-a.expected", &edited);
	p = strstr(edited.buf, "2026112401");
	memcpy(p, "2026112402", 10);
	CHECK_INT(zone_check_edit("db", "alice.test", old.buf, old.len, edited.buf, edited.len,
	    &www, 1, &err), 0);
	/* the records changed but the serial did not */
	memcpy(p, "2026112401", 10);
	CHECK_INT(zone_check_edit("db", "alice.test", old.buf, old.len, edited.buf, edited.len,
	    &www, 1, &err), -1);
	CHECK(strstr(err.buf, "serial must go forward") != NULL);
	/* backwards is refused too */
	memcpy(p, "2026112400", 10);
	strbuf_reset(&err);
	CHECK_INT(zone_check_edit("db", "alice.test", old.buf, old.len, edited.buf, edited.len,
	    &www, 1, &err), -1);
	/* a record no change named */
	memcpy(p, "2026112402", 10);
	p = strstr(edited.buf, "blog\tIN\t600");
	memcpy(p + 8, "60 ", 3);
	strbuf_reset(&err);
	CHECK_INT(zone_check_edit("db", "alice.test", old.buf, old.len, edited.buf, edited.len,
	    &www, 1, &err), -1);
	CHECK_STR(err.buf, "db: the edit would add a record no step planned: "
	    "blog.alice.test. 60 IN A 192.0.2.10");
	/* a planned change that did not happen */
	strbuf_reset(&err);
	CHECK_INT(zone_check_edit("db", "alice.test", old.buf, old.len, old.buf, old.len,
	    &www, 1, &err), -1);
	CHECK(strstr(err.buf, "not in place") != NULL);
	/* comments and blanks may change freely */
	strbuf_reset(&edited);
	strbuf_addf(&edited, "; new comment\n\n%s", old.buf);
	CHECK_INT(zone_check_edit("db", "alice.test", old.buf, old.len, edited.buf, edited.len,
	    NULL, 0, &err), 0);
	/* no NS left at the apex, even when planned */
	CHECK_INT(load(&z, "basic.zone", "alice.test"), 0);
	strbuf_reset(&err);
	CHECK_INT(zone_remove(&z, "alice.test", "NS", NULL, NULL, &edited, &err), -1);
	CHECK_STR(err.buf, "basic.zone: the edit would leave alice.test without an NS record at "
	    "its apex");
	zone_release(&z);
	/* no $TTL: www inherits mush's TTL, so it gets its own written out */
	CHECK_INT(load(&z, "old.zone", "bob.test"), 0);
	strbuf_reset(&err);
	CHECK_INT(zone_set_ttl(&z, "mush.bob.test", "A", 60, NULL, NULL, &edited, &err), 1);
	CHECK(strstr(edited.buf, "\nmush  60   IN  A     192.0.2.10\n"
	    "www         300 IN  A     192.0.2.10\n") != NULL);
	CHECK_INT(zone_remove(&z, "mush.bob.test", "A", NULL, NULL, &edited, &err), 1);
	CHECK(strstr(edited.buf, "\nns1         IN  A     192.0.2.10\n"
	    "www         300 IN  A     192.0.2.10\n") != NULL);
	/* ns1 inherits from the SOA, and nothing inherits from ns1: only ns1 changes */
	CHECK_INT(zone_set_ttl(&z, "ns1.bob.test", "A", 60, NULL, NULL, &edited, &err), 1);
	CHECK(strstr(edited.buf, "\nns1         60 IN  A     192.0.2.10\nmush  300 ") != NULL);
	CHECK_INT(bind_check("bob.test", &edited, "old.zone"), 0);
	zone_release(&z);
	strbuf_release(&old);
	strbuf_release(&edited);
	strbuf_release(&err);
}

/* an escaped blank in the SOA's MNAME is part of the name, not a field
   boundary: the serial bump is still seen as the only SOA change (fuzz) */
static void
test_escaped_blank_in_soa(void)
{
	static const char text[] = "$TTL 5\n"
	    "@\tIN\tSOA\tns1.odd\\ name.alice.test. hostmaster.alice.test. (\n"
	    "\t\t2026112501 300 30 86400 5 )\n"
	    "\tIN\tNS\tns1.alice.test.\n"
	    "www\tIN\tA\t192.0.2.10\n";
	struct zone_change www = { .op = ZONE_SET_A, .name = "www.alice.test",
	    .value = "192.0.2.20" };
	struct zone_bump b = { 20261125, 0, 0, 0 };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct zone z = ZONE_INIT;

	CHECK_INT(zone_parse(&z, "db", "alice.test", text, sizeof text - 1, &err), 0);
	CHECK_INT(zone_edit(&z, &www, 1, &b, &out, &err), 1);
	CHECK(strstr(out.buf, "2026112502") != NULL);
	CHECK(strstr(out.buf, "ns1.odd\\ name.alice.test.") != NULL);
	CHECK_INT(zone_check_edit("db", "alice.test", text, sizeof text - 1, out.buf, out.len,
	    &www, 1, &err), 0);
	zone_release(&z);
	strbuf_release(&out);
	strbuf_release(&err);
}

/*
 * no $TTL: a SOA with no TTL field is read with its minimum, and the records
 * after it inherit that; removing it writes their TTL out (fuzz-zone)
 */
static void
test_delete_soa_minimum_source(void)
{
	static const char text[] = "sub IN SOA ns1.alice.test. h.alice.test. 1 300 30 86400 900\n"
	    "www IN A 192.0.2.10\n"
	    "@ 300 IN SOA ns1.alice.test. h.alice.test. 1 300 30 86400 5\n"
	    "@ 300 IN NS ns1.alice.test.\n";
	struct zone_change del = { .op = ZONE_DEL, .name = "sub.alice.test", .type = "SOA" };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct zone z = ZONE_INIT, z2 = ZONE_INIT;

	CHECK_INT(zone_parse(&z, "db", "alice.test", text, sizeof text - 1, &err), 0);
	CHECK_INT(z.rr[1].ttl, 900);
	CHECK_INT(zone_edit(&z, &del, 1, NULL, &out, &err), 1);
	CHECK_INT(zone_parse(&z2, "db", "alice.test", out.buf, out.len, &err), 0);
	CHECK_INT(z2.n, 3);
	CHECK_STR(z2.n ? z2.rr[0].owner : "", "www.alice.test");
	CHECK_INT(z2.n ? z2.rr[0].ttl : -1, 900);
	CHECK_INT(z2.n ? z2.rr[0].has_ttl : -1, 1);
	zone_release(&z);
	zone_release(&z2);
	strbuf_release(&out);
	strbuf_release(&err);
}

/*
 * No $TTL: a line added after www takes www's TTL, and the same edit
 * removes www's TTL-carrying line.  The new line carries 320 itself
 * (fuzz-zone find: it was left with no TTL at all).
 */
static void
test_added_line_keeps_inherited_ttl(void)
{
	static const char text[] = "@ 300 IN SOA ns1.alice.test. h.alice.test. 1 300 30 86400 5\n"
	    "@ IN NS ns1.alice.test.\n"
	    "www 320 IN A 192.0.2.10\n"
	    "ftp IN A 192.0.2.11\n";
	struct zone_change c[2] = {
		{ .op = ZONE_ADD, .name = "www.alice.test", .type = "TXT", .value = "\"moved\"" },
		{ .op = ZONE_DEL, .name = "www.alice.test", .type = "A" },
	};
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct zone z = ZONE_INIT, z2 = ZONE_INIT;
	int i;

	CHECK_INT(zone_parse(&z, "db", "alice.test", text, sizeof text - 1, &err), 0);
	CHECK_INT(zone_edit(&z, c, 2, NULL, &out, &err), 2);
	CHECK_INT(zone_parse(&z2, "db", "alice.test", out.buf, out.len, &err), 0);
	CHECK_INT(z2.n, 4);
	i = zone_find(&z2, "www.alice.test", "TXT", 0);
	CHECK(i >= 0 && z2.rr[i].ttl == 320 && z2.rr[i].has_ttl);
	i = zone_find(&z2, "ftp.alice.test", "A", 0);
	CHECK(i >= 0 && z2.rr[i].ttl == 320);
	zone_release(&z);
	zone_release(&z2);
	strbuf_release(&out);
	strbuf_release(&err);
}

/* a quoted rdata needs no blank before it: the new value keeps one (fuzz-zone) */
static void
test_set_token_abutting(void)
{
	static const char text[] = "$TTL 5\n@ IN SOA ns1.alice.test. h.alice.test. 1 300 30 86400 5\n"
	    "@ IN NS ns1.alice.test.\nwww IN A\"192.0.2.10\"\n";
	struct zone_change c = { .op = ZONE_SET_A, .name = "www.alice.test", .value = "192.0.2.20" };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct zone z = ZONE_INIT, z2 = ZONE_INIT;

	CHECK_INT(zone_parse(&z, "db", "alice.test", text, sizeof text - 1, &err), 0);
	CHECK_INT(zone_edit(&z, &c, 1, NULL, &out, &err), 1);
	CHECK(strstr(out.buf, "www IN A 192.0.2.20\n") != NULL);
	CHECK_INT(zone_parse(&z2, "db", "alice.test", out.buf, out.len, &err), 0);
	zone_release(&z);
	zone_release(&z2);
	strbuf_release(&out);
	strbuf_release(&err);
}

/* no $TTL: a TTL field cannot be dropped for the default (fuzz) */
static void
test_default_ttl_needs_dollar_ttl(void)
{
	static const char text[] = "@ 300 IN SOA ns1.alice.test. h.alice.test. 1 300 30 86400 5\n"
	    "\t300 IN NS ns1.alice.test.\n"
	    "www 300 IN A 192.0.2.10\n"
	    "\tIN A 192.0.2.11\n";
	struct zone_change c = { .op = ZONE_SET_TTL, .name = "www.alice.test", .type = "A",
	    .ttl = ZONE_TTL_DEFAULT, .old = "192.0.2.10" };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct zone z = ZONE_INIT;

	CHECK_INT(zone_parse(&z, "db", "alice.test", text, sizeof text - 1, &err), 0);
	CHECK_INT(zone_edit(&z, &c, 1, NULL, &out, &err), -1);
	CHECK(strstr(err.buf, "db:3: www.alice.test A has no $TTL to fall back to") != NULL);
	zone_release(&z);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void
test_style_of_new_lines(void)
{
	struct zone z = ZONE_INIT;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct zone_bump b = { .today = 20261124 };

	CHECK_INT(load(&z, "old.zone", "bob.test"), 0);
	/* space-aligned neighbours: the new line lines up with them; no $TTL, so
	   it carries the TTL it would have taken from the line above */
	CHECK_INT(zone_add(&z, "mush.bob.test", "TXT", "\"game; moved\"", -1, &b, &out, &err), 1);
	CHECK(strstr(out.buf, "mush  300   IN  A     192.0.2.10\nmush  300   IN  TXT   "
	    "\"game; moved\"\nwww") != NULL);
	/* not date-style: +1 */
	CHECK(strstr(out.buf, "( 43 10800") != NULL);
	CHECK_INT(b.new_serial, 43);
	CHECK_INT(bind_check("bob.test", &out, "old.zone"), 0);
	/* the checker is real: it refuses a zone without NS */
	strbuf_reset(&out);
	strbuf_addstr(&out, "$TTL 300\n@ IN SOA ns1.bob.test. h.bob.test. 1 2 3 4 5\n");
	CHECK(bind_check("bob.test", &out, "bad.zone") > 0);
	CHECK_INT(zone_set_serial(&z, 4294967295U, &out, &err), 0);
	CHECK(strstr(out.buf, "( 4294967295 10800") != NULL);
	zone_release(&z);
	strbuf_release(&out);
	strbuf_release(&err);
}

int
main(void)
{
	const char *rm[] = { "rm", "-rf", tmpdir, NULL };

	if (!mkdtemp(tmpdir))
		fatal_errno("mkdtemp");
	test_parse_basic();
	test_ttl_forms();
	test_refused_and_errors();
	test_crlf_and_no_newline();
	test_edits_keep_bytes();
	test_more_edits();
	test_rollback_serial();
	test_serial_arithmetic();
	test_batch_bumps_once();
	test_only_planned_records();
	test_escaped_blank_in_soa();
	test_default_ttl_needs_dollar_ttl();
	test_delete_soa_minimum_source();
	test_set_token_abutting();
	test_added_line_keeps_inherited_ttl();
	test_style_of_new_lines();
	run_simple(rm, NULL);
	UNIT_DONE("zone");
}
