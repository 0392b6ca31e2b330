/* t-config.c: ferry.conf parsing, every error kind with its exact FILE:LINE, defaults, expansion. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "plan.h"
#include "strbuf.h"
#include "unit.h"

/* lines 1-5 */
#define MIG "[migration]\nfrom = old\nto = new\nadmin = admin@example.test\nsmtp = 127.0.0.1:25\n"
/* 5 lines each */
#define HOLD "[host old]\nssh = root@old\naddress = 192.0.2.10\nname = old.example.test\nhome = /home\n"
#define HNEW "[host new]\nssh = local\naddress = 192.0.2.20\nname = new.example.test\nhome = /home\n"
/* what the old and new hosts need once accounts have mail and web: 4 lines */
#define HSVC "mta = sendmail\nvirtusertable = /etc/mail/virtusertable\n" \
	"mta-reload = /etc/init.d/sendmail reload\napache-vhosts = /etc/apache2/vhosts.conf\n"
/* 4 lines */
#define DNS "[dns]\nprimary = old\nsecondaries = new\nzone-file = /var/named/db.%z\n"
/* files only: 2 lines */
#define ALICE "[account alice]\nowner = alice@example.net\n"
#define BASE MIG HOLD HNEW			/* 15 lines */
#define FULL MIG HOLD HSVC HNEW HSVC DNS	/* 27 lines */
#define WEB "services = web\ndomains = alice.test\nweb = alice.test www.alice.test\n" \
	"test-name = test.alice.test\n"
#define MUSH "services = mush\ndomains = bob.test\nmush-dir = game\nmush-port = 2860\n" \
	"mush-start = ./Startmux\nmush-save = data\nmush-name = mush.bob.test\n"

static char tmpdir[] = "/tmp/t-config.XXXXXX";
static struct strbuf data_dir = STRBUF_INIT;

static void
slurp(const char *path, struct strbuf *out)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	strbuf_reset(out);
	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		strbuf_add(out, buf, (size_t)n);
	close(fd);
}

static void
write_file(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		perror(path);
	fchmod(fd, mode);
	close(fd);
}

/* loads path with stderr captured into err */
static int
load_path(struct config *cf, const char *path, struct strbuf *err)
{
	int saved, fd, rc;

	fflush(stderr);
	saved = dup(2);
	fd = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	rc = config_load(cf, path);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	slurp("stderr.txt", err);
	return rc;
}

static int
load_bytes(struct config *cf, const char *text, size_t len, struct strbuf *err)
{
	write_file("ferry.conf", text, len, 0644);
	return load_path(cf, "ferry.conf", err);
}

static int
load(struct config *cf, const char *text, struct strbuf *err)
{
	return load_bytes(cf, text, strlen(text), err);
}

/* the whole of stderr must be exactly these messages */
static void
expect(const char *text, const char *want)
{
	struct config cf;
	struct strbuf err = STRBUF_INIT;
	int rc = load(&cf, text, &err);

	CHECK_STR(err.buf, want);
	CHECK_INT(rc, -1);
	config_free(&cf);
	strbuf_release(&err);
}

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

static void
cleanup(void)
{
	unlink("sub/ferry.conf");
	rmdir("sub");
	unlink("ferry.conf");
	unlink("stderr.txt");
	if (chdir("/") == 0)
		rmdir(tmpdir);
}

int
main(void)
{
	char cwd[4096];
	const char *slash = strrchr(__FILE__, '/');

	if (getcwd(cwd, sizeof cwd) == NULL || mkdtemp(tmpdir) == NULL)
		return 1;
	/* data/ next to this file, wherever the test runs from */
	if (__FILE__[0] != '/')
		strbuf_addf(&data_dir, "%s/", cwd);
	strbuf_addf(&data_dir, "%.*s/data", slash ? (int)(slash - __FILE__) : 1,
	    slash ? __FILE__ : ".");
	if (chdir(tmpdir) < 0)
		return 1;
	umask(022);
	test_syntax();
	test_missing();
	test_roles_mail();
	test_values();
	test_references();
	test_accounts();
	test_hostile();
	test_world_writable();
	test_defaults();
	test_track_changes();
	test_relative_paths();
	test_percent();
	test_expand();
	test_validators();
	test_zone_of();
	test_catalogue();
	test_contract_example();
	cleanup();
	UNIT_DONE("t-config");
}
