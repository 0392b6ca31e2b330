/* t-config.c: ferry.conf parsing, every error kind with its exact FILE:LINE. */
#include "config-fixture.h"

static void
test_syntax(void)
{
	expect(BASE ALICE "bogus\n", "ferry: ferry.conf:18: expected 'key = value'\n");
	expect(BASE "[host ns3\nssh = x\n" ALICE,
	    "ferry: ferry.conf:16: unterminated section header (no ']')\n");
	expect(BASE "[mailer]\nx = 1\n" ALICE, "ferry: ferry.conf:16: unknown section [mailer]\n");
	expect(BASE ALICE "colour = blue\n", "ferry: ferry.conf:18: unknown key 'colour' in [account alice]\n");
	expect(MIG HOLD "home = /srv\n" HNEW ALICE,
	    "ferry: ferry.conf:11: duplicate key 'home' (first on line 10)\n");
	expect(BASE "[host old]\nssh = local\naddress = 192.0.2.30\n" ALICE,
	    "ferry: ferry.conf:16: duplicate section [host old] (first on line 6)\n");
	expect(BASE ALICE ALICE, "ferry: ferry.conf:18: duplicate section [account alice] (first on line 16)\n");
	expect("x = 1\n" BASE ALICE, "ferry: ferry.conf:1: 'x' is outside any section\n");
	expect(BASE "[migration extra]\n" ALICE, "ferry: ferry.conf:16: [migration] takes no name\n");
	expect(BASE "[host]\nssh = local\n" ALICE, "ferry: ferry.conf:16: [host] needs a name: [host NAME]\n");
	expect(BASE ALICE "rsync-exclude =\n", "ferry: ferry.conf:18: rsync-exclude: empty value\n");
	/* comments after values, blank lines and tabs are fine */
	{
		struct config cf;
		struct strbuf err = STRBUF_INIT;
		CHECK_INT(load(&cf, "# top\n\n" BASE ALICE "\trsync-exclude = .cache  tmp  # junk\n", &err), 0);
		CHECK_STR(err.buf, "");
		CHECK_INT(cf.accounts[0].rsync_exclude.n, 2);
		CHECK_STR(cf.accounts[0].rsync_exclude.v[1], "tmp");
		config_free(&cf);
		strbuf_release(&err);
	}
}

static void
test_missing(void)
{
	expect(MIG HOLD "[host new]\nssh = local\nname = new.example.test\nhome = /home\n" ALICE,
	    "ferry: ferry.conf:11: missing 'address' in [host new]\n");
	expect(BASE, "ferry: ferry.conf:1: no [account NAME] section\n");
	expect(HOLD HNEW ALICE, "ferry: ferry.conf:1: no [migration] section\n");
	/* printed in line order; a missing key cites its section's header */
	expect(BASE "[account alice]\nservices = web\n",
	    "ferry: ferry.conf:1: no [dns] section (an account has web, mail or mush)\n"
	    "ferry: ferry.conf:6: missing 'apache-vhosts' in [host old] (an account has web)\n"
	    "ferry: ferry.conf:11: missing 'apache-vhosts' in [host new] (an account has web)\n"
	    "ferry: ferry.conf:16: missing 'owner' in [account alice]\n"
	    "ferry: ferry.conf:16: missing 'domains' in [account alice] (services has web, mail or mush)\n"
	    "ferry: ferry.conf:16: missing 'web' in [account alice] (services has web)\n"
	    "ferry: ferry.conf:16: missing 'test-name' in [account alice] (services has web)\n");
}

static void
test_roles_mail(void)
{
	expect(MIG HOLD HNEW "[host ns3]\naddress = 192.0.2.30\n" DNS
	    "[account carol]\nowner = carol@example.org\nservices = mail\ndomains = carol.test\n",
	    "ferry: ferry.conf:6: missing 'mta' in [host old] (an account has mail)\n"
	    "ferry: ferry.conf:6: missing 'virtusertable' in [host old] (an account has mail)\n"
	    "ferry: ferry.conf:6: missing 'mta-reload' in [host old] (an account has mail)\n"
	    "ferry: ferry.conf:11: missing 'mta' in [host new] (an account has mail)\n"
	    "ferry: ferry.conf:11: missing 'virtusertable' in [host new] (an account has mail)\n"
	    "ferry: ferry.conf:11: missing 'mta-reload' in [host new] (an account has mail)\n"
	    "ferry: ferry.conf:16: missing 'ssh' in [host ns3]\n");
	expect(MIG "[host old]\nssh = root@old\naddress = 192.0.2.10\n" HNEW ALICE,
	    "ferry: ferry.conf:6: missing 'name' in [host old] (the old and new hosts need it)\n"
	    "ferry: ferry.conf:6: missing 'home' in [host old] (the old and new hosts need it)\n");
	expect(MIG HOLD "mta = postfix\nvirtusertable = /etc/postfix/virtual\nmta-reload = postfix reload\n"
	    "apache-vhosts = /etc/apache2/vhosts.conf\n" HNEW HSVC DNS
	    "[account carol]\nowner = carol@example.org\nservices = mail\ndomains = carol.test\n",
	    "ferry: ferry.conf:6: missing 'mta-domains' in [host old] (no default for postfix)\n");
}

