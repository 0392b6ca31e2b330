/*
 * svc-account.c: prep.1 (the account on the new host, same ids and password)
 * and prep.6 (the user can get in and change files there).  The password
 * hash is read over ssh's stdout and written to chpasswd's stdin: it is
 * never in an argument list, a log line or the journal.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "access.h"
#include "edit.h"

struct user_info {
	int found;
	char *passwd;		/* the getent passwd line */
	char *name, *uid, *gid, *gecos, *home, *shell;
	struct strbuf hash;	/* secret: wiped on release */
	struct strlist groups;	/* supplementary group names */
	char *group_line;	/* getent group of the primary gid */
	char *uid_owner;	/* (new host) who holds this uid already */
	char *gid_owner;	/* (new host) which group holds this gid already */
	char *home_new;		/* (old host) the home it gets on the new host; home points here */
};

/*
 * one round trip: passwd, shadow hash, groups, primary group, uid owner, gid
 * owner; fields are cut by the shell (printf is a builtin: the hash is in
 * no argument list): five programs fewer per read than with cut
 */
#define USER_READ \
	"p=$(getent passwd \"$1\"); [ -n \"$p\" ] && printf '%s\\n' \"$p\"; echo '--'; " \
	"s=$(getent shadow \"$1\") && { s=${s#*:}; printf '%s\\n' \"${s%%:*}\"; }; echo '--'; " \
	"id -Gn \"$1\" 2>/dev/null; echo '--'; " \
	"g=${p#*:*:*:}; g=${g%%:*}; [ -n \"$g\" ] && getent group \"$g\"; echo '--'; " \
	"[ -n \"$2\" ] && o=$(getent passwd \"$2\") && printf '%s\\n' \"${o%%:*}\"; echo '--'; " \
	"[ -n \"$3\" ] && o=$(getent group \"$3\") && printf '%s\\n' \"${o%%:*}\"; "
static const char user_script[] = USER_READ "exit 0";

static void
user_release(struct user_info *u)
{
	memset(u->hash.buf, 0, u->hash.len);
	strbuf_release(&u->hash);
	free(u->passwd);
	free(u->group_line);
	free(u->uid_owner);
	free(u->gid_owner);
	free(u->home_new);
	strlist_clear(&u->groups);
	memset(u, 0, sizeof *u);
}

/* splits "a:b:c" in place into at most n fields */
static size_t
split_colon(char *s, char **f, size_t n)
{
	size_t i = 0;

	f[i++] = s;
	for (; *s && i < n; s++)
		if (*s == ':') {
			*s = '\0';
			f[i++] = s + 1;
		}
	return i;
}

static char *
next_part(char **cursor)
{
	char *p = *cursor, *sep = strstr(p, "--\n");

	if (sep == NULL)
		return NULL;
	*sep = '\0';
	*cursor = sep + 3;
	while (sep > p && sep[-1] == '\n')
		*--sep = '\0';
	return p;
}

/* rest (may be NULL): what follows a "--" line after the six parts */
static int
parse_user(struct user_info *u, struct strbuf *raw, struct strbuf *rest)
{
	char *cur = raw->buf, *parts[6], *f[7];
	size_t i;

	for (i = 0; i < 6; i++)
		if ((parts[i] = next_part(&cur)) == NULL)
			parts[i] = i == 5 ? cur : "";
	if (rest && parts[5] != cur) {
		strbuf_addstr(rest, cur);
		strbuf_rtrim(rest);
	}
	strbuf_init(&u->hash);
	strbuf_addstr(&u->hash, parts[1]);
	strbuf_rtrim(&u->hash);
	strlist_split(&u->groups, parts[2]);
	u->group_line = xstrdup(parts[3]);
	u->uid_owner = xstrdup(parts[4]);
	u->uid_owner[strcspn(u->uid_owner, "\n")] = '\0';
	u->gid_owner = xstrdup(parts[5]);
	u->gid_owner[strcspn(u->gid_owner, "\n")] = '\0';
	u->passwd = xstrdup(parts[0]);
	memset(raw->buf, 0, raw->len);	/* it held the hash */
	if (u->passwd[0] == '\0')
		return 0;
	u->found = 1;
	if (split_colon(u->passwd, f, 7) != 7)
		return -1;
	u->name = f[0], u->uid = f[2], u->gid = f[3], u->gecos = f[4];
	u->home = f[5], u->shell = f[6];
	return 0;
}

