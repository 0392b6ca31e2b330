/* t-probe-tcp.c: tcp_connect and smtp_greets against listeners of the test's own, on loopback. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"
#include "unit.h"

/* a listener on the loopback address of family af, any free port: its fd, port in *port */
static int
listen_loopback(int af, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd = socket(af, SOCK_STREAM, 0);

	memset(&ss, 0, sizeof ss);
	if (af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, af == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6)) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(af == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* a child that accepts one connection on lfd and writes greeting to it */
static pid_t
greet_once(int lfd, const char *greeting)
{
	pid_t pid = fork();

	if (pid == 0) {
		int c = accept(lfd, NULL, NULL);

		if (c >= 0 && write(c, greeting, strlen(greeting)) < 0)
			_exit(1);
		_exit(0);
	}
	return pid;
}

static void
test_connect(int af, const char *addr)
{
	int port, lfd = listen_loopback(af, &port), fd;
	pid_t pid;

	CHECK(lfd >= 0);
	if (lfd < 0)
		return;
	fd = tcp_connect(addr, port, 2000);
	CHECK(fd >= 0);
	if (fd >= 0) {
		int c = accept(lfd, NULL, NULL);	/* so the next accept gets the next client */

		CHECK(c >= 0);
		close(c);
		close(fd);
	}
	pid = greet_once(lfd, "220 lab ESMTP\r\n");
	CHECK_INT(smtp_greets(addr, port), 1);
	waitpid(pid, NULL, 0);
	pid = greet_once(lfd, "554 go away\r\n");
	CHECK_INT(smtp_greets(addr, port), 0);
	waitpid(pid, NULL, 0);
	close(lfd);
	/* nobody listens there any more: refused at once, not a hang */
	CHECK_INT(tcp_connect(addr, port, 2000), -1);
	CHECK_INT(smtp_greets(addr, port), 0);
}

int
main(void)
{
	int probe6;

	test_connect(AF_INET, "127.0.0.1");
	/* IPv6 where this machine has ::1 (the lab's hosts have IPv6 off) */
	probe6 = socket(AF_INET6, SOCK_STREAM, 0);
	if (probe6 >= 0) {
		struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };

		if (bind(probe6, (struct sockaddr *)&s6, sizeof s6) == 0)
			test_connect(AF_INET6, "::1");
		close(probe6);
	}
	/* a name is never resolved here, and a port must be one */
	CHECK_INT(tcp_connect("localhost", 25, 1000), -1);
	CHECK_INT(tcp_connect("127.0.0.1", 0, 1000), -1);
	CHECK_INT(tcp_connect("127.0.0.1", 70000, 1000), -1);
	CHECK_INT(tcp_connect("192.0.2.300", 25, 1000), -1);
	UNIT_DONE("probe-tcp");
}