static void
test_values(void)
{
	expect(BASE ALICE "[dns]\nprimary = old\nzone-file = /db.%z\ncutover-ttl = 0\n",
	    "ferry: ferry.conf:21: cutover-ttl: '0' is not a number from 1 to 604800\n");
	expect(MIG "watch-seconds = ten\n" HOLD HNEW ALICE,
	    "ferry: ferry.conf:6: watch-seconds: 'ten' is not a number from 0 to 604800\n");
	expect(MIG "presync-until = -5\n" HOLD HNEW ALICE,
	    "ferry: ferry.conf:6: presync-until: '-5' is not a number from 1 to 1000000000\n");
	expect(MIG "track-changes = sometimes\n" HOLD HNEW ALICE,
	    "ferry: ferry.conf:6: track-changes: 'sometimes' is not yes or no\n");
	expect(MIG HOLD "mta = exim\n" HNEW ALICE,
	    "ferry: ferry.conf:11: mta: 'exim' is not one of: sendmail postfix\n");
	expect(BASE ALICE "userdir = maybe\n", "ferry: ferry.conf:18: userdir: 'maybe' is not yes or no\n");
	expect(BASE ALICE "mail = pigeon\n",
	    "ferry: ferry.conf:18: mail: 'pigeon' is not one of: auto local forwarded\n"
	    "ferry: ferry.conf:18: warning: mail is set but services has no mail\n");
	/* a refused services line brings no errors nor warnings about other keys */
	expect(BASE ALICE "services = web ftp\nweb = alice.test\n",
	    "ferry: ferry.conf:18: services: 'ftp' is not a service (web mail mush)\n");
	expect("[migration]\nfrom = old\nto = new\nadmin = admin@example.test\nsmtp = mail.test:0\n"
	    HOLD HNEW ALICE,
	    "ferry: ferry.conf:5: smtp: 'mail.test:0' is not host:port with a port from 1 to 65535\n");
	expect("[migration]\nfrom = old\nto = new\nadmin = admin@example.test\nsmtp = mail.test\n"
	    HOLD HNEW ALICE,
	    "ferry: ferry.conf:5: smtp: 'mail.test' is not host:port with a port from 1 to 65535\n");
	expect(FULL "[account bob]\nowner = bob@example.net\n" MUSH "mush-port = 70000\n",
	    "ferry: ferry.conf:37: duplicate key 'mush-port' (first on line 33)\n");
	expect(FULL "[account bob]\nowner = bob@example.net\n" MUSH "mush-freeze = now\n",
	    "ferry: ferry.conf:37: mush-freeze: 'now' is not one of: stop announce\n");
	/* a key of a service the account does not have is only a warning */
	expect(BASE "[account bob]\nowner = bob@example.net\nmush-port = 70000\n",
	    "ferry: ferry.conf:18: mush-port: '70000' is not a number from 1 to 65535\n"
	    "ferry: ferry.conf:18: warning: mush-port is set but services has no mush\n");
	expect(MIG HOLD "[host new]\nssh = local\naddress = 300.1.1.1\nname = n.test\nhome = /home\n" ALICE,
	    "ferry: ferry.conf:13: address: '300.1.1.1' is not an IPv4 address\n");
	expect(BASE ALICE "owner2 = x\n", "ferry: ferry.conf:18: unknown key 'owner2' in [account alice]\n");
	expect("[migration]\nfrom = old\nto = new\nadmin = admin\nsmtp = 127.0.0.1:25\n" HOLD HNEW ALICE,
	    "ferry: ferry.conf:4: admin: 'admin' is not a valid email address\n");
	expect(MIG "userdir-redirect = ftp://x/~%u\n" HOLD HNEW ALICE,
	    "ferry: ferry.conf:6: userdir-redirect: 'ftp://x/~%u' is not an http:// or https:// URL\n");
}

