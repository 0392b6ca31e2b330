/* t-config-values.c: ferry.conf defaults, paths, %-expansion, validators, the step catalogue, the contract's example. */
#include "config-fixture.h"

static void
test_defaults(void)
{
	struct config cf;
	struct strbuf err = STRBUF_INIT, want = STRBUF_INIT;
	struct host *h;
	struct account *a;

	CHECK_INT(load(&cf, FULL "[account alice]\nowner = alice@example.net\n" WEB
	    "[account bob]\nowner = bob@example.net\n" MUSH, &err), 0);
	CHECK_STR(err.buf, "");
	h = config_host(&cf, "old");
	CHECK(h != NULL && cf.from == h && cf.to == config_host(&cf, "new"));
	CHECK_STR(h->rsync_to, "root@192.0.2.10");
	CHECK_STR(h->mta_domains, "/etc/mail/local-host-names");
	CHECK_STR(h->mail_spool, "/var/spool/mail");
	CHECK_STR(h->apache_log, "/var/log/apache2/access.log");
	CHECK_STR(h->apache_error_log, "/var/log/apache2/error.log");
	CHECK_STR(h->mail_log, "/var/log/mail.log");
	CHECK_STR(h->auth_log, "/var/log/auth.log");
	CHECK_INT(h->apache_check.n, 2);
	CHECK_STR(h->apache_check.v[1], "-t");
	CHECK_STR(h->apache_reload.v[1], "graceful");
	CHECK_INT(h->local, 0);
	CHECK_INT(cf.to->local, 1);
	CHECK_INT(h->mta, MTA_SENDMAIL);
	CHECK_INT(cf.dns.zone_check.n, 3);
	CHECK_STR(cf.dns.zone_check.v[2], "%f");
	CHECK_STR(cf.dns.retransfer.v[0], "rndc");
	CHECK_INT(cf.dns.cutover_ttl, 300);
	CHECK_INT(cf.watch_seconds, 600);
	CHECK_INT(cf.presync_until, 1000);
	CHECK_INT(cf.track_changes, 1);
	strbuf_addf(&want, "%s/ferry.db", tmpdir);
	CHECK_STR(cf.journal, want.buf);
	CHECK(cf.ssh_config == NULL);
	a = config_account(&cf, "alice");
	CHECK_INT(a->services, SVC_WEB);
	CHECK_INT(a->mail, MAIL_AUTO);
	CHECK_INT(a->userdir, 0);
	CHECK_INT(a->web_check.n, 1);
	CHECK_STR(a->web_check.v[0], "/");
	a = config_account(&cf, "bob");
	CHECK_STR(a->mush_pidfile, "netmux.pid");
	CHECK_INT(a->mush_freeze, FREEZE_STOP);
	CHECK_INT(a->mush_port, 2860);
	CHECK(config_account(&cf, "carol") == NULL);
	config_free(&cf);
	strbuf_release(&err);
	strbuf_release(&want);
}

/* change tracking can be turned off (phase1.3 then always scans the whole home) */
static void
test_track_changes(void)
{
	struct config cf;
	struct strbuf err = STRBUF_INIT;

	CHECK_INT(load(&cf, MIG "track-changes = no\n" HOLD HNEW ALICE, &err), 0);
	CHECK_STR(err.buf, "");
	CHECK_INT(cf.track_changes, 0);
	config_free(&cf);
	strbuf_release(&err);
}

static void
test_relative_paths(void)
{
	struct config cf;
	struct strbuf err = STRBUF_INIT, want = STRBUF_INIT;

	static const char text[] = MIG "journal = state/j.db\nssh-config = ssh_config\n" HOLD HNEW
	    "[account dave]\nowner = dave@example.com\nmush-admin = dave.connect\n";

	mkdir("sub", 0700);
	write_file("sub/ferry.conf", text, strlen(text), 0644);
	CHECK_INT(load_path(&cf, "sub/ferry.conf", &err), 0);
	CHECK_STR(err.buf, "ferry: sub/ferry.conf:20: warning: mush-admin is set but services has no mush\n");
	strbuf_addf(&want, "%s/sub/state/j.db", tmpdir);
	CHECK_STR(cf.journal, want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "%s/sub/ssh_config", tmpdir);
	CHECK_STR(cf.ssh_config, want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "%s/sub/dave.connect", tmpdir);
	CHECK_STR(cf.accounts[0].mush_admin, want.buf);
	config_free(&cf);
	strbuf_release(&err);
	strbuf_release(&want);
}

/* %% is a literal %: plain keys hold the final text, command keys stay templates */
static void
test_percent(void)
{
	struct config cf;
	struct strbuf err = STRBUF_INIT;
	struct strlist argv = STRLIST_INIT;

	CHECK_INT(load(&cf, MIG HOLD "firewall = /adm/100%%/fw\napache-reload = apachectl -k 50%%\n"
	    HNEW ALICE, &err), 0);
	CHECK_STR(cf.from->firewall, "/adm/100%/fw");
	CHECK_STR(cf.from->apache_reload.v[2], "50%%");
	CHECK_INT(expand_argv(&argv, &cf.from->apache_reload, NULL), 0);
	CHECK_STR(argv.v[2], "50%");
	strlist_clear(&argv);
	config_free(&cf);
	strbuf_release(&err);
}

