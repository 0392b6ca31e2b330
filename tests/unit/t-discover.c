/* t-discover.c: discover's readers (sections, passwd, named-checkconf -p, sendmail.cf,
 * netmux.conf, crontabs) and crontab switching, on their own. */
#include <stdlib.h>
#include <string.h>

#include "crontab.h"
#include "discover.h"
#include "unit.h"

static void
test_split(void)
{
	static const char text[] =
		"junk before any header\n"
		"@host\n|charon\n|charon.nekodojo.test\n"
		"@file /etc/x y\n|@not a header\n||pipe\n|\n"
		"@home alice 1234\n"
		"@df\n|last line without newline";
	struct dsc_stream ds = { NULL, 0 };
	const struct dsc_section *s;

	dsc_split(&ds, text, strlen(text));
	CHECK_INT(ds.n, 4);
	s = dsc_get(&ds, "host", NULL);
	CHECK(s != NULL);
	CHECK_STR(s ? s->body.buf : NULL, "charon\ncharon.nekodojo.test\n");
	s = dsc_get(&ds, "file", "/etc/x y");
	CHECK_STR(s ? s->body.buf : NULL, "@not a header\n|pipe\n\n");
	s = dsc_get(&ds, "home", NULL);
	CHECK_STR(s ? s->arg : NULL, "alice 1234");
	CHECK_STR(s ? s->body.buf : NULL, "");
	s = dsc_get(&ds, "df", "");
	CHECK_STR(s ? s->body.buf : NULL, "last line without newline\n");
	CHECK(dsc_get(&ds, "file", "/etc/y") == NULL);
	dsc_stream_release(&ds);
}

static void
test_passwd(void)
{
	static const char text[] =
		"root:x:0:0:root:/root:/bin/bash\n"
		"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
		"alice:x:2001:2001:alice (lab):/home/alice:/bin/bash\n"
		"bad:x:20x1:2001::/home/bad:/bin/sh\n"
		"extra:x:2005:2005::/home/extra:/bin/sh:more\n"
		"rel:x:2006:2006::home/rel:/bin/sh\n"
		"short:x:2007\n"
		"carol:x:1000:1000::/srv/carol:\n";
	struct dsc_user *u;
	size_t n;

	dsc_parse_passwd(text, &u, &n);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(u[0].name, "alice");
		CHECK_INT(u[0].uid, 2001);
		CHECK_STR(u[0].home, "/home/alice");
		CHECK_STR(u[1].name, "carol");
		CHECK_STR(u[1].shell, "");
	}
	dsc_users_free(u, n);
}

static void
test_named(void)
{
	static const char text[] =
		"options {\n\tdirectory \"/var/cache/bind\";\n\tlisten-on  {\n\t\t\"any\";\n\t};\n};\n"
		"zone \"alice.test\" {\n\ttype primary;\n\tfile \"/etc/bind/zones/db.alice.test\";\n"
		"\tallow-transfer  {\n\t\t192.0.2.20/32;\n\t};\n"
		"\talso-notify {\n\t\t192.0.2.20;\n\t\t192.0.2.30;\n\t};\n\tnotify explicit;\n};\n"
		"zone \"old.test\" {\n\ttype master;\n\tfile \"db.old\";\n};\n"
		"view \"inside\" {\n\tzone \"sec.test\" {\n\t\ttype slave;\n"
		"\t\tfile \"/var/cache/bind/db.sec\";\n\t};\n};\n"
		"zone \"{odd}.test\" {\n\ttype primary;\n\tfile \"x\";\n};\n";
	struct dsc_zone *z;
	size_t n;
	char *dir;

	dsc_parse_named(text, &z, &n, &dir);
	CHECK_STR(dir, "/var/cache/bind");
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(z[0].name, "alice.test");
		CHECK_STR(z[0].type, "primary");
		CHECK_STR(z[0].file, "/etc/bind/zones/db.alice.test");
		CHECK_INT(z[0].notify.n, 2);
		CHECK(strlist_has(&z[0].notify, "192.0.2.30"));
		CHECK(!strlist_has(&z[0].notify, "192.0.2.20/32"));
		CHECK_STR(z[1].type, "primary");
		CHECK_STR(z[1].file, "db.old");
		CHECK_INT(z[1].notify.n, 0);
		CHECK_STR(z[2].name, "sec.test");
		CHECK_STR(z[2].type, "secondary");
		CHECK_STR(z[3].name, "{odd}.test");
		CHECK_STR(z[3].file, "x");
	}
	free(dir);
	dsc_zones_free(z, n);
}

