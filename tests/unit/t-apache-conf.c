/*
 * t-apache-conf.c: the whole-configuration reader on fixture trees written
 * here (Include globs, relative paths, directories, sites-enabled
 * symlinks, wildcard aliases, the default vhost of each address:port).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apache-conf.h"
#include "strbuf.h"
#include "unit.h"

static char root[64];

static void
put(const char *rel, const char *text)
{
	struct strbuf p = STRBUF_INIT;
	char *slash;
	FILE *fp;

	strbuf_addf(&p, "%s/%s", root, rel);
	for (slash = strchr(p.buf + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(p.buf, 0755);
		*slash = '/';
	}
	fp = fopen(p.buf, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	strbuf_release(&p);
}

static void
link_to(const char *target, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", root, rel);
	*strrchr(p.buf, '/') = '\0';
	mkdir(p.buf, 0755);
	p.buf[strlen(p.buf)] = '/';
	CHECK(symlink(target, p.buf) == 0);
	strbuf_release(&p);
}

/* Debian's layout: apache2.conf, ports.conf, sites-enabled -> sites-available */
static void
debian_tree(void)
{
	put("apache2.conf",
	    "# global\n"
	    "ServerName charon.mydomain.test\n"
	    "IncludeOptional mods-enabled/*.load\n"
	    "Include ports.conf\n"
	    "<Directory /srv/>\n  Require all granted\n</Directory>\n"
	    "IncludeOptional conf-enabled/*.conf\n"
	    "IncludeOptional sites-enabled/*.conf\n"
	    "Include /ABS/extra/\n");
	put("ports.conf", "Listen 80\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n");
	put("mods-enabled/userdir.load", "# LoadModule userdir_module x.so\n");
	put("sites-available/000-default.conf",
	    "<VirtualHost *:80>\n\tServerAdmin webmaster@localhost\n"
	    "\tDocumentRoot /var/www/html\n</VirtualHost>\n");
	put("sites-available/alice.conf",
	    "<VirtualHost *:80>\n  ServerName alice.test:80\n  ServerAlias www.alice.test *.shop.alice.test\n"
	    "  DocumentRoot \"/home/alice/www\"\n</VirtualHost>\n"
	    "<VirtualHost 192.0.2.10:80>\n  ServerName ip.alice.test\n</VirtualHost>\n"
	    "<VirtualHost 192.0.2.10:80>\n  ServerName ip2.alice.test\n</VirtualHost>\n");
	put("sites-available/unused.conf",
	    "<VirtualHost *:80>\n  ServerName unused.test\n</VirtualHost>\n");
	put("sites-available/zz-8080.conf",
	    "<VirtualHost *:8080>\n  ServerName other.test\n</VirtualHost>\n");
	link_to("../sites-available/000-default.conf", "sites-enabled/000-default.conf");
	link_to("../sites-available/alice.conf", "sites-enabled/alice.conf");
	link_to("../sites-available/zz-8080.conf", "sites-enabled/zz-8080.conf");
	put("extra/b/last.conf", "<VirtualHost *:80>\n ServerName last.test\n</VirtualHost>\n");
	put("extra/a.conf", "<VirtualHost *:80>\n ServerName extra-a.test\n</VirtualHost>\n");
}

static long
serving(const struct apache_conf *ac, const char *addr, int port, const char *name,
    int *by_name)
{
	return apache_conf_serving(ac, addr, port, name, by_name);
}

