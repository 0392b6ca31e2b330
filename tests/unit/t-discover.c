/* t-discover.c: discover's readers (sections, passwd, named-checkconf -p, sendmail.cf,
 * netmux.conf, crontabs) and crontab switching, on their own. */
#include <stdlib.h>
#include <string.h>

#include "crontab.h"
#include "discover-int.h"
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

/* the old host's answer as the script writes it: no Apache, sendmail, one zone each */
static const char old_stream[] =
	"@host\n|charon\n|charon.example.test\n@addr\n|192.0.2.10\n"
	"@passwd\n|root:x:0:0::/root:/bin/sh\n|ann:x:2001:2001::/home/ann:/bin/sh\n"
	"|cy:x:2002:2002::/srv/cy:/bin/sh\n|gone:x:2003:2003::/home/gone:/bin/sh\n"
	"@home ann 900\n@home cy 50\n"
	"@crontab ann\n|MAILTO=x\n|0 * * * * backup\n"
	"@procs ann\n|  42 backup\n"
	"@sendmail-cf\n|Kvirtuser hash -o /etc/mail/vt\n|Fw/etc/mail/lhn\n"
	"@file /etc/mail/vt\n|@ann.test\tann\n|@cy.test\tcy@elsewhere.example\n"
	"@spool-dir /var/spool/mail\n"
	"@named\n|zone \"ann.test\" {\n|\ttype primary;\n|\tfile \"/z/db.ann.test\";\n"
	"|\talso-notify {\n|\t\t192.0.2.20;\n|\t};\n|};\n"
	"|zone \"cy.test\" {\n|\ttype primary;\n|\tfile \"/z/db.cy.test\";\n|};\n"
	"@file /z/db.ann.test\n|$TTL 60\n|@ IN SOA ns.ann.test. hostmaster.ann.test. 1 2 3 4 5\n"
	"| IN NS ns.ann.test.\n| IN MX 10 charon.example.test.\n|ns IN A 192.0.2.10\n"
	"|stray 86400 IN A 192.0.2.10\n"
	"@file /z/db.cy.test\n|$TTL 7200\n|@ IN SOA ns.ann.test. h.ann.test. 1 2 3 4 5\n"
	"| IN NS ns.ann.test.\n| IN MX 10 charon.example.test.\n";

static void
test_model(void)
{
	struct dsc d;
	struct strbuf conf = STRBUF_INIT, risks = STRBUF_INIT;
	size_t i;

	memset(&d, 0, sizeof d);
	d.cutover_ttl = 300;
	d.old.h.name = strdup("charon");
	d.old.h.ssh = strdup("root@192.0.2.10");
	d.old.fqdn = strdup("charon.example.test");
	d.old.address = strdup("192.0.2.10");
	d.new.h.name = strdup("neko");
	d.new.h.ssh = strdup("root@192.0.2.20");
	d.new.fqdn = strdup("neko.example.test");
	d.new.address = strdup("192.0.2.20");
	d.new.free_kb = 500;
	d.out_dir = strdup("/nonexistent");
	d.journal = strdup("t.db");
	dsc_split(&d.old.st, old_stream, strlen(old_stream));
	dsc_build(&d);
	dsc_find_risks(&d);
	dsc_write_conf(&d, &conf);
	for (i = 0; i < d.n_risks; i++)
		strbuf_addf(&risks, "%s %s: %s\n", d.risks[i].kind,
		    d.risks[i].account ? d.risks[i].account : "-", d.risks[i].text);
	CHECK_INT(d.n_acc, 2);
	CHECK(strstr(conf.buf, "[account ann]\n") != NULL);
	CHECK(strstr(conf.buf, "services = mail\ndomains = ann.test\n") != NULL);
	CHECK(strstr(conf.buf, "[account cy]\nowner = cy@elsewhere.example\n") != NULL);
	CHECK(strstr(conf.buf, "zone-file = /z/db.%z\n") != NULL);
	CHECK(strstr(conf.buf, "secondaries = neko\n") != NULL);
	CHECK(strstr(conf.buf, "virtusertable = /etc/mail/vt\nmta-domains = /etc/mail/lhn\n") != NULL);
	CHECK(strstr(conf.buf, "admin = hostmaster@ann.test\n") == NULL);
	CHECK(strstr(conf.buf, "journal = t.db\n") != NULL);
	CHECK(strstr(risks.buf, "stray ann: stray.ann.test A 192.0.2.10 (/z/db.ann.test:6)") != NULL);
	CHECK(strstr(risks.buf, "ttl cy: cy.test MX has TTL 7200 s") != NULL);
	CHECK(strstr(risks.buf, "space ann: home and mail take 900 KiB, more than the 500 KiB") != NULL);
	CHECK(strstr(risks.buf, "space cy:") == NULL);
	CHECK(strstr(risks.buf, "crontab ann: 1 crontab job:") != NULL);
	CHECK(strstr(risks.buf, "process ann: 1 running: 42 backup") != NULL);
	CHECK(strstr(risks.buf, "account cy: home /srv/cy is not in the directory of /home/ann") != NULL);
	CHECK(strstr(risks.buf, "account gone: no home directory") != NULL);
	if (unit_fail)
		printf("# config:\n%s# risks:\n%s", conf.buf, risks.buf);
	strbuf_release(&conf);
	strbuf_release(&risks);
	dsc_release(&d);
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
	test_model();
	printf("# discover: %d passed, %d failed\n", unit_pass, unit_fail);
	return unit_fail != 0;
}
