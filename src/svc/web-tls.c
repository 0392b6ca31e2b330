/*
 * web-tls.c: what an https site needs beside its VirtualHost.  The files its
 * :443 blocks name (certificate, key, chain, and certbot's options file) go
 * to the new host with prep.4, and with them, for a certificate under
 * /etc/letsencrypt/live/NAME/, certbot's whole lineage: renewal/NAME.conf,
 * archive/NAME/ and the live/NAME/ symlinks, so `certbot renew` keeps working
 * on the new host with the same paths.
 *
 * The bytes travel as a tar stream from the old host's tar to the new host's
 * (modes, owners and symlinks kept); they are never logged, never journaled.
 * Only paths missing on the new host are written; those (or their topmost
 * missing parent) are journaled before the first byte lands, so rollback,
 * even of a killed run, removes what ferry created and nothing else.
 */
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "vhost.h"
#include "web-apache.h"
#include "web-priv.h"

#define TLS_KEY		"web.tls.created"
#define PORT_KEY	"web.port"

/* the referenced paths, expanded to certbot's lineage, that exist on the old host */
static const char tls_expand_sh[] =
	"for p; do\n"
	"  case $p in\n"
	"  /etc/letsencrypt/live/*/*)\n"
	"    n=${p#/etc/letsencrypt/live/}; n=${n%%/*}\n"
	"    for q in /etc/letsencrypt/live/$n /etc/letsencrypt/archive/$n "
	"/etc/letsencrypt/renewal/$n.conf; do\n"
	"      if [ -e \"$q\" ]; then echo \"$q\"; fi\n"
	"    done ;;\n"
	"  *) if [ -e \"$p\" ]; then echo \"$p\"; fi ;;\n"
	"  esac\n"
	"done | sort -u\n";

/* of the paths, those missing here: the topmost missing directory of each */
static const char tls_missing_sh[] =
	"for p; do\n"
	"  if [ -e \"$p\" ] || [ -L \"$p\" ]; then continue; fi\n"
	"  q=$p\n"
	"  while [ ! -e \"$(dirname \"$q\")\" ]; do q=$(dirname \"$q\"); done\n"
	"  echo \"$q\"\n"
	"done | sort -u\n";

/* the paths as one tar stream, each parent directory as an entry of its own
   (so a 0700 archive/ keeps its mode on the new host) */
static const char tls_tar_sh[] =
	"cd / || exit 1\n"
	"dirs=$(for p; do d=$(dirname \"$p\"); while [ \"$d\" != . ] && [ \"$d\" != / ]; do\n"
	"  echo \"${d#/}\"; d=$(dirname \"$d\"); done; done | sort -u)\n"
	"set -f\n"
	"rel=; for p; do rel=\"$rel ${p#/}\"; done\n"
	"exec tar -cf - --no-recursion $dirs --recursion $rel\n";

/* the members (relative) out of the stream on stdin; the keys ($1, one a line)
   readable by their owner only */
static const char tls_untar_sh[] =
	"cd / || exit 1\n"
	"keys=$1; shift\n"
	"tar -xpf - \"$@\" || exit 1\n"
	"set -f; IFS='\n'\n"
	"for k in $keys; do\n"
	"  if [ -e \"$k\" ]; then chmod 600 \"$(readlink -f \"$k\")\" || exit 1; fi\n"
	"done\n";

static const char tls_remove_sh[] = "for p; do rm -rf -- \"$p\" || exit 1; done\n";

/* one entry per non-empty line */
static void
split_lines(struct strlist *out, const char *s)
{
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		if (n)
			strlist_pushf(out, "%.*s", (int)n, s);
		s += n + (nl != NULL);
	}
}

static int
sh_lines(struct step_ctx *ctx, const struct host *h, const char *script,
    const struct strlist *args, struct strlist *out)
{
	struct strbuf o = STRBUF_INIT;
	int r;

	r = host_sh(ctx, h, script, (const char *const *)args->v, &o);
	if (r != 0)
		step_error(ctx, "%s: %s", h->name, o.buf);
	else
		split_lines(out, o.buf);
	strbuf_release(&o);
	return r == 0 ? 0 : -1;
}

static void
count_tls(struct vfile *v, size_t i, void *arg)
{
	if (vhost_block_is_tls(&v->vf, i))
		(*(int *)arg)++;
}