static void
test_references(void)
{
	expect("[migration]\nfrom = nowhere\nto = new\nadmin = a@b.test\nsmtp = 127.0.0.1:25\n" HOLD HNEW ALICE,
	    "ferry: ferry.conf:2: from: no [host nowhere] section\n");
	expect("[migration]\nfrom = old\nto = old\nadmin = a@b.test\nsmtp = 127.0.0.1:25\n" HOLD HNEW ALICE,
	    "ferry: ferry.conf:3: to: the same host as from (old)\n");
	expect(BASE ALICE "[dns]\nprimary = ns9\nsecondaries = new ns4\nzone-file = /db.%z\n",
	    "ferry: ferry.conf:19: primary: no [host ns9] section\n"
	    "ferry: ferry.conf:20: secondaries: no [host ns4] section\n");
	expect(BASE ALICE "[dns]\nprimary = old\nsecondaries = new old\nzone-file = /db.%z\n",
	    "ferry: ferry.conf:20: secondaries: 'old' is the primary\n");
	expect(BASE ALICE "[dns]\nprimary = old\nzone-file = /var/named/all.db\n",
	    "ferry: ferry.conf:20: zone-file: '/var/named/all.db' has no %z (one file per zone)\n");
}

static void
test_accounts(void)
{
	/* names must lie in the account's own zones */
	expect(FULL "[account alice]\nowner = alice@example.net\nservices = web\ndomains = alice.test\n"
	    "web = www.alice.test www.other.test\ntest-name = test.alice.test.evil\n",
	    "ferry: ferry.conf:32: web: 'www.other.test' is in none of the account's domains\n"
	    "ferry: ferry.conf:33: test-name: 'test.alice.test.evil' is in none of the account's domains\n");
	expect(FULL "[account alice]\nowner = alice@example.net\nservices = web\ndomains = alice.test\n"
	    "web = www.alice.test\ntest-name = www.alice.test\n",
	    "ferry: ferry.conf:33: test-name: 'www.alice.test' is also a web name\n");
	expect(FULL "[account bob]\nowner = bob@example.net\nservices = mush\ndomains = bob.test\n",
	    "ferry: ferry.conf:28: missing 'mush-dir' in [account bob] (services has mush)\n"
	    "ferry: ferry.conf:28: missing 'mush-port' in [account bob] (services has mush)\n"
	    "ferry: ferry.conf:28: missing 'mush-start' in [account bob] (services has mush)\n"
	    "ferry: ferry.conf:28: missing 'mush-save' in [account bob] (services has mush)\n"
	    "ferry: ferry.conf:28: missing 'mush-name' in [account bob] (services has mush)\n");
	expect(FULL "[account bob]\nowner = bob@example.net\n" MUSH "mush-freeze = announce\n",
	    "ferry: ferry.conf:28: missing 'mush-admin' in [account bob] (mush-freeze = announce)\n");
	expect(FULL "[account bob]\nowner = bob@example.net\n" MUSH "mush-name = play.bob.test.org\n",
	    "ferry: ferry.conf:37: duplicate key 'mush-name' (first on line 36)\n");
	expect(FULL "[account bob]\nowner = bob@example.net\nservices = mush\ndomains = bob.test\n"
	    "mush-dir = game\nmush-port = 2860\nmush-start = ./Startmux\nmush-save = data\n"
	    "mush-name = bob.example.net\n",
	    "ferry: ferry.conf:36: mush-name: 'bob.example.net' is in none of the account's domains\n");
	expect(FULL "[account alice]\nowner = a@example.net\nservices = mail\ndomains = alice.test\n"
	    "[account bob]\nowner = b@example.net\nservices = mail\ndomains = bob.test alice.test\n",
	    "ferry: ferry.conf:35: domains: 'alice.test' also belongs to [account alice]\n");
	/* a zone shared by accounts without mail; each record name stays one account's */
	{
		struct config cf;
		struct strbuf err = STRBUF_INIT;

		CHECK_INT(load(&cf, FULL "[account w1]\nowner = a@example.net\nservices = web\n"
		    "domains = hosting.test\nweb = w1.hosting.test\ntest-name = t1.hosting.test\n"
		    "[account w2]\nowner = b@example.net\nservices = web\ndomains = hosting.test\n"
		    "web = w2.hosting.test\ntest-name = t2.hosting.test\n", &err), 0);
		CHECK_STR(err.buf, "");
		config_free(&cf);
		strbuf_release(&err);
	}
	expect(FULL "[account w1]\nowner = a@example.net\nservices = web\ndomains = hosting.test\n"
	    "web = w1.hosting.test\ntest-name = t1.hosting.test\n[account w2]\nowner = b@example.net\nservices = web\n"
	    "domains = hosting.test\nweb = w1.hosting.test\ntest-name = t2.hosting.test\n",
	    "ferry: ferry.conf:38: web: 'w1.hosting.test' is also a name of [account w1]\n");
	expect(FULL "[account w1]\nowner = a@example.net\nservices = web\ndomains = hosting.test\n"
	    "web = w1.hosting.test\ntest-name = t1.hosting.test\n[account w2]\nowner = b@example.net\nservices = web mail\n"
	    "domains = hosting.test\nweb = w2.hosting.test\ntest-name = t2.hosting.test\n",
	    "ferry: ferry.conf:37: domains: 'hosting.test' also belongs to [account w1]\n");
	expect(FULL "[account bob]\nowner = bob@example.net\n" MUSH
	    "[account dan]\nowner = dan@example.net\nservices = mush\ndomains = dan.test\nmush-dir = g\n"
	    "mush-port = 2860\nmush-start = ./Startmux\nmush-save = data\nmush-name = dan.test\n",
	    "ferry: ferry.conf:42: mush-port: 2860 is also the port of [account bob]\n");
	expect(BASE ALICE "mail = forwarded\nwatch = yes\n",
	    "ferry: ferry.conf:18: warning: mail is set but services has no mail\n"
	    "ferry: ferry.conf:19: unknown key 'watch' in [account alice]\n");
	expect(BASE ALICE "userdir = yes\n",
	    "ferry: ferry.conf:1: missing 'userdir-domain' in [migration] ([account alice] has userdir = yes)\n"
	    "ferry: ferry.conf:1: missing 'userdir-redirect' in [migration] ([account alice] has userdir = yes)\n");
	expect(BASE "[account Bob]\nowner = b@example.net\n" ALICE,
	    "ferry: ferry.conf:16: bad account name 'Bob' (a login name: [a-z_][a-z0-9_-]{0,31})\n");
	expect(BASE "[account a;b]\n" ALICE,
	    "ferry: ferry.conf:16: bad account name 'a;b' (a login name: [a-z_][a-z0-9_-]{0,31})\n");
	expect(BASE "[account -rf]\n" ALICE,
	    "ferry: ferry.conf:16: bad account name '-rf' (a login name: [a-z_][a-z0-9_-]{0,31})\n");
	expect(BASE "[account abcdefghijklmnopqrstuvwxyz0123456]\n" ALICE,
	    "ferry: ferry.conf:16: bad account name 'abcdefghijklmnopqrstuvwxyz0123456' "
	    "(a login name: [a-z_][a-z0-9_-]{0,31})\n");
}

