/*
 * mush-game.c: the game on a host, for the mush driver (svc-mush.c).
 * "Running" is judged by the banner on the game's port, never by a pid
 * file: a copied netmux.pid names a stranger's pid on the new host, so a
 * pid is signalled only after /proc says it is the game (its exe is netmux
 * and its cwd the game directory).  Starting and stopping wait for the
 * port by polling it with a growing interval.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backoff.h"
#include "edit.h"
#include "mush-game.h"
#include "probe.h"

#define GAME_UP_SECONDS 30
#define GAME_DOWN_SECONDS 30
/* a game that accepted the connection sends its banner at once; a busy one within this */
#define GAME_BANNER_MS 1500
#define GAME_CONNECT_MS 5000

void
mush_game_dir(struct strbuf *sb, const struct host *h, const struct account *a)
{
	strbuf_addf(sb, "%s/%s/%s", h->home, a->name, a->mush_dir);
}

/* connects to addr:port; with lines, sends them; returns bytes read into out (or -1) */
static int
game_talk(const char *addr, int port, const char *lines, int read_ms, struct strbuf *out)
{
	struct pollfd p;
	char buf[4096];
	ssize_t n;
	int fd, got = 0;

	if ((fd = tcp_connect(addr, port, GAME_CONNECT_MS)) < 0)
		return -1;
	if (lines && write(fd, lines, strlen(lines)) < 0) {
		close(fd);
		return -1;
	}
	p.fd = fd;
	p.events = POLLIN;
	while (poll(&p, 1, read_ms) > 0 && (n = read(fd, buf, sizeof buf)) > 0) {
		if (out)
			strbuf_add(out, buf, (size_t)n);
		got += (int)n;
	}
	close(fd);
	return got;
}

/*
 * The game answers when it sends its first bytes (telnet negotiation, the
 * welcome text) within ms of the connect: the look ends with them, not
 * after the banner has gone quiet.  A closed port is refused at once.
 */
static int
game_first_bytes(const char *addr, int port, int ms)
{
	struct pollfd p;
	char buf[512];
	int fd, got;

	if ((fd = tcp_connect(addr, port, GAME_CONNECT_MS)) < 0)
		return 0;
	p.fd = fd;
	p.events = POLLIN;
	got = poll(&p, 1, ms) > 0 && read(fd, buf, sizeof buf) > 0;
	close(fd);
	return got;
}

int
mush_answers(const char *addr, int port)
{
	return game_first_bytes(addr, port, GAME_BANNER_MS);
}

struct game_wait {
	const char *addr;
	int port, want_up;
};

static int
game_is(void *arg)
{
	struct game_wait *w = arg;

	return mush_answers(w->addr, w->port) == w->want_up;
}

/* polls the port with a growing interval (backoff.h) until the game is up (or down) */
static int
wait_game(const char *addr, int port, int want_up, int seconds)
{
	struct game_wait w = { addr, port, want_up };

	return backoff_poll(game_is, &w, seconds) == 1 ? 0 : -1;
}

/* a stale pid file from another host must not stop Startmux */
static const char start_script[] =
	"dir=$1 pf=$1/$2 user=$3; shift 3; cd \"$dir\" || exit 1; "
	"p=$(cat \"$pf\" 2>/dev/null); "
	"if [ -n \"$p\" ] && ! { [ \"$(readlink /proc/$p/cwd 2>/dev/null)\" = \"$dir\" ] && "
	"  readlink /proc/$p/exe 2>/dev/null | grep -q netmux; }; then rm -f \"$pf\"; fi; "
	"runuser -u \"$user\" -- sh -c 'cd \"$1\" && shift && exec \"$@\"' sh \"$dir\" \"$@\" "
	"  </dev/null >>\"$dir/ferry-start.log\" 2>&1";

/* runs script with DIR ARG2 USER then the expanded command template */
static int
game_command(struct step_ctx *ctx, const struct host *h, const char *script,
    const char *arg2, const struct strlist *tmpl, struct strbuf *out)
{
	struct expand ex = { ctx->a->name, NULL, NULL, NULL };
	struct strlist all = STRLIST_INIT, cmd = STRLIST_INIT;
	struct strbuf dir = STRBUF_INIT;
	size_t i;
	int r = -1;

	mush_game_dir(&dir, h, ctx->a);
	strlist_push(&all, dir.buf);
	strlist_push(&all, arg2);
	strlist_push(&all, ctx->a->name);
	if (expand_argv(&cmd, tmpl, &ex) == 0) {
		for (i = 0; i < cmd.n; i++)
			strlist_push(&all, cmd.v[i]);
		r = host_sh(ctx, h, script, (const char *const *)all.v, out);
	}
	strlist_clear(&all);
	strlist_clear(&cmd);
	strbuf_release(&dir);
	return r;
}

