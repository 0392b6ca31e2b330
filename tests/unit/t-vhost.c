/* t-vhost.c: VirtualHost parsing and byte-keeping edits; apache2 -t on the results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "run-command.h"
#include "strbuf.h"
#include "vhost.h"
#include "unit.h"

#define DATA "tests/unit/data/vhost/"

static int
spit(const char *path, const char *s, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (!fp)
		return -1;
	fwrite(s, 1, len, fp);
	return fclose(fp);
}

/* out's bytes are exactly the file's */
static int
parse_str(struct vhost_file *vf, const char *s)
{
	return vhost_parse(vf, "t.conf", s, strlen(s));
}

static void
test_parse(const struct vhost_file *vf)
{
	const struct vhost_block *b = vf->blocks;

	CHECK_INT(vf->nblocks, 4);
	CHECK_STR(b[0].server_name, "www.mydomain.test");
	CHECK_INT(b[0].aliases.n, 1);
	CHECK_STR(b[0].aliases.v[0], "mydomain.test");
	CHECK_STR(b[0].document_root, "/srv/www/www.mydomain.test");
	CHECK_INT(b[0].line_first, 6);
	CHECK_INT(b[0].line_last, 11);
	/* lower-case directives, CRLF, a continued alias line, a quoted root */
	CHECK_STR(b[1].server_name, "alice.test:80");
	CHECK_STR(b[1].addrs, "*:80");
	CHECK_INT(b[1].aliases.n, 3);
	CHECK_STR(b[1].aliases.v[1], "shop.alice.test");
	CHECK_STR(b[1].aliases.v[2], "old.alice.test");
	CHECK_STR(b[1].document_root, "/home/alice/www site");
	CHECK_INT(b[1].line_first, 14);
	CHECK_INT(b[1].line_last, 26);
	/* a comment continued by a backslash swallows the next line */
	CHECK(!vhost_block_serves(&b[1], "continued-comment.alice.test"));
	CHECK(!vhost_block_serves(&b[1], "commented.alice.test"));
	CHECK_STR(b[2].addrs, "192.0.2.10:80 *:8080");
	CHECK_INT(b[2].aliases.n, 3);
	CHECK(!vhost_block_serves(&b[2], "blog5.alice.test"));
	/* the last block ends the file without a newline */
	CHECK_INT(b[3].end, vf->len);
	CHECK_STR(b[3].server_name, "nekodojo.test");
	CHECK_INT(vf->nincludes, 2);
	CHECK_STR(vf->includes[0].path, "conf.d/extra.conf");
	CHECK_INT(vf->includes[0].optional, 0);
	CHECK_INT(vf->includes[1].optional, 1);
	CHECK_INT(vf->includes[1].lineno, 39);
}

static void
test_find(const struct vhost_file *vf)
{
	struct strlist names = STRLIST_INIT;
	size_t idx[8];

	CHECK(vhost_block_serves(&vf->blocks[1], "ALICE.test"));
	CHECK(vhost_block_serves(&vf->blocks[1], "Shop.Alice.Test"));
	CHECK(!vhost_block_serves(&vf->blocks[1], "alice.test:80"));
	strlist_push(&names, "www.alice.test");
	strlist_push(&names, "blog4.alice.test");
	strlist_push(&names, "nothere.test");
	CHECK_INT(vhost_find(vf, &names, idx), 2);
	CHECK_INT(idx[0], 1);
	CHECK_INT(idx[1], 2);
	CHECK_INT(vhost_find_one(vf, "nekodojo.test"), 3);
	CHECK_INT(vhost_find_one(vf, "nekodojo"), -1);
	strlist_clear(&names);
}

static void
test_errors(void)
{
	struct vhost_file vf;

	CHECK_INT(parse_str(&vf, "<VirtualHost *:80>\nServerName a\n"), -1);
	CHECK_INT(parse_str(&vf, "<VirtualHost *:80>\n<VirtualHost *:81>\n</VirtualHost>\n</VirtualHost>\n"), -1);
	CHECK_INT(parse_str(&vf, "<VirtualHost *:80>\n<Directory /x>\n</VirtualHost>\n"), -1);
	CHECK_INT(parse_str(&vf, "</VirtualHost>\n"), -1);
	CHECK_INT(parse_str(&vf, "<VirtualHost *:80\n</VirtualHost>\n"), -1);
	/* the comment's backslash takes the opening tag with it */
	CHECK_INT(parse_str(&vf, "# old \\\n<VirtualHost *:80>\n</VirtualHost>\n"), -1);
	CHECK_INT(parse_str(&vf, "ServerAlias \\\n<VirtualHost *:80>\nServerName a\n</VirtualHost>\n"), -1);
	CHECK_INT(parse_str(&vf, ""), 0);
	CHECK_INT(vf.nblocks, 0);
	vhost_release(&vf);
}