static void
test_expand(void)
{
	struct expand e = { "alice", "www.alice.test", "alice.test", "/tmp/db file" };
	struct expand only_z = { NULL, NULL, "alice.test", NULL };
	struct strbuf sb = STRBUF_INIT;
	struct strlist tmpl = STRLIST_INIT, out = STRLIST_INIT;

	CHECK_INT(expand_template(&sb, "/etc/bind/db.%z", &e), 0);
	CHECK_STR(sb.buf, "/etc/bind/db.alice.test");
	strbuf_reset(&sb);
	CHECK_INT(expand_template(&sb, "http://x/~%u/%d 100%%", &e), 0);
	CHECK_STR(sb.buf, "http://x/~alice/www.alice.test 100%");
	strbuf_reset(&sb);
	CHECK_INT(expand_template(&sb, "~%u", &only_z), -1);
	CHECK_INT(expand_template(&sb, "%x", &e), -1);
	CHECK_INT(expand_template(&sb, "50%", &e), -1);
	CHECK_INT((int)sb.len, 0);
	strlist_split(&tmpl, "named-checkzone %z %f");
	CHECK_INT(expand_argv(&out, &tmpl, &e), 0);
	CHECK_INT(out.n, 3);
	CHECK_STR(out.v[2], "/tmp/db file");
	CHECK(out.v[3] == NULL);
	CHECK_INT(expand_argv(&out, &tmpl, &only_z), -1);
	CHECK_INT(out.n, 3);
	strlist_clear(&out);
	strlist_clear(&tmpl);
	strbuf_release(&sb);
}

static void
test_validators(void)
{
	char label[70], longname[300];

	memset(label, 'a', 64);
	label[64] = '\0';
	CHECK(valid_domain_name(label + 1));	/* 63 */
	CHECK(!valid_domain_name(label));	/* 64 */
	memset(longname, 'a', sizeof longname);
	for (int i = 50; i < 300; i += 51)
		longname[i] = '.';
	longname[254] = '\0';
	CHECK(!valid_domain_name(longname));
	longname[253] = '\0';
	CHECK(valid_domain_name(longname) || longname[252] == '.');
	CHECK(valid_domain_name("www.alice-b.test"));
	CHECK(!valid_domain_name("-www.test"));
	CHECK(!valid_domain_name("www.test."));
	CHECK(!valid_domain_name("a..test"));
	CHECK(!valid_domain_name("a_b.test"));
	CHECK(valid_login_name("_svc-1"));
	CHECK(!valid_login_name("1abc"));
	CHECK(!valid_login_name("a b"));
	CHECK(valid_email("first.last+tag@example.net"));
	CHECK(!valid_email("a@b@c.test"));
	CHECK(!valid_email("a\"b@c.test"));
	CHECK(!valid_email("-a@c.test"));
}

static void
test_zone_of(void)
{
	struct account a;

	memset(&a, 0, sizeof a);
	strlist_split(&a.domains, "dave.test games.dave.test");
	CHECK_STR(account_zone_of(&a, "play.games.dave.test"), "games.dave.test");
	CHECK_STR(account_zone_of(&a, "games.dave.test"), "games.dave.test");
	CHECK_STR(account_zone_of(&a, "www.dave.test"), "dave.test");
	CHECK_STR(account_zone_of(&a, "WWW.Dave.Test"), "dave.test");
	CHECK(account_zone_of(&a, "xdave.test") == NULL);
	CHECK(account_zone_of(&a, "dave.test.org") == NULL);
	strlist_clear(&a.domains);
}

/* "applies" lists the step ids that apply; "skipped" those the config skips */
static void
steps_of(const char *services, int forwarded, struct strbuf *applies, struct strbuf *skipped)
{
	struct account a;
	size_t i;

	memset(&a, 0, sizeof a);
	a.services = (strstr(services, "web") ? SVC_WEB : 0) | (strstr(services, "mail") ? SVC_MAIL : 0) |
	    (strstr(services, "mush") ? SVC_MUSH : 0);
	a.mail = forwarded ? MAIL_FORWARDED : MAIL_LOCAL;
	strbuf_reset(applies);
	strbuf_reset(skipped);
	for (i = 0; i < step_catalogue_len; i++) {
		if (!step_applies(&step_catalogue[i], &a))
			continue;
		strbuf_addf(applies, "%s%s", applies->len ? " " : "", step_catalogue[i].id);
		if (step_config_skip(&step_catalogue[i], &a))
			strbuf_addf(skipped, "%s%s", skipped->len ? " " : "", step_catalogue[i].id);
	}
}