static int
game_start(struct step_ctx *ctx, const struct host *h)
{
	struct strbuf out = STRBUF_INIT;
	int r;

	r = game_command(ctx, h, start_script, ctx->a->mush_pidfile, &ctx->a->mush_start, &out);
	if (r != 0)
		step_error(ctx, "%s: mush-start failed: %s", h->name, out.buf);
	strbuf_release(&out);
	return r == 0 ? 0 : -1;
}

/* SIGTERM to the pid in the pid file, only when /proc says it is this game */
static const char stop_script[] =
	"dir=$1; pf=$(cat \"$dir/$2\" 2>/dev/null) || exit 0; "
	"[ -n \"$pf\" ] && [ \"$(readlink /proc/$pf/cwd 2>/dev/null)\" = \"$dir\" ] && "
	"readlink /proc/$pf/exe 2>/dev/null | grep -q netmux || exit 0; "
	"kill -TERM \"$pf\"";

static const char stop_cmd_script[] =
	"dir=$1 user=$3; shift 3; "
	"runuser -u \"$user\" -- sh -c 'cd \"$1\" && shift && exec \"$@\"' sh \"$dir\" \"$@\" </dev/null";

int
mush_stop(struct step_ctx *ctx, const struct host *h)
{
	struct account *a = ctx->a;
	struct strbuf dir = STRBUF_INIT, out = STRBUF_INIT;
	int r;

	mush_game_dir(&dir, h, a);
	if (a->mush_stop.n)
		r = game_command(ctx, h, stop_cmd_script, "", &a->mush_stop, &out);
	else {
		const char *args[] = { dir.buf, a->mush_pidfile, NULL };

		r = host_sh(ctx, h, stop_script, args, &out);
	}
	if (r != 0)
		step_error(ctx, "%s: stopping the game failed: %s", h->name, out.buf);
	strbuf_release(&dir);
	strbuf_release(&out);
	if (r != 0)
		return -1;
	if (wait_game(h->address, a->mush_port, 0, GAME_DOWN_SECONDS) < 0)
		return step_error(ctx, "%s: the game still answers on port %d", h->name,
		    a->mush_port);
	return 0;
}

int
mush_start_and_wait(struct step_ctx *ctx, const struct host *h)
{
	if (game_start(ctx, h) < 0)
		return -1;
	if (wait_game(h->address, ctx->a->mush_port, 1, GAME_UP_SECONDS) < 0)
		return step_error(ctx, "%s: the game did not answer on port %d within %d s",
		    h->name, ctx->a->mush_port, GAME_UP_SECONDS);
	return 0;
}

/* the admin's connect line, from a 0600 file; never logged */
static int
read_connect_line(struct step_ctx *ctx, struct strbuf *line)
{
	struct stat st;
	FILE *fp;
	char buf[512];

	if (ctx->a->mush_admin == NULL)
		return 1;
	if (stat(ctx->a->mush_admin, &st) < 0)
		return step_error(ctx, "%s: %s", ctx->a->mush_admin, strerror(errno));
	if (st.st_mode & 077)
		return step_error(ctx, "%s: must be mode 0600 (it holds a password)",
		    ctx->a->mush_admin);
	if ((fp = fopen(ctx->a->mush_admin, "r")) == NULL)
		return step_error(ctx, "%s: %s", ctx->a->mush_admin, strerror(errno));
	if (fgets(buf, sizeof buf, fp) != NULL)
		strbuf_addstr(line, buf);
	fclose(fp);
	memset(buf, 0, sizeof buf);
	strbuf_rtrim(line);
	return line->len ? 0 : step_error(ctx, "%s is empty", ctx->a->mush_admin);
}

/* logs in as the game's admin and sends commands (each ends with CRLF) */
int
mush_admin_say(struct step_ctx *ctx, const struct host *h, const char *commands)
{
	struct strbuf conn = STRBUF_INIT, msg = STRBUF_INIT;
	int r;

	if ((r = read_connect_line(ctx, &conn)) != 0) {
		strbuf_release(&conn);
		return r < 0 ? -1 : step_error(ctx, "mush-admin is needed to talk to the game");
	}
	strbuf_addf(&msg, "%s\r\n%sQUIT\r\n", conn.buf, commands);
	r = game_talk(h->address, ctx->a->mush_port, msg.buf, 3000, NULL);
	memset(msg.buf, 0, msg.len);
	memset(conn.buf, 0, conn.len);
	strbuf_release(&conn);
	strbuf_release(&msg);
	return r < 0 ? step_error(ctx, "%s: cannot talk to the game on port %d", h->name,
	    ctx->a->mush_port) : 0;
}