static void
test_alias(const struct vhost_file *vf)
{
	struct vhost_file v2;
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;

	CHECK_INT(vhost_add_alias(vf, 1, "test.alice.test", &out), 1);
	CHECK(unit_same_as(&out, DATA "expect-add-alias.conf"));
	CHECK_INT(vhost_parse(&v2, "out", out.buf, out.len), 0);
	CHECK(vhost_block_serves(&v2.blocks[1], "test.alice.test"));
	CHECK_INT(vhost_add_alias(&v2, 1, "TEST.alice.test", &again), 0);
	CHECK(again.len == out.len && !memcmp(again.buf, out.buf, out.len));
	CHECK_INT(vhost_add_alias(&v2, 1, "two words", &again), -1);
	CHECK_INT(vhost_add_alias(&v2, 9, "x.test", &again), -1);
	/* removing the added alias gives back the original bytes */
	CHECK_INT(vhost_remove_alias(&v2, 1, "test.alice.test", &again), 1);
	CHECK(again.len == vf->len && !memcmp(again.buf, vf->text, vf->len));
	vhost_release(&v2);

	CHECK_INT(vhost_remove_alias(vf, 1, "shop.alice.test", &out), 1);
	CHECK_INT(vhost_parse(&v2, "out", out.buf, out.len), 0);
	CHECK_INT(vhost_remove_alias(&v2, 2, "blog2.alice.test", &again), 1);
	CHECK(unit_same_as(&again, DATA "expect-remove-alias.conf"));
	CHECK_INT(vhost_remove_alias(&v2, 1, "shop.alice.test", &out), 0);
	CHECK(out.len == v2.len && !memcmp(out.buf, v2.text, v2.len));
	vhost_release(&v2);

	/* the first word of a continuation line takes its trailing blanks */
	CHECK_INT(vhost_remove_alias(vf, 1, "old.alice.test", &out), 1);
	CHECK(strstr(out.buf, "shop.alice.test \\\r\n\t    \r\n\tDocumentRoot") != NULL);
	strbuf_release(&out);
	strbuf_release(&again);
}

static void
test_alias_shapes(void)
{
	struct vhost_file vf;
	struct strbuf out = STRBUF_INIT;

	/* no ServerName: after the opening line, indented like the first child */
	CHECK_INT(parse_str(&vf, "<VirtualHost *:80>\n\t\tDocumentRoot /x\n</VirtualHost>\n"), 0);
	CHECK_INT(vhost_add_alias(&vf, 0, "a.test", &out), 1);
	CHECK_STR(out.buf, "<VirtualHost *:80>\n\t\tServerAlias a.test\n\t\tDocumentRoot /x\n</VirtualHost>\n");
	vhost_release(&vf);
	/* a name twice on a line, once on another: all go, the emptied line too */
	CHECK_INT(parse_str(&vf, "<VirtualHost *:80>\n ServerName s\n serveralias a b a\n"
	    " ServerAlias a\n</VirtualHost>\n"), 0);
	CHECK_INT(vhost_remove_alias(&vf, 0, "a", &out), 1);
	CHECK_STR(out.buf, "<VirtualHost *:80>\n ServerName s\n serveralias b\n</VirtualHost>\n");
	vhost_release(&vf);
	/* Apache joins "a\\" and "b" into one word: refused rather than half done */
	CHECK_INT(parse_str(&vf, "<VirtualHost>\nServerAlias x a\\\nb\n</VirtualHost>\n"), 0);
	CHECK_STR(vf.blocks[0].addrs, "");
	CHECK_STR(vf.blocks[0].aliases.v[1], "ab");
	CHECK_INT(vhost_remove_alias(&vf, 0, "ab", &out), -1);
	CHECK_INT(vhost_remove_alias(&vf, 0, "x", &out), 1);
	CHECK_STR(out.buf, "<VirtualHost>\nServerAlias a\\\nb\n</VirtualHost>\n");
	vhost_release(&vf);
	strbuf_release(&out);
}