static void
test_catalogue(void)
{
	struct strbuf ap = STRBUF_INIT, sk = STRBUF_INIT;

	steps_of("", 0, &ap, &sk);
	CHECK_STR(ap.buf, "prep.1 prep.2 prep.6 prep.cron phase1.presync phase1.2 phase1.3 phase1.cron done.1 done.tidy");
	steps_of("web", 0, &ap, &sk);
	CHECK_STR(ap.buf, "prep.1 prep.2 prep.3 prep.4 prep.5 prep.6 prep.cron prep.ttl phase1.presync phase1.2 "
	    "phase1.3 phase1.cron phase2.proxy phase2.1 phase2.3 phase2.5 phase2.6 done.1 done.tidy");
	CHECK_STR(sk.buf, "");
	steps_of("mail", 0, &ap, &sk);
	CHECK_STR(ap.buf, "prep.1 prep.2 prep.6 prep.cron prep.ttl phase1.presync phase1.2 phase1.3 phase1.cron phase1.6 "
	    "phase1.7 phase1.8 phase1.9 phase1.10 phase1.11 phase2.2 phase2.3 done.1 done.tidy");
	CHECK_STR(sk.buf, "");
	steps_of("mail", 1, &ap, &sk);
	CHECK_STR(sk.buf, "phase1.7 phase1.9 phase1.10 phase1.11");
	steps_of("web", 1, &ap, &sk);
	CHECK_STR(sk.buf, "");
	steps_of("mush", 0, &ap, &sk);
	CHECK_STR(ap.buf, "prep.1 prep.2 prep.6 prep.7 prep.8 prep.cron prep.ttl phase1.presync phase1.1 phase1.2 "
	    "phase1.3 phase1.cron phase1.4 phase1.5 phase2.4 done.1 done.tidy");
	steps_of("web mail mush", 0, &ap, &sk);
	CHECK_INT(ap.len, strlen("prep.1 prep.2 prep.3 prep.4 prep.5 prep.6 prep.7 prep.8 prep.cron prep.ttl "
	    "phase1.presync phase1.1 phase1.2 phase1.3 phase1.cron phase1.4 phase1.5 phase1.6 phase1.7 phase1.8 "
	    "phase1.9 phase1.10 phase1.11 phase2.proxy phase2.1 phase2.2 phase2.3 phase2.4 phase2.5 "
	    "phase2.6 done.1 done.tidy"));
	CHECK_INT(step_catalogue_len, 32);
	strbuf_release(&ap);
	strbuf_release(&sk);
}

static void
test_contract_example(void)
{
	struct config cf;
	struct strbuf err = STRBUF_INIT, path = STRBUF_INIT;
	struct host **ns;
	struct account *a;

	strbuf_addf(&path, "%s/contract.conf", data_dir.buf);
	CHECK_INT(load_path(&cf, path.buf, &err), 0);
	CHECK_STR(err.buf, "");
	CHECK_INT(cf.n_hosts, 3);
	CHECK_INT(cf.n_accounts, 4);
	CHECK_STR(cf.from->name, "charon");
	CHECK_STR(cf.to->name, "neko-base");
	CHECK_INT(config_nameservers(&cf, &ns), 3);
	CHECK(ns[0] == cf.from && ns[1] == cf.to && ns[2] == config_host(&cf, "ns3"));
	CHECK_INT(cf.dns.n_secondaries, 2);
	CHECK_STR(cf.to->rsync_to, "root@192.0.2.20");
	CHECK_INT(cf.to->apache_vhosts.n, 2);
	CHECK_STR(cf.userdir_redirect, "http://neko-base.nekodojo.test/~%u");
	CHECK_STR(cf.smtp, "192.0.2.20:25");
	a = config_account(&cf, "alice");
	CHECK_INT(a->services, SVC_WEB | SVC_MAIL);
	CHECK_INT(a->userdir, 1);
	CHECK_STR(a->web_check.v[1], "/about.html");
	a = config_account(&cf, "bob");
	CHECK_STR(a->mush_stop.v[0], "./stop-game");
	CHECK_STR(a->mush_save, "data");
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/bob.connect", data_dir.buf);
	CHECK_STR(a->mush_admin, path.buf);
	CHECK_INT(config_account(&cf, "carol")->mail, MAIL_FORWARDED);
	a = config_account(&cf, "dave");
	CHECK_INT(a->services, SVC_WEB | SVC_MAIL | SVC_MUSH);
	CHECK_INT(a->mush_freeze, FREEZE_ANNOUNCE);
	CHECK_STR(account_zone_of(a, a->mush_name), "games.dave.test");
	CHECK_INT(a->mush_start.n, 3);
	CHECK_STR(a->mush_start.v[2], "%u.conf");
	config_free(&cf);
	strbuf_release(&err);
	strbuf_release(&path);
}

int
main(void)
{
	if (fixture_enter() < 0)
		return 1;
	test_defaults();
	test_track_changes();
	test_relative_paths();
	test_percent();
	test_expand();
	test_validators();
	test_zone_of();
	test_catalogue();
	test_contract_example();
	fixture_leave();
	UNIT_DONE("t-config-values");
}