/*
 * The account as h sees it, by a script that starts with USER_READ.  With
 * rest, what the script prints after a further "--" line goes there, and
 * its exit 1 is that part's verdict.  -1 error (printed), 0 ok, 1 rest failed.
 */
static int
read_user_by(struct step_ctx *ctx, const struct host *h, const char *script,
    const char *const *args, struct user_info *u, struct strbuf *rest)
{
	struct strbuf raw = STRBUF_INIT;
	int st, r;

	memset(u, 0, sizeof *u);
	strbuf_init(&u->hash);
	st = host_sh(ctx, h, script, args, &raw);
	if (st != 0 && (rest == NULL || st != 1)) {
		step_error(ctx, "%s: cannot read the account: %s", h->name, raw.buf);
		strbuf_release(&raw);
		return -1;
	}
	strbuf_release(&u->hash);
	r = parse_user(u, &raw, rest);
	strbuf_release(&raw);
	if (r < 0)
		return step_error(ctx, "%s: malformed passwd line for %s", h->name, ctx->a->name);
	return st;
}

static int
read_user(struct step_ctx *ctx, const struct host *h, const char *uid, const char *gid,
    struct user_info *u)
{
	const char *args[] = { ctx->a->name, uid ? uid : "", gid ? gid : "", NULL };
	const struct config *cf = ctx->f->cf;
	struct strbuf home = STRBUF_INIT;
	int r = read_user_by(ctx, h, user_script, args, u, NULL);

	/*
	 * The home lands where the new host's `home` says (prep.2 syncs it
	 * there), and its passwd entry says the same, whatever the old one said.
	 */
	if (r == 0 && u->found && h == cf->from) {
		strbuf_addf(&home, "%s/%s", cf->to->home, ctx->a->name);
		u->home_new = strbuf_detach(&home);
		u->home = u->home_new;
	}
	return r;
}

static void
user_free(void *u)
{
	user_release(u);
	free(u);
}

/* apply creates the account from what the probe read a moment before */
static void
keep_for_apply(struct step_ctx *ctx, struct user_info *old)
{
	struct user_info *u = xmalloc(sizeof *u);

	*u = *old;
	memset(old, 0, sizeof *old);
	strbuf_init(&old->hash);
	if (ctx->priv && ctx->priv_free)
		ctx->priv_free(ctx->priv);
	ctx->priv = u;
	ctx->priv_free = user_free;
}

/* the passwd line with the password field as it is (x), for diffs */
static void
describe(struct strbuf *sb, const struct user_info *u)
{
	size_t i;

	strbuf_addf(sb, "%s:x:%s:%s:%s:%s:%s groups:", u->name, u->uid, u->gid, u->gecos,
	    u->home, u->shell);
	for (i = 0; i < u->groups.n; i++)
		strbuf_addf(sb, "%s%s", i ? "," : "", u->groups.v[i]);
	strbuf_addstr(sb, " password:(hash, not shown)");
}

static int
same_user(const struct user_info *a, const struct user_info *b)
{
	return a->found && b->found && strcmp(a->uid, b->uid) == 0 &&
	    strcmp(a->gid, b->gid) == 0 && strcmp(a->gecos, b->gecos) == 0 &&
	    strcmp(a->home, b->home) == 0 && strcmp(a->shell, b->shell) == 0 &&
	    strcmp(a->hash.buf, b->hash.buf) == 0;
}

/* the old primary group's name (the user's name when the gid has no group) */
static const char *
group_name(const struct user_info *u, int *len)
{
	const char *name = u->group_line[0] ? u->group_line : u->name;

	*len = (int)strcspn(name, ":");
	return name;
}

/* the new host has another group under the old primary gid */
static int
gid_taken(const struct user_info *old, const struct user_info *new)
{
	int len;
	const char *name = group_name(old, &len);

	return new->gid_owner[0] && ((int)strlen(new->gid_owner) != len ||
	    strncmp(new->gid_owner, name, (size_t)len) != 0);
}