static void
test_proxy(const struct vhost_file *vf)
{
	struct vhost_file pf;
	struct strbuf blk = STRBUF_INIT, out = STRBUF_INIT, again = STRBUF_INIT;

	CHECK_INT(vhost_proxy_block(vf, 1, "192.0.2.20", &blk), 0);
	CHECK(unit_same_as(&blk, DATA "expect-proxy-block.conf"));
	CHECK(!vhost_is_proxy(vf, 1, "192.0.2.20"));
	CHECK_INT(vhost_replace_block(vf, 1, blk.buf, blk.len, &out), 1);
	CHECK(unit_same_as(&out, DATA "expect-proxy.conf"));
	CHECK_INT(vhost_parse(&pf, "out", out.buf, out.len), 0);
	CHECK(vhost_is_proxy(&pf, 1, "192.0.2.20"));
	CHECK(!vhost_is_proxy(&pf, 1, "192.0.2.21"));
	/* proxying the proxy block changes nothing */
	CHECK_INT(vhost_proxy_block(&pf, 1, "192.0.2.20", &again), 0);
	CHECK(again.len == blk.len && !memcmp(again.buf, blk.buf, blk.len));
	CHECK_INT(vhost_replace_block(&pf, 1, again.buf, again.len, &again), 0);
	/* the journal's copy of the original block puts it back */
	strbuf_reset(&blk);
	vhost_block_text(vf, 1, &blk);
	CHECK_INT(vhost_replace_block(&pf, 1, blk.buf, blk.len, &again), 1);
	CHECK(again.len == vf->len && !memcmp(again.buf, vf->text, vf->len));
	vhost_release(&pf);
	strbuf_release(&blk);
	strbuf_release(&out);
	strbuf_release(&again);
}

/* a :443 block: certbot's Include and the TLS lines kept, forwarded over TLS */
static void
test_proxy_tls(void)
{
	struct vhost_file vf, pf;
	struct strbuf blk = STRBUF_INIT, again = STRBUF_INIT;
	struct strlist v = STRLIST_INIT;

	CHECK_INT(parse_str(&vf, "<VirtualHost *:443>\n ServerName a.test\n DocumentRoot /x\n"
	    " SSLEngine on\n SSLCertificateFile /etc/letsencrypt/live/a.test/fullchain.pem\n"
	    " SSLCertificateKeyFile \"/etc/letsencrypt/live/a.test/privkey.pem\"\n"
	    " Include /etc/letsencrypt/options-ssl-apache.conf\n</VirtualHost>\n"), 0);
	CHECK(vhost_block_is_tls(&vf, 0));
	CHECK_INT(vhost_block_values(&vf, 0, "sslcertificatekeyfile", &v), 1);
	CHECK_STR(v.v[0], "/etc/letsencrypt/live/a.test/privkey.pem");
	CHECK_INT(vhost_proxy_block(&vf, 0, "192.0.2.20", &blk), 0);
	CHECK_STR(blk.buf, "<VirtualHost *:443>\n ServerName a.test\n SSLEngine on\n"
	    " SSLCertificateFile /etc/letsencrypt/live/a.test/fullchain.pem\n"
	    " SSLCertificateKeyFile \"/etc/letsencrypt/live/a.test/privkey.pem\"\n"
	    " Include /etc/letsencrypt/options-ssl-apache.conf\n SSLProxyEngine on\n"
	    " ProxyPreserveHost On\n ProxyPass / https://192.0.2.20/\n"
	    " ProxyPassReverse / https://192.0.2.20/\n</VirtualHost>\n");
	CHECK_INT(vhost_parse(&pf, "out", blk.buf, blk.len), 0);
	CHECK(vhost_is_proxy(&pf, 0, "192.0.2.20"));
	/* its own fixed point: SSLProxyEngine is not kept twice */
	CHECK_INT(vhost_proxy_block(&pf, 0, "192.0.2.20", &again), 0);
	CHECK_STR(again.buf, blk.buf);
	CHECK(!vhost_block_is_tls(&pf, 1));
	vhost_release(&pf);
	vhost_release(&vf);
	strlist_clear(&v);
	strbuf_release(&blk);
	strbuf_release(&again);
}