static void
test_debian(void)
{
	struct apache_conf ac = APACHE_CONF_INIT;
	struct strbuf conf = STRBUF_INIT;
	int by = -1;
	long i;

	/* the absolute Include points into the tree */
	strbuf_addf(&conf, "%s/apache2.conf", root);
	{
		struct strbuf t = STRBUF_INIT;
		FILE *fp = fopen(conf.buf, "r");
		char line[256];

		while (fp && fgets(line, sizeof line, fp))
			if (strncmp(line, "Include /ABS/", 13) == 0)
				strbuf_addf(&t, "Include %s/%s", root, line + 13);
			else
				strbuf_addstr(&t, line);
		if (fp)
			fclose(fp);
		put("apache2.conf", t.buf);
		strbuf_release(&t);
	}
	CHECK_INT(apache_conf_load(&ac, root, "apache2.conf", &apache_fs_local), 0);
	CHECK_STR(ac.server_name, "charon.mydomain.test");
	CHECK_INT(ac.listen.n, 2);
	/* 000-default, alice x3, zz-8080, then the directory: a.conf before b/last.conf */
	CHECK_INT(ac.nvhosts, 7);
	if (ac.nvhosts != 7)
		goto out;
	CHECK(strstr(ac.vhosts[0].file, "sites-enabled/000-default.conf") != NULL);
	CHECK_INT(ac.vhosts[0].line, 1);
	CHECK(ac.vhosts[0].server_name == NULL);
	CHECK_STR(ac.vhosts[1].server_name, "alice.test");
	CHECK_STR(ac.vhosts[1].document_root, "/home/alice/www");
	CHECK_INT(ac.vhosts[2].index, 1);
	CHECK_INT(ac.vhosts[3].line, 9);
	CHECK_STR(ac.vhosts[5].server_name, "extra-a.test");
	CHECK_STR(ac.vhosts[6].server_name, "last.test");

	/* by name on *:80 (an address no block names exactly) */
	CHECK_INT(serving(&ac, "192.0.2.20", 80, "alice.test", &by), 1);
	CHECK_INT(by, 1);
	CHECK_INT(serving(&ac, "192.0.2.20", 80, "WWW.Alice.TEST", NULL), 1);
	CHECK_INT(serving(&ac, "192.0.2.20", 80, "a.shop.alice.test", NULL), 1);
	CHECK_INT(serving(&ac, "192.0.2.20", 80, "last.test", NULL), 6);
	/* no block claims it: the first *:80 block, 000-default */
	CHECK_INT(serving(&ac, "192.0.2.20", 80, "nobody.test", &by), 0);
	CHECK_INT(by, 0);
	/* a block without ServerName claims no name (apache2ctl -S: "localhost") */
	CHECK_INT(serving(&ac, "192.0.2.20", 80, "charon.mydomain.test", &by), 0);
	CHECK_INT(by, 0);
	/* sites-available alone is not read */
	CHECK_INT(serving(&ac, "192.0.2.20", 80, "unused.test", &by), 0);
	CHECK_INT(by, 0);
	/* on 192.0.2.10:80 only the IP blocks compete; their first is the default */
	CHECK_INT(serving(&ac, "192.0.2.10", 80, "ip2.alice.test", &by), 3);
	CHECK_INT(serving(&ac, "192.0.2.10", 80, "alice.test", &by), 2);
	CHECK_INT(by, 0);
	/* another port */
	CHECK_INT(serving(&ac, "192.0.2.10", 8080, "x.test", &by), 4);
	CHECK_INT(serving(&ac, "192.0.2.10", 81, "x.test", &by), -1);
	i = serving(&ac, "192.0.2.20", 80, "ip.alice.test", NULL);
	CHECK_INT(i, 0);
out:
	apache_conf_release(&ac);
	strbuf_release(&conf);
}

static void
test_errors(void)
{
	struct apache_conf ac = APACHE_CONF_INIT;

	put("bad/a.conf", "Include nothing-here/*.conf\n");
	CHECK_INT(apache_conf_load(&ac, root, "bad/a.conf", &apache_fs_local), -1);
	apache_conf_release(&ac);
	put("bad/b.conf", "IncludeOptional nothing-here/*.conf\nIncludeOptional none.conf\n"
	    "<VirtualHost *:80>\n</VirtualHost>\n");
	CHECK_INT(apache_conf_load(&ac, root, "bad/b.conf", &apache_fs_local), 0);
	CHECK_INT(ac.nvhosts, 1);
	apache_conf_release(&ac);
	put("bad/c.conf", "Include missing.conf\n");
	CHECK_INT(apache_conf_load(&ac, root, "bad/c.conf", &apache_fs_local), -1);
	apache_conf_release(&ac);
	put("bad/loop.conf", "Include bad/loop.conf\n");
	CHECK_INT(apache_conf_load(&ac, root, "bad/loop.conf", &apache_fs_local), -1);
	apache_conf_release(&ac);
	/* ServerRoot changes where later relative Includes point */
	put("r2/inc.conf", "<VirtualHost _default_:*>\n ServerName r2.test\n</VirtualHost>\n");
	{
		struct strbuf t = STRBUF_INIT;

		strbuf_addf(&t, "ServerRoot %s/r2\nInclude inc.conf\n", root);
		put("bad/root.conf", t.buf);
		strbuf_release(&t);
	}
	CHECK_INT(apache_conf_load(&ac, root, "bad/root.conf", &apache_fs_local), 0);
	CHECK_INT(ac.nvhosts, 1);
	CHECK_INT(apache_conf_serving(&ac, "10.0.0.1", 443, "zzz", NULL), 0);
	apache_conf_release(&ac);
}

int
main(void)
{
	snprintf(root, sizeof root, "/tmp/ferry-t-apache-XXXXXX");
	if (mkdtemp(root) == NULL)
		return 1;
	debian_tree();
	test_debian();
	test_errors();
	{
		const char *rm[] = { "rm", "-rf", root, NULL };
		pid_t pid = fork();

		if (pid == 0) {
			execvp(rm[0], (char *const *)rm);
			_exit(127);
		}
		while (pid > 0 && wait(NULL) != pid)
			;
	}
	UNIT_DONE("apache-conf");
}
