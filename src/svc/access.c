/*
 * access.c: prep.6, the user can get in and change files on the new host,
 * decided by measurement from where ferry runs, never by reading a
 * firewall script's text:
 *   1. the port the user will use is the one the old host's sshd listens
 *      on (sshd -T there), and the new host's sshd must listen on it too;
 *   2. a TCP connection from here to the new address at that port gets an
 *      SSH banner (a packet filter that drops or rejects it shows here);
 *   3. the user logs in over ssh as themselves (BatchMode, host key
 *      checked) and writes and removes a file in the home, ~/www and
 *      ~/public_html; sftp answers.  When no key of ferry's is accepted for
 *      the user (the usual case outside a lab), sshd itself is asked whether
 *      it admits the user (sshd -T -C) and the writes are done as the user
 *      with runuser: the detail says which of the two was measured.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "access.h"
#include "edit.h"
#include "log.h"
#include "run-command.h"
#include "text.h"

/* the ports sshd listens on, from its own view of its configuration */
static const char ports_script[] =
	"sshd -T 2>/dev/null | sed -n 's/^port //p'";

/* as the user, in the user's own session: write and remove in home, www, public_html */
static const char write_script[] =
	"cd || exit 1; for d in . www public_html; do [ -d \"$d\" ] || continue; "
	"f=\"$d/.ferry-access-test.$$\"; { echo ferry > \"$f\" && rm \"$f\"; } || "
	"{ echo \"cannot write in $HOME/$d\"; exit 1; }; done; echo written";

/* as root on the new host: sshd admits $1 from $4, and $1 can write (runuser) */
static const char admit_script[] =
	"cfg=$(sshd -T -C \"user=$1,host=ferry,addr=$4\" 2>&1) || { echo \"sshd -T: $cfg\"; exit 1; }; "
	"printf '%s\\n' \"$cfg\" | grep -qi '^subsystem sftp' || { echo 'sshd has no sftp subsystem'; exit 1; }; "
	"al=$(printf '%s\\n' \"$cfg\" | sed -n 's/^allowusers //p'); "
	"if [ -n \"$al\" ] && ! printf '%s\\n' $al | grep -qx \"$1\"; then echo \"sshd AllowUsers leaves $1 out\"; exit 1; fi; "
	"if printf '%s\\n' \"$cfg\" | sed -n 's/^denyusers //p' | tr ' ' '\\n' | grep -qx \"$1\"; then echo \"sshd DenyUsers names $1\"; exit 1; fi; "
	"for d in \"$2\" \"$2/www\" \"$2/public_html\"; do [ -d \"$d\" ] || continue; "
	"  f=\"$d/.ferry-access-test.$$\"; "
	"  runuser -u \"$1\" -- sh -c 'echo ferry > \"$1\" && rm \"$1\"' sh \"$f\" || { echo \"$1 cannot write in $d\"; exit 1; }; "
	"done";

int
access_ssh_ports(struct step_ctx *ctx, const struct host *h, struct strlist *ports)
{
	struct strbuf out = STRBUF_INIT;
	char *line, *save = NULL;
	int r = 0;

	if (host_sh(ctx, h, ports_script, NULL, &out) != 0)
		r = step_error(ctx, "%s: sshd -T failed: %s", h->name, out.buf);
	for (line = strtok_r(out.buf, "\n", &save); r == 0 && line;
	    line = strtok_r(NULL, "\n", &save))
		if (text_port(line) > 0 && !strlist_has(ports, line))
			strlist_push(ports, line);
	if (r == 0 && ports->n == 0)
		r = step_error(ctx, "%s: sshd -T names no port", h->name);
	strbuf_release(&out);
	return r;
}

/*
 * 0 when addr:port answers with an SSH banner within ten seconds; else -1
 * and why ("refused", "no answer", or what answered)
 */
int
access_banner(const char *addr, int port, struct strbuf *why)
{
	struct sockaddr_in sa;
	struct pollfd pfd;
	char buf[64];
	ssize_t n = -1;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (addr == NULL || inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return 0;	/* a name or IPv6: the ssh login below is the measurement */
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return -1;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 &&
	    (errno != EINPROGRESS || poll(&pfd, 1, 10000) != 1)) {
		strbuf_addstr(why, "no answer");
		close(fd);
		return -1;
	}
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) == 1)
		n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0 && errno == ECONNREFUSED)
		strbuf_addstr(why, "connection refused");
	else if (n <= 0)
		strbuf_addstr(why, n < 0 && errno != EAGAIN ? "connection refused" : "no banner");
	else if (buf[n] = '\0', strncmp(buf, "SSH-", 4) != 0)
		strbuf_addf(why, "not an ssh server: %.20s", buf);
	else
		return 0;
	return -1;
}

/* ssh's or sftp's options to reach the new host as the user */
static void
user_argv(struct step_ctx *ctx, struct strlist *av, const char *prog, int port)
{
	const struct config *cf = ctx->f->cf;
	const char *at = strchr(cf->to->ssh, '@');

	strlist_push(av, prog);
	if (cf->ssh_config) {
		strlist_push(av, "-F");
		strlist_push(av, cf->ssh_config);
	}
	/* the host key is checked as ferry's own connection knows it, whatever the port */
	strlist_pushf(av, "-oHostKeyAlias=%s", at ? at + 1 : cf->to->ssh);
	strlist_push(av, "-oBatchMode=yes");
	strlist_push(av, "-oStrictHostKeyChecking=yes");
	strlist_push(av, "-oControlMaster=no");
	strlist_push(av, "-oControlPath=none");
	strlist_push(av, "-oConnectTimeout=10");
	strlist_push(av, "-oPreferredAuthentications=publickey");
	strlist_pushf(av, "-oPort=%d", port);
	strlist_pushf(av, "-oUser=%s", ctx->a->name);
}