static int
account_probe(struct step_ctx *ctx)
{
	struct config *cf = ctx->f->cf;
	struct user_info old, new;
	int r = PROBE_TODO;

	if (read_user(ctx, cf->from, NULL, NULL, &old) < 0)
		return PROBE_ERROR;
	if (!old.found) {
		user_release(&old);
		step_error(ctx, "%s: there is no user %s", cf->from->name, ctx->a->name);
		return PROBE_ERROR;
	}
	if (read_user(ctx, cf->to, old.uid, old.gid, &new) < 0) {
		user_release(&old);
		return PROBE_ERROR;
	}
	if (new.uid_owner[0] && strcmp(new.uid_owner, ctx->a->name) != 0) {
		step_error(ctx, "%s: uid %s of %s is taken there by %s", cf->to->name, old.uid,
		    ctx->a->name, new.uid_owner);
		r = PROBE_ERROR;
	} else if (gid_taken(&old, &new)) {
		int len;
		const char *gname = group_name(&old, &len);

		step_error(ctx, "%s: gid %s of %s's group %.*s is taken there by group %s",
		    cf->to->name, old.gid, ctx->a->name, len, gname, new.gid_owner);
		r = PROBE_ERROR;
	} else if (new.found && strcmp(new.uid, old.uid) != 0) {
		step_error(ctx, "%s: the name %s is taken there by uid %s (uid %s on %s)",
		    cf->to->name, ctx->a->name, new.uid, old.uid, cf->from->name);
		r = PROBE_ERROR;
	} else if (same_user(&old, &new)) {
		strbuf_addf(&ctx->detail, "uid %s present", old.uid);
		r = PROBE_DONE;
	} else {
		strbuf_addf(&ctx->diff, "%s: passwd\n-", cf->to->name);
		if (new.found)
			describe(&ctx->diff, &new);
		strbuf_addstr(&ctx->diff, "\n+");
		describe(&ctx->diff, &old);
		strbuf_addch(&ctx->diff, '\n');
		keep_for_apply(ctx, &old);
	}
	user_release(&old);
	user_release(&new);
	return r;
}

/*
 * On the new host: the primary group with the same gid, the user with the
 * same ids, home, shell and gecos, the supplementary groups that exist
 * there, then the hash through chpasswd -e on stdin.
 */
static const char create_script[] =
	"set -e; name=$1 uid=$2 gid=$3 gecos=$4 home=$5 shell=$6 gname=$7 groups=$8; "
	"getent group \"$gid\" >/dev/null || groupadd -g \"$gid\" \"$gname\"; "
	"if getent passwd \"$name\" >/dev/null; then "
	"  usermod -u \"$uid\" -g \"$gid\" -c \"$gecos\" -d \"$home\" -s \"$shell\" \"$name\"; "
	"else useradd -M -u \"$uid\" -g \"$gid\" -c \"$gecos\" -d \"$home\" -s \"$shell\" \"$name\"; fi; "
	"for g in $groups; do getent group \"$g\" >/dev/null && usermod -a -G \"$g\" \"$name\"; done; "
	"[ -d \"$home\" ] || install -d -o \"$uid\" -g \"$gid\" -m 0750 \"$home\"; "
	"chpasswd -e";

static int
create_user(struct step_ctx *ctx, const struct user_info *old)
{
	const struct host *to = ctx->f->cf->to;
	struct strbuf groups = STRBUF_INIT, in = STRBUF_INIT, out = STRBUF_INIT;
	char *gname, *colon;
	size_t i;
	int r;

	gname = xstrdup(old->group_line[0] ? old->group_line : old->name);
	if ((colon = strchr(gname, ':')) != NULL)
		*colon = '\0';
	for (i = 0; i < old->groups.n; i++)
		if (strcmp(old->groups.v[i], gname) != 0)
			strbuf_addf(&groups, "%s ", old->groups.v[i]);
	strbuf_addf(&in, "%s:%s\n", old->name, old->hash.buf);
	{
		const char *args[] = { old->name, old->uid, old->gid, old->gecos, old->home,
			old->shell, gname, groups.buf, NULL };

		r = host_sh_in(ctx, to, create_script, args, in.buf, in.len, &out);
	}
	memset(in.buf, 0, in.len);
	if (r != 0)
		step_error(ctx, "%s: cannot create the account: %s", to->name, out.buf);
	else
		strbuf_addf(&ctx->detail, "uid %s created", old->uid);
	free(gname);
	strbuf_release(&in);
	strbuf_release(&groups);
	strbuf_release(&out);
	return r == 0 ? 0 : -1;
}