static void
test_userdir(const struct vhost_file *vf)
{
	const char *target = "http://neko-base.nekodojo.test/~alice";
	struct vhost_file uf;
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;

	CHECK(!vhost_has_userdir_redirect(vf, 3, "alice", target));
	CHECK_INT(vhost_userdir_redirect(vf, 3, "alice", target, &out), 1);
	CHECK(unit_same_as(&out, DATA "expect-userdir.conf"));
	CHECK_INT(vhost_parse(&uf, "out", out.buf, out.len), 0);
	CHECK(vhost_has_userdir_redirect(&uf, 3, "alice", target));
	CHECK(!vhost_has_userdir_redirect(&uf, 3, "alicia", target));
	CHECK_INT(vhost_userdir_redirect(&uf, 3, "alice", target, &again), 0);
	CHECK(again.len == out.len && !memcmp(again.buf, out.buf, out.len));
	/* another target replaces the line in place */
	CHECK_INT(vhost_userdir_redirect(&uf, 3, "alice", "http://x.test/~alice", &again), 1);
	CHECK(strstr(again.buf, "    RedirectMatch 301 ^/~alice(/.*)?$ http://x.test/~alice$1\n"
	    "    DocumentRoot") != NULL);
	CHECK(strstr(again.buf, "neko-base.nekodojo.test/~alice") == NULL);
	CHECK_INT(vhost_userdir_unredirect(&uf, 3, "alice", &again), 1);
	CHECK(again.len == vf->len && !memcmp(again.buf, vf->text, vf->len));
	vhost_release(&uf);
	/* regex characters in a login are escaped; blanks and $ are refused */
	CHECK_INT(vhost_userdir_redirect(vf, 3, "a.b", "http://x/~a.b", &out), 1);
	CHECK(strstr(out.buf, "^/~a\\.b(/.*)?$ http://x/~a.b$1\n") != NULL);
	CHECK_INT(vhost_userdir_redirect(vf, 3, "a b", "http://x/", &out), -1);
	CHECK_INT(vhost_userdir_redirect(vf, 3, "a", "http://x/$2", &out), -1);
	strbuf_release(&out);
	strbuf_release(&again);
}

static void
test_marked(const struct vhost_file *vf)
{
	struct vhost_file nf, mf;
	struct strbuf nt = STRBUF_INIT, blocks = STRBUF_INIT, out = STRBUF_INIT;
	struct strbuf again = STRBUF_INIT;
	size_t s, e;

	vhost_block_text(vf, 1, &blocks);
	vhost_block_text(vf, 2, &blocks);
	unit_slurp(DATA "new.conf", &nt);
	CHECK_INT(vhost_parse(&nf, "new.conf", nt.buf, nt.len), 0);
	CHECK_INT(vhost_marked_find(&nf, "alice", &s, &e), 0);
	CHECK_INT(vhost_marked_append(&nf, "alice", blocks.buf, blocks.len, &out), 1);
	CHECK(unit_same_as(&out, DATA "expect-marked.conf"));
	CHECK_INT(vhost_parse(&mf, "out", out.buf, out.len), 0);
	CHECK_INT(vhost_marked_find(&mf, "alice", &s, &e), 1);
	CHECK_INT(e, out.len);
	CHECK_INT(vhost_marked_append(&mf, "alice", blocks.buf, blocks.len, &again), 0);
	CHECK(again.len == out.len && !memcmp(again.buf, out.buf, out.len));
	CHECK_INT(vhost_marked_find(&mf, "alic", &s, &e), 0);
	/* removal leaves the file as it was, plus the newline it lacked */
	CHECK_INT(vhost_marked_remove(&mf, "alice", &again), 1);
	CHECK_INT(again.len, nt.len + 1);
	CHECK(!memcmp(again.buf, nt.buf, nt.len) && again.buf[nt.len] == '\n');
	CHECK_INT(vhost_marked_remove(&nf, "alice", &again), 0);
	/* new content replaces the section in place */
	strbuf_reset(&blocks);
	vhost_block_text(vf, 0, &blocks);
	CHECK_INT(vhost_marked_append(&mf, "alice", blocks.buf, blocks.len, &again), 1);
	CHECK(strstr(again.buf, "# ferry: account alice\n<VirtualHost *:80>\n    ServerName www.mydomain.test") != NULL);
	CHECK(strstr(again.buf, "blog.alice.test") == NULL);
	CHECK_INT(vhost_marked_append(&nf, "alice", "ServerName x\n", 13, &again), -1);
	CHECK_INT(vhost_marked_append(&nf, "al ice", blocks.buf, blocks.len, &again), -1);
	vhost_release(&mf);
	vhost_release(&nf);
	strbuf_release(&nt);
	strbuf_release(&blocks);
	strbuf_release(&out);
	strbuf_release(&again);
}