static void
test_sendmail_cf(void)
{
	char *vt, *fw;

	dsc_parse_sendmail_cf("Fw/etc/mail/local-host-names %[^\\#]\n"
	    "Kvirtuser hash -o /usr/local/adm/mail/virtusertable\n", &vt, &fw);
	CHECK_STR(vt, "/usr/local/adm/mail/virtusertable");
	CHECK_STR(fw, "/etc/mail/local-host-names");
	free(vt);
	free(fw);
	dsc_parse_sendmail_cf("Fw-o /etc/mail/lhn\nKvirtuser hash /etc/mail/virtusertable.db\n"
	    "Kvirtuserx hash /nope\n", &vt, &fw);
	CHECK_STR(vt, "/etc/mail/virtusertable");
	CHECK_STR(fw, "/etc/mail/lhn");
	free(vt);
	free(fw);
	dsc_parse_sendmail_cf("# nothing\n", &vt, &fw);
	CHECK(vt == NULL && fw == NULL);
}

static void
test_mux_port(void)
{
	CHECK_INT(dsc_parse_mux_port("# port 1\nport 2861\nmud_name X\n"), 2861);
	CHECK_INT(dsc_parse_mux_port("port 2861\n  port\t4201\n"), 4201);
	CHECK_INT(dsc_parse_mux_port("port 99999\nports 3\nport x\n"), 2860);
	CHECK_INT(dsc_parse_mux_port(""), 2860);
}

static void
test_crontab(void)
{
	static const char text[] =
		"MAILTO=\"\"\n# a comment\n\n*/5 * * * * run-it\n"
		"PATH = /bin\n@reboot start-me\n  1 2 * * * x";
	struct strbuf off = STRBUF_INIT, on = STRBUF_INIT, twice = STRBUF_INIT;

	CHECK_INT(dsc_crontab_jobs(text), 3);
	crontab_disable(text, &off);
	CHECK_STR(off.buf, "MAILTO=\"\"\n# a comment\n\n#ferry-off: */5 * * * * run-it\n"
	    "PATH = /bin\n#ferry-off: @reboot start-me\n#ferry-off:   1 2 * * * x");
	CHECK_INT(crontab_jobs(off.buf), 0);
	CHECK_INT(crontab_disabled(off.buf), 3);
	crontab_disable(off.buf, &twice);
	CHECK_STR(twice.buf, off.buf);
	crontab_enable(off.buf, &on);
	CHECK_STR(on.buf, text);
	CHECK_INT(crontab_disabled(on.buf), 0);
	strbuf_reset(&on);
	crontab_enable("# ferry-off: not ours\n", &on);
	CHECK_STR(on.buf, "# ferry-off: not ours\n");
	strbuf_release(&off);
	strbuf_release(&on);
	strbuf_release(&twice);
}

static void
test_paths(void)
{
	char *zones[] = { "test", "alice.test", "www.alice.test" };

	CHECK(dsc_path_below("/home/alice/public_html", "/home/alice"));
	CHECK(dsc_path_below("/home/alice", "/home/alice/"));
	CHECK(!dsc_path_below("/home/alicex/www", "/home/alice"));
	CHECK_STR(dsc_zone_of(zones, 3, "a.www.alice.test"), "www.alice.test");
	CHECK_STR(dsc_zone_of(zones, 3, "alice.test"), "alice.test");
	CHECK_STR(dsc_zone_of(zones, 3, "bob.test"), "test");
	CHECK(dsc_zone_of(zones, 2, "bob.example") == NULL);
}

int
main(void)
{
	test_split();
	test_passwd();
	test_named();
	test_sendmail_cf();
	test_mux_port();
	test_crontab();
	test_paths();
	printf("# discover: %d passed, %d failed\n", unit_pass, unit_fail);
	return unit_fail != 0;
}
