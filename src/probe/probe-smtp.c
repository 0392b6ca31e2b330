/*
 * probe-smtp.c: asks an MTA, as any sending MTA would, whether it takes
 * mail for an address: EHLO, MAIL FROM, RCPT TO, then RSET and QUIT, so no
 * message is ever queued.  The reply code is the MTA's verdict on the
 * address, whatever wording it uses.
 */
#include <string.h>
#include <unistd.h>

#include "probe.h"

/* one reply, multi-line ("250-...") included: its code, or -1; the text in last */
static int
read_reply(int fd, struct strbuf *last)
{
	char c;
	struct strbuf line = STRBUF_INIT;
	int code = -1;

	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n != 1 || line.len > 2048)
			break;
		if (c != '\n') {
			if (c != '\r')
				strbuf_addch(&line, c);
			continue;
		}
		if (line.len >= 3 && (line.len == 3 || line.buf[3] == ' ')) {
			code = (line.buf[0] - '0') * 100 + (line.buf[1] - '0') * 10 + (line.buf[2] - '0');
			strbuf_reset(last);
			strbuf_add(last, line.buf, line.len);
			break;
		}
		strbuf_reset(&line);
	}
	strbuf_release(&line);
	return code;
}

static int
command(int fd, const char *text, struct strbuf *last)
{
	size_t len = strlen(text);

	if (write(fd, text, len) != (ssize_t)len)
		return -1;
	return read_reply(fd, last);
}

int
smtp_rcpt(const char *addr, int port, const char *helo, const char *from, const char *to,
    struct strbuf *reply)
{
	struct strbuf cmd = STRBUF_INIT;
	int fd, code = -1;

	strbuf_reset(reply);
	if (strpbrk(to, "\r\n<>") || strpbrk(from, "\r\n<>") || strpbrk(helo, "\r\n"))
		return -1;
	if ((fd = tcp_connect(addr, port, 30000)) < 0)
		return -1;
	if (read_reply(fd, reply) != 220)
		goto out;
	strbuf_addf(&cmd, "EHLO %s\r\n", helo);
	if (command(fd, cmd.buf, reply) != 250)
		goto out;
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "MAIL FROM:<%s>\r\n", from);
	if (command(fd, cmd.buf, reply) != 250)
		goto out;
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "RCPT TO:<%s>\r\n", to);
	code = command(fd, cmd.buf, reply);
	{
		struct strbuf ignore = STRBUF_INIT;

		command(fd, "RSET\r\n", &ignore);
		command(fd, "QUIT\r\n", &ignore);
		strbuf_release(&ignore);
	}
out:
	close(fd);
	strbuf_release(&cmd);
	return code;
}

int
smtp_greets(const char *addr, int port)
{
	char buf[4] = "";
	ssize_t n = 0;
	int fd = tcp_connect(addr, port, 10000);

	if (fd < 0)
		return 0;
	n = read(fd, buf, 3);
	close(fd);
	return n == 3 && memcmp(buf, "220", 3) == 0;
}