static void
test_hostile(void)
{
	static const char ctl[] = BASE ALICE "rsync-exclude = a\001b\n";
	static const char esc[] = BASE ALICE "rsync-exclude = \033[2J\n";
	static const char cr[] = BASE ALICE "rsync-exclude = a\rb\n";
	struct config cf;
	struct strbuf err = STRBUF_INIT;

	expect(MIG "[host old]\nssh = a;b\naddress = 192.0.2.10\nname = o.test\nhome = /home\n" HNEW ALICE,
	    "ferry: ferry.conf:7: ssh: 'a;b' is not an ssh destination ([user@]host or local)\n");
	expect(MIG "[host old]\nssh = -oProxyCommand=sh\naddress = 192.0.2.10\nname = o.test\nhome = /home\n"
	    HNEW ALICE, "ferry: ferry.conf:7: ssh: '-oProxyCommand=sh' starts with '-'\n");
	expect(MIG "[host old]\nssh = root@old\naddress = 192.0.2.10\nname = $(x).test\nhome = /home\n"
	    HNEW ALICE, "ferry: ferry.conf:9: name: '$(x).test' is not a valid domain name\n");
	expect(MIG "[host old]\nssh = root@old\naddress = 192.0.2.10\nname = o.test\nhome = \"/home\"\n"
	    HNEW ALICE, "ferry: ferry.conf:10: home: '\"/home\"' is not a valid path\n");
	expect(MIG "[host old]\nssh = root@old\naddress = 192.0.2.10\nname = o.test\nhome = /my home\n"
	    HNEW ALICE, "ferry: ferry.conf:10: home: '/my home' holds a blank (one value expected)\n");
	expect(MIG "[host old]\nssh = root@old\naddress = 192.0.2.10\nname = o.test\nhome = /h`id`\n"
	    HNEW ALICE, "ferry: ferry.conf:10: home: '/h`id`' is not a valid path\n");
	expect(MIG "[host old]\nssh = root@old\naddress = 192.0.2.10\nname = o.test\nhome = /home\n"
	    "mta-reload = /etc/init.d/sendmail reload; rm -rf /\n" HNEW ALICE,
	    "ferry: ferry.conf:11: mta-reload: 'reload;' is shell syntax; commands run without a shell "
	    "(name a script instead)\n");
	expect(MIG HOLD "mta-reload = make -C /etc/mail $(id)\n" HNEW ALICE,
	    "ferry: ferry.conf:11: mta-reload: '$(id)' is shell syntax; commands run without a shell "
	    "(name a script instead)\n");
	expect(MIG HOLD "apache-reload = PATH=/x apache2ctl graceful\n" HNEW ALICE,
	    "ferry: ferry.conf:11: apache-reload: 'PATH=/x' is shell syntax; commands run without a shell "
	    "(name a script instead)\n");
	expect(FULL ALICE WEB "test-name = test.alice.test;reboot\n",
	    "ferry: ferry.conf:34: duplicate key 'test-name' (first on line 33)\n");
	expect(FULL ALICE "services = web\ndomains = alice.test\nweb = alice.test\n"
	    "test-name = test.alice.test;reboot\n",
	    "ferry: ferry.conf:33: test-name: 'test.alice.test;reboot' is not a valid domain name\n");
	expect(BASE "[account alice]\nowner = 'a'@example.net\n",
	    "ferry: ferry.conf:17: owner: ''a'@example.net' is not a valid email address\n");
	expect(FULL "[account bob]\nowner = bob@example.net\nservices = mush\ndomains = bob.test\n"
	    "mush-dir = ../../root\nmush-port = 2860\nmush-start = ./Startmux\nmush-save = data\n"
	    "mush-name = mush.bob.test\n",
	    "ferry: ferry.conf:32: mush-dir: '../../root' is not a relative path inside its directory\n");
	expect(BASE ALICE "domains = ok.test bad-.test\n",
	    "ferry: ferry.conf:18: domains: 'bad-.test' is not a valid domain name\n");
	expect(BASE ALICE "domains = a.test a.test\n", "ferry: ferry.conf:18: domains: 'a.test' is listed twice\n");
	expect(BASE ALICE "rsync-exclude = x -x\n", "ferry: ferry.conf:18: rsync-exclude: '-x' starts with '-'\n");
	/* a newline ends the value: what follows is a line of its own */
	expect(BASE ALICE "rsync-exclude = a\n;rm -rf /\n", "ferry: ferry.conf:19: expected 'key = value'\n");
	expect(BASE ALICE "domains = a.test\\nb.test\n",
	    "ferry: ferry.conf:18: domains: 'a.test\\nb.test' is not a valid domain name\n");
	expect(ctl, "ferry: ferry.conf:18: rsync-exclude: control character in the value\n");
	expect(esc, "ferry: ferry.conf:18: rsync-exclude: control character in the value\n");
	expect(cr, "ferry: ferry.conf:18: rsync-exclude: control character in the value\n");
	/* a NUL byte cannot hide the rest of a line */
	CHECK_INT(load_bytes(&cf, BASE ALICE "rsync-exclude = a\0; rm\n", sizeof BASE ALICE + 21, &err), -1);
	CHECK_STR(err.buf, "ferry: ferry.conf:18: NUL byte in the line\n");
	config_free(&cf);
	/* % escapes: only those the key allows */
	expect(MIG HOLD "firewall = /adm/%u/fw\n" HNEW ALICE,
	    "ferry: ferry.conf:11: firewall: '%u' is not allowed here (write %% for a %)\n");
	expect(BASE ALICE "[dns]\nprimary = old\nzone-file = /var/named/%u/db.%z\n",
	    "ferry: ferry.conf:20: zone-file: '%u' is not allowed here (allowed: %z)\n");
	expect(BASE ALICE "[dns]\nprimary = old\nzone-file = db.%z\n",
	    "ferry: ferry.conf:20: zone-file: 'db.%z' is not an absolute path\n");
	strbuf_release(&err);
}

static void
test_world_writable(void)
{
	struct config cf;
	struct strbuf err = STRBUF_INIT;

	write_file("ferry.conf", BASE ALICE, strlen(BASE ALICE), 0666);
	CHECK_INT(load_path(&cf, "ferry.conf", &err), -1);
	CHECK_STR(err.buf, "ferry: ferry.conf:1: the file is writable by everyone (chmod o-w ferry.conf)\n");
	config_free(&cf);
	strbuf_release(&err);
}












int
main(void)
{
	if (fixture_enter() < 0)
		return 1;
	test_syntax();
	test_missing();
	test_roles_mail();
	test_values();
	test_references();
	test_accounts();
	test_hostile();
	test_world_writable();
	fixture_leave();
	UNIT_DONE("t-config");
}
