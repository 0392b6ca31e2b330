/* config-fixture.h: the ferry.conf pieces and loaders t-config*.c share. */
#ifndef FERRY_CONFIG_FIXTURE_H
#define FERRY_CONFIG_FIXTURE_H

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

static inline void
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

static inline void
write_file(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		perror(path);
	fchmod(fd, mode);
	close(fd);
}

/* loads path with stderr captured into err */
static inline int
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

static inline int
load_bytes(struct config *cf, const char *text, size_t len, struct strbuf *err)
{
	write_file("ferry.conf", text, len, 0644);
	return load_path(cf, "ferry.conf", err);
}

static inline int
load(struct config *cf, const char *text, struct strbuf *err)
{
	return load_bytes(cf, text, strlen(text), err);
}

/* the whole of stderr must be exactly these messages */
static inline void
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


/* a scratch directory as the cwd, data_dir = tests/unit/data: 0, or -1 */
static inline int
fixture_enter(void)
{
	char cwd[4096];
	const char *slash = strrchr(__FILE__, '/');

	if (getcwd(cwd, sizeof cwd) == NULL || mkdtemp(tmpdir) == NULL)
		return -1;
	/* data/ next to this file, wherever the test runs from */
	if (__FILE__[0] != '/')
		strbuf_addf(&data_dir, "%s/", cwd);
	strbuf_addf(&data_dir, "%.*s/data", slash ? (int)(slash - __FILE__) : 1,
	    slash ? __FILE__ : ".");
	if (chdir(tmpdir) < 0)
		return -1;
	umask(022);
	return 0;
}

static inline void
fixture_leave(void)
{
	unlink("sub/ferry.conf");
	rmdir("sub");
	unlink("ferry.conf");
	unlink("stderr.txt");
	if (chdir("/") == 0)
		rmdir(tmpdir);
}

#endif