int
web_port(struct step_ctx *ctx)
{
	struct strbuf val = STRBUF_INIT;
	int tls = 0, port;

	/* a dry run may have no journal, and writes nothing to one */
	if (ctx->f->j && journal_kv_get(ctx->f->j, ctx->a->name, PORT_KEY, &val) == 1) {
		port = strcmp(val.buf, "443") == 0 ? 443 : 80;
		strbuf_release(&val);
		return port;
	}
	strbuf_release(&val);
	if (vfile_each_account_block(ctx, ctx->f->cf->from, count_tls, &tls) < 0)
		return 80;
	port = tls ? 443 : 80;
	if (ctx->f->j && !ctx->dry_run)
		journal_kv_set(ctx->f->j, ctx->a->name, PORT_KEY, port == 443 ? "443" : "80");
	return port;
}

struct tls_refs {
	struct strlist paths;	/* every file the TLS blocks name */
	struct strlist keys;	/* of those, the private keys */
};

static void
push_new(struct strlist *l, const char *s)
{
	if (s[0] == '/' && !strlist_has(l, s))
		strlist_push(l, s);
}

static void
collect_tls(struct vfile *v, size_t i, void *arg)
{
	static const char *const files[] = { "SSLCertificateFile", "SSLCertificateKeyFile",
		"SSLCertificateChainFile", NULL };
	struct tls_refs *t = arg;
	struct strlist vals = STRLIST_INIT;
	size_t k, j;

	if (!vhost_block_is_tls(&v->vf, i))
		return;
	for (k = 0; files[k]; k++) {
		vhost_block_values(&v->vf, i, files[k], &vals);
		for (j = 0; j < vals.n; j++) {
			push_new(&t->paths, vals.v[j]);
			if (k == 1)
				push_new(&t->keys, vals.v[j]);
		}
		strlist_clear(&vals);
	}
	/* certbot's options file; other Includes are the admin's, like any config */
	vhost_block_values(&v->vf, i, "Include", &vals);
	vhost_block_values(&v->vf, i, "IncludeOptional", &vals);
	for (j = 0; j < vals.n; j++)
		if (strncmp(vals.v[j], "/etc/letsencrypt/", 17) == 0)
			push_new(&t->paths, vals.v[j]);
	strlist_clear(&vals);
}

static void
tls_refs_release(struct tls_refs *t)
{
	strlist_clear(&t->paths);
	strlist_clear(&t->keys);
}

/* the paths to carry (existing on the old host) and, of them, those missing on the new */
static int
tls_plan(struct step_ctx *ctx, struct tls_refs *t, struct strlist *carry, struct strlist *missing)
{
	memset(t, 0, sizeof *t);
	if (vfile_each_account_block(ctx, ctx->f->cf->from, collect_tls, t) < 0)
		return -1;
	if (t->paths.n == 0)
		return 0;
	if (sh_lines(ctx, ctx->f->cf->from, tls_expand_sh, &t->paths, carry) < 0)
		return -1;
	if (carry->n && sh_lines(ctx, ctx->f->cf->to, tls_missing_sh, carry, missing) < 0)
		return -1;
	return 0;
}

int
tls_probe(struct step_ctx *ctx)
{
	struct tls_refs t;
	struct strlist carry = STRLIST_INIT, missing = STRLIST_INIT;
	size_t i;
	int r;

	r = tls_plan(ctx, &t, &carry, &missing);
	for (i = 0; r == 0 && i < missing.n; i++)
		strbuf_addf(&ctx->diff, "%s: carry %s from %s\n", ctx->f->cf->to->name,
		    missing.v[i], ctx->f->cf->from->name);
	if (r == 0)
		r = (int)missing.n;
	tls_refs_release(&t);
	strlist_clear(&carry);
	strlist_clear(&missing);
	return r;
}