static int
account_apply(struct step_ctx *ctx)
{
	struct config *cf = ctx->f->cf;
	struct user_info old;
	int r;

	if (ctx->priv)
		return create_user(ctx, ctx->priv);
	if (read_user(ctx, cf->from, NULL, NULL, &old) < 0 || !old.found) {
		user_release(&old);
		return step_error(ctx, "%s: cannot read the account", cf->from->name);
	}
	r = create_user(ctx, &old);
	user_release(&old);
	return r;
}

/*
 * The new host's account (USER_READ, $1 only), then in the same round trip:
 * its shell is a login shell there, sshd ($4 the address) lets the user in,
 * no telnet.
 */
static const char verify_new_script[] = USER_READ "echo '--'; "
	"s=${p##*:}; "
	"grep -qx \"$s\" /etc/shells || { echo \"shell $s is not in /etc/shells\"; exit 1; }; "
	"cfg=$(sshd -T -C \"user=$1,host=ferry,addr=$4\" 2>&1) || { echo \"sshd -T: $cfg\"; exit 1; }; "
	"al=$(printf '%s\\n' \"$cfg\" | sed -n 's/^allowusers //p'); "
	"if [ -n \"$al\" ] && ! printf '%s\\n' $al | grep -qx \"$1\"; then echo \"sshd AllowUsers leaves $1 out\"; exit 1; fi; "
	"if printf '%s\\n' \"$cfg\" | sed -n 's/^denyusers //p' | tr ' ' '\\n' | grep -qx \"$1\"; then echo \"sshd DenyUsers names $1\"; exit 1; fi; "
	"if ss -Hltn 2>/dev/null | awk '{print $4}' | grep -q ':23$'; then echo 'something listens on the telnet port 23'; exit 1; fi; "
	"exit 0";

static int
account_verify(struct step_ctx *ctx)
{
	struct config *cf = ctx->f->cf;
	const char *args[] = { ctx->a->name, "", "", cf->to->address, NULL };
	struct user_info old, new;
	struct strbuf login = STRBUF_INIT;
	int r = 0, st;

	if (read_user(ctx, cf->from, NULL, NULL, &old) < 0)
		return -1;
	if ((st = read_user_by(ctx, cf->to, verify_new_script, args, &new, &login)) < 0) {
		user_release(&old);
		strbuf_release(&login);
		return -1;
	}
	if (!new.found || strcmp(old.passwd, new.passwd) != 0 || !same_user(&old, &new))
		r = step_error(ctx, "%s: the account differs from %s's", cf->to->name, cf->from->name);
	else if (st != 0)
		r = step_error(ctx, "%s: %s", cf->to->name, login.buf);
	strbuf_release(&login);
	user_release(&old);
	user_release(&new);
	return r;
}

/* prep.6's probe is its check; in a dry run it shows a firewall adjustment */
static int
access_probe(struct step_ctx *ctx)
{
	if (ctx->dry_run && firewall_adjust(ctx) < 0)
		return PROBE_ERROR;
	return PROBE_TODO;
}

/* the one change prep.6 may make: the firewall script, when ssh is measurably blocked */
static int
access_apply(struct step_ctx *ctx)
{
	return firewall_adjust(ctx);
}

/* userdel's 12: the home was not there to remove */
static const char remove_script[] =
	"id -u \"$1\" >/dev/null 2>&1 || exit 0; userdel -r \"$1\" 2>&1; r=$?; "
	"[ $r -eq 12 ] && r=0; exit $r";

/* the account stays on the new host on rollback unless --remove-account says otherwise */
static int
account_undo(struct step_ctx *ctx)
{
	const struct host *h = ctx->f->cf->to;
	const char *args[] = { ctx->a->name, NULL };
	struct strbuf out = STRBUF_INIT;
	int r = 0;

	if (!ctx->f->rollback_remove_account) {
		strbuf_addf(&ctx->detail, "account kept on %s", h->name);
		return 0;
	}
	if (host_sh(ctx, h, remove_script, args, &out) != 0)
		r = step_error(ctx, "%s: userdel -r %s failed: %s", h->name, ctx->a->name, out.buf);
	else
		strbuf_addf(&ctx->detail, "account and home removed from %s", h->name);
	strbuf_release(&out);
	return r;
}

static const struct step_ops account_steps[] = {
	{ "prep.1", account_probe, account_apply, account_verify, account_undo },
	{ "prep.6", access_probe, access_apply, access_check, firewall_undo },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct service svc_account = { .name = "account", .steps = account_steps };