/* sftp as the user answers "pwd" */
static int
sftp_as_user(struct step_ctx *ctx, int port, struct strbuf *why)
{
	struct strlist av = STRLIST_INIT;
	struct child c = CHILD_INIT;
	int r;

	user_argv(ctx, &av, "sftp", port);
	strlist_push(&av, "-b");
	strlist_push(&av, "-");
	strlist_push(&av, ctx->f->cf->to->address);
	c.argv = (const char *const *)av.v;
	c.in = "pwd\n";
	c.in_len = 4;
	c.timeout_ms = 60000;
	r = run_command(&c) == 0 ? 0 : -1;
	if (r < 0)
		strbuf_addf(why, "sftp: %s", c.err.len ? c.err.buf : "failed");
	child_release(&c);
	strlist_clear(&av);
	return r;
}

/* ssh to the new host as the user: 0 written, 1 not let in (no key), -1 failed */
static int
login_as_user(struct step_ctx *ctx, int port, struct strbuf *why)
{
	struct strlist av = STRLIST_INIT;
	struct child c = CHILD_INIT;
	int r;

	user_argv(ctx, &av, "ssh", port);
	strlist_push(&av, "-T");
	strlist_push(&av, "--");
	strlist_push(&av, ctx->f->cf->to->address);
	strlist_push(&av, write_script);
	c.argv = (const char *const *)av.v;
	c.timeout_ms = 60000;
	run_command(&c);
	strbuf_rtrim(&c.out);
	strbuf_rtrim(&c.err);
	if (c.status == 0 && strstr(c.out.buf, "written"))
		r = sftp_as_user(ctx, port, why);
	else if (c.status == 255 && strstr(c.err.buf, "Permission denied"))
		r = 1;
	else {
		strbuf_addstr(why, c.out.len ? c.out.buf : c.err.buf);
		r = -1;
	}
	child_release(&c);
	strlist_clear(&av);
	return r;
}

/* one port the users use: listened on, answering, and the user gets in */
static int
check_port(struct step_ctx *ctx, const struct strlist *new_ports, int port)
{
	const struct config *cf = ctx->f->cf;
	struct strbuf why = STRBUF_INIT, home = STRBUF_INIT, p = STRBUF_INIT;
	int r = -1, k;

	strbuf_addf(&p, "%d", port);
	if (!strlist_has(new_ports, p.buf))
		step_error(ctx, "%s: sshd does not listen on port %d, where %s's users log in",
		    cf->to->name, port, cf->from->name);
	else if (access_banner(cf->to->address, port, &why) < 0)
		step_error(ctx, "%s: ssh at %s port %d, measured from here: %s%s%s", cf->to->name,
		    cf->to->address, port, why.buf,
		    cf->to->firewall ? "; adjust the firewall script " : "",
		    cf->to->firewall ? cf->to->firewall : "");
	else if ((k = login_as_user(ctx, port, &why)) == 0) {
		strbuf_addf(&ctx->detail, "%s%s logged in by ssh and sftp at %s port %d and wrote files",
		    ctx->detail.len ? "; " : "", ctx->a->name, cf->to->address, port);
		r = 0;
	} else if (k < 0)
		step_error(ctx, "%s: as %s at port %d: %s", cf->to->name, ctx->a->name, port, why.buf);
	else {
		const char *args[] = { ctx->a->name, home.buf, "", cf->to->address, NULL };

		strbuf_addf(&home, "%s/%s", cf->to->home, ctx->a->name);
		args[1] = home.buf;
		strbuf_reset(&why);
		if (host_sh(ctx, cf->to, admit_script, args, &why) != 0)
			step_error(ctx, "%s: %s", cf->to->name, why.buf);
		else {
			strbuf_addf(&ctx->detail, "%sssh answers at %s port %d; no key of ferry's logs %s "
			    "in, so sshd -T was asked (admits %s) and the files were written as %s "
			    "by runuser", ctx->detail.len ? "; " : "", cf->to->address, port,
			    ctx->a->name, ctx->a->name, ctx->a->name);
			r = 0;
		}
	}
	strbuf_release(&why);
	strbuf_release(&home);
	strbuf_release(&p);
	return r;
}

int
access_check(struct step_ctx *ctx)
{
	const struct config *cf = ctx->f->cf;
	struct strlist old_ports = STRLIST_INIT, new_ports = STRLIST_INIT;
	size_t i;
	int r;

	r = access_ssh_ports(ctx, cf->from, &old_ports);
	if (r == 0)
		r = access_ssh_ports(ctx, cf->to, &new_ports);
	for (i = 0; r == 0 && i < old_ports.n; i++)
		r = check_port(ctx, &new_ports, text_port(old_ports.v[i]));
	strlist_clear(&old_ports);
	strlist_clear(&new_ports);
	return r;
}