/* two redirects for the same user: taking it away takes both (fuzz) */
static void
test_unredirect_every_line(void)
{
	static const char text[] = "<VirtualHost *:80>\n    ServerName x.test\n"
	    "    RedirectMatch 301 ^/~alice(/.*)?$ http://a.test/~alice$1\n"
	    "    RedirectMatch 301 ^/~alice(/.*)?$ http://b.test/~alice$1\n"
	    "</VirtualHost>\n";
	struct vhost_file vf = VHOST_FILE_INIT;
	struct strbuf out = STRBUF_INIT;

	CHECK_INT(vhost_parse(&vf, "two.conf", text, sizeof text - 1), 0);
	CHECK_INT(vhost_userdir_unredirect(&vf, 0, "alice", &out), 1);
	CHECK_STR(out.buf, "<VirtualHost *:80>\n    ServerName x.test\n</VirtualHost>\n");
	vhost_release(&vf);
	strbuf_release(&out);
}

/* an alias in a quote never closed, blanks after it: found and taken out (fuzz) */
static void
test_remove_alias_unclosed_quote(void)
{
	static const char text[] = "<VirtualHost *:80>\n    ServerName x.test\n"
	    "    ServerAlias a.test \"b.test \v\n</VirtualHost>\n";
	struct vhost_file vf = VHOST_FILE_INIT, nv = VHOST_FILE_INIT;
	struct strbuf out = STRBUF_INIT;

	CHECK_INT(vhost_parse(&vf, "q.conf", text, sizeof text - 1), 0);
	CHECK(strlist_has(&vf.blocks[0].aliases, "b.test"));
	CHECK_INT(vhost_remove_alias(&vf, 0, "b.test", &out), 1);
	CHECK_INT(vhost_parse(&nv, "out", out.buf, out.len), 0);
	CHECK(!strlist_has(&nv.blocks[0].aliases, "b.test"));
	CHECK(strlist_has(&nv.blocks[0].aliases, "a.test"));
	vhost_release(&vf);
	vhost_release(&nv);
	strbuf_release(&out);
}

/* a file whose last line is continued by a backslash (fuzz): the appended
   section still stands on lines of its own */
static void
test_marked_after_continuation(const struct vhost_file *vf)
{
	static const char text[] = "Listen 80\nServerAdmin root@x.test \\\n";
	struct vhost_file cf = VHOST_FILE_INIT, mf = VHOST_FILE_INIT;
	struct strbuf blocks = STRBUF_INIT, out = STRBUF_INIT;
	size_t s, e;

	vhost_block_text(vf, 1, &blocks);
	CHECK_INT(vhost_parse(&cf, "cont.conf", text, sizeof text - 1), 0);
	CHECK_INT(vhost_marked_append(&cf, "alice", blocks.buf, blocks.len, &out), 1);
	CHECK(!strncmp(out.buf, text, sizeof text - 1) && out.buf[sizeof text - 1] == '\n');
	CHECK_INT(vhost_parse(&mf, "out", out.buf, out.len), 0);
	CHECK_INT(mf.nblocks, 1);
	CHECK_INT(vhost_marked_find(&mf, "alice", &s, &e), 1);
	vhost_release(&cf);
	vhost_release(&mf);
	strbuf_release(&blocks);
	strbuf_release(&out);
}

/* the vhost file after every old-host edit, and the new host's file */
static void
edited_files(const struct vhost_file *vf, struct strbuf *old, struct strbuf *new)
{
	struct vhost_file a, nf;
	struct strbuf t = STRBUF_INIT, blk = STRBUF_INIT;

	vhost_add_alias(vf, 1, "test.alice.test", &t);
	vhost_parse(&a, "a", t.buf, t.len);
	vhost_userdir_redirect(&a, 3, "alice", "http://neko-base.nekodojo.test/~alice", old);
	vhost_release(&a);
	vhost_parse(&a, "a", old->buf, old->len);
	vhost_proxy_block(&a, 1, "192.0.2.20", &blk);
	vhost_replace_block(&a, 1, blk.buf, blk.len, old);
	strbuf_reset(&blk);
	vhost_block_text(&a, 2, &blk);
	vhost_release(&a);
	unit_slurp(DATA "new.conf", &t);
	vhost_parse(&nf, "new", t.buf, t.len);
	vhost_marked_append(&nf, "alice", blk.buf, blk.len, new);
	vhost_release(&nf);
	strbuf_release(&t);
	strbuf_release(&blk);
}