/* journals what will be created (added to what an earlier try created) */
static int
tls_journal(struct step_ctx *ctx, const struct strlist *missing)
{
	struct strbuf val = STRBUF_INIT;
	struct strlist had = STRLIST_INIT;
	size_t i;
	int r;

	if (journal_kv_get(ctx->f->j, ctx->a->name, TLS_KEY, &val) == 1)
		split_lines(&had, val.buf);
	for (i = 0; i < missing->n; i++)
		if (!strlist_has(&had, missing->v[i]))
			strlist_push(&had, missing->v[i]);
	strbuf_reset(&val);
	for (i = 0; i < had.n; i++)
		strbuf_addf(&val, "%s\n", had.v[i]);
	r = journal_kv_set(ctx->f->j, ctx->a->name, TLS_KEY, val.buf);
	strlist_clear(&had);
	strbuf_release(&val);
	return r;
}

/* path is one of dirs or lies below one */
static int
under_any(const char *path, const struct strlist *dirs)
{
	size_t i, n;

	for (i = 0; i < dirs->n; i++) {
		n = strlen(dirs->v[i]);
		if (strncmp(path, dirs->v[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return 1;
	}
	return 0;
}

/* old tar | new tar, the stream held in memory only (certificates are small) */
static int
tls_copy(struct step_ctx *ctx, const struct strlist *carry, const struct strlist *missing,
    const struct strlist *keys)
{
	const struct host *from = ctx->f->cf->from, *to = ctx->f->cf->to;
	struct strbuf stream = STRBUF_INIT, out = STRBUF_INIT, keylist = STRBUF_INIT;
	const char **argv = xcalloc(carry->n + missing->n + 2, sizeof *argv);
	size_t i, n = 0;
	int r;

	for (i = 0; i < carry->n; i++)
		argv[n++] = carry->v[i];
	argv[n] = NULL;
	/* on failure the stream holds key bytes: say only that tar failed */
	if ((r = host_sh(ctx, from, tls_tar_sh, argv, &stream)) != 0) {
		r = step_error(ctx, "%s: tar of the TLS files failed (exit %d)", from->name, r);
		goto out;
	}
	/* only keys ferry writes get their mode set: another's file is left alone */
	for (i = 0; i < keys->n; i++)
		if (under_any(keys->v[i], missing))
			strbuf_addf(&keylist, "%s\n", keys->v[i]);
	n = 0;
	argv[n++] = keylist.buf;
	for (i = 0; i < missing->n; i++)
		argv[n++] = missing->v[i] + 1;	/* members are relative to / */
	argv[n] = NULL;
	if (host_sh_in(ctx, to, tls_untar_sh, argv, stream.buf, stream.len, &out) != 0)
		r = step_error(ctx, "%s: cannot unpack the TLS files: %s", to->name, out.buf);
out:
	/* the key's bytes do not outlive the copy */
	memset(stream.buf, 0, stream.len);
	strbuf_release(&stream);
	strbuf_release(&out);
	strbuf_release(&keylist);
	free(argv);
	return r;
}

int
tls_carry(struct step_ctx *ctx)
{
	struct tls_refs t;
	struct strlist carry = STRLIST_INIT, missing = STRLIST_INIT;
	int r;

	r = tls_plan(ctx, &t, &carry, &missing);
	if (r == 0 && missing.n && !ctx->dry_run) {
		if ((r = tls_journal(ctx, &missing)) == 0)
			r = tls_copy(ctx, &carry, &missing, &t.keys);
		if (r == 0)
			strbuf_addf(&ctx->detail, "%zu TLS paths carried; ", missing.n);
	}
	tls_refs_release(&t);
	strlist_clear(&carry);
	strlist_clear(&missing);
	return r;
}

int
tls_undo(struct step_ctx *ctx)
{
	struct strbuf val = STRBUF_INIT;
	struct strlist created = STRLIST_INIT, ignored = STRLIST_INIT;
	int r = 0;

	if (ctx->f->j && journal_kv_get(ctx->f->j, ctx->a->name, TLS_KEY, &val) == 1) {
		split_lines(&created, val.buf);
		if (created.n)
			r = sh_lines(ctx, ctx->f->cf->to, tls_remove_sh, &created, &ignored);
		if (r == 0)
			r = journal_kv_del(ctx->f->j, ctx->a->name, TLS_KEY);
		if (r == 0 && created.n)
			strbuf_addf(&ctx->detail, "%s%zu TLS paths removed from %s",
			    ctx->detail.len ? "; " : "", created.n, ctx->f->cf->to->name);
	}
	strlist_clear(&created);
	strlist_clear(&ignored);
	strbuf_release(&val);
	return r;
}