static int
apache_check(const char *dir, int with_proxy)
{
	const char *mods[] = { "mpm_event", "authz_core", "alias", "userdir",
		with_proxy ? "proxy" : NULL, "proxy_http", NULL };
	struct strbuf conf = STRBUF_INIT, path = STRBUF_INIT, env = STRBUF_INIT;
	struct child c = CHILD_INIT;
	const char *argv[] = { "apache2", "-t", "-f", NULL, NULL };
	const char *envv[] = { NULL, NULL };
	int k, st;

	strbuf_addf(&conf, "ServerRoot %s\nPidFile %s/apache.pid\nErrorLog %s/error.log\n"
	    "Listen 127.0.0.1:18080\nServerName localhost\n", dir, dir, dir);
	for (k = 0; mods[k]; k++)
		strbuf_addf(&conf, "LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so\n",
		    mods[k], mods[k]);
	strbuf_addf(&conf, "Include %s/virtual.conf\nInclude %s/new.conf\n", dir, dir);
	strbuf_addf(&path, "%s/apache2.conf", dir);
	spit(path.buf, conf.buf, conf.len);
	strbuf_addf(&env, "APACHE_LOG_DIR=%s", dir);
	argv[3] = path.buf;
	envv[0] = env.buf;
	c.argv = argv;
	c.env = envv;
	c.timeout_ms = 20000;
	st = run_command(&c);
	if (st != 0 && with_proxy)
		printf("# apache2 -t: %s%s", c.out.buf, c.err.buf);
	child_release(&c);
	strbuf_release(&conf);
	strbuf_release(&path);
	strbuf_release(&env);
	return st;
}

static void
test_apache(const struct vhost_file *vf)
{
	char dir[] = "/tmp/t-vhost.XXXXXX";
	struct strbuf old = STRBUF_INIT, new = STRBUF_INIT, p = STRBUF_INIT;
	const char *rm[] = { "rm", "-rf", "--", NULL, NULL };

	if (access("/usr/sbin/apache2", X_OK) != 0) {
		printf("# apache2 not installed: apache2 -t skipped\n");
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	edited_files(vf, &old, &new);
	CHECK(strstr(old.buf, "ProxyPass / http://192.0.2.20/") != NULL);
	CHECK(strstr(new.buf, "# ferry: account alice\n<VirtualHost 192.0.2.10:80") != NULL);
	strbuf_addf(&p, "%s/conf.d", dir);
	mkdir(p.buf, 0700);
	strbuf_addstr(&p, "/extra.conf");
	spit(p.buf, "# nothing\n", 10);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/virtual.conf", dir);
	spit(p.buf, old.buf, old.len);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/new.conf", dir);
	spit(p.buf, new.buf, new.len);
	CHECK_INT(apache_check(dir, 1), 0);
	/* the check can fail: ProxyPass without mod_proxy is a syntax error */
	CHECK(apache_check(dir, 0) != 0);
	rm[3] = dir;
	run_simple(rm, NULL);
	strbuf_release(&old);
	strbuf_release(&new);
	strbuf_release(&p);
}

int
main(void)
{
	struct vhost_file vf;
	struct strbuf text = STRBUF_INIT;

	unit_slurp(DATA "virtual.conf", &text);
	CHECK_INT(vhost_parse(&vf, "virtual.conf", text.buf, text.len), 0);
	test_parse(&vf);
	test_find(&vf);
	test_errors();
	test_alias(&vf);
	test_alias_shapes();
	test_proxy(&vf);
	test_proxy_tls();
	test_userdir(&vf);
	test_marked(&vf);
	test_marked_after_continuation(&vf);
	test_unredirect_every_line();
	test_remove_alias_unclosed_quote();
	test_apache(&vf);
	vhost_release(&vf);
	strbuf_release(&text);
	UNIT_DONE("vhost");
}
