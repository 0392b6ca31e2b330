/* t-probe-http.c: fetch pinned to an address, against a real HTTP server on loopback. */
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"
#include "unit.h"

static pid_t
start_server(const char *dir, const char *port)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (chdir(dir) < 0)
			_exit(127);
		if (!freopen("/dev/null", "w", stderr) || !freopen("/dev/null", "w", stdout))
			_exit(127);
		execlp("python3", "python3", "-m", "http.server", "--bind", "127.0.0.1", port, (char *)NULL);
		_exit(127);
	}
	return pid;
}

int
main(void)
{
	char dir[] = "/tmp/ferry-http-XXXXXX";
	struct http_response r;
	struct strbuf err = STRBUF_INIT;
	FILE *fp;
	pid_t pid;
	int i, ok = -1;

	if (mkdtemp(dir) == NULL || chdir(dir) < 0)
		return 1;
	fp = fopen("index.html", "w");
	fputs("<p>served</p>\n", fp);
	fclose(fp);
	mkdir("sub", 0755);
	pid = start_server(dir, "18931");
	for (i = 0; i < 50 && ok < 0; i++) {
		usleep(100000);
		ok = http_fetch("www.pinned.test", "127.0.0.1", 18931, "/", &r, NULL);
		if (ok < 0)
			http_response_release(&r);
	}
	CHECK_INT(ok, 0);
	CHECK_INT(r.status, 200);
	CHECK_STR(r.body.buf, "<p>served</p>\n");
	CHECK(r.content_type && strncmp(r.content_type, "text/html", 9) == 0);
	http_response_release(&r);
	CHECK_INT(http_fetch("www.pinned.test", "127.0.0.1", 18931, "/nope", &r, NULL), 0);
	CHECK_INT(r.status, 404);
	http_response_release(&r);
	CHECK_INT(http_fetch("www.pinned.test", "127.0.0.1", 18931, "/sub", &r, NULL), 0);
	CHECK_INT(r.status, 301);
	CHECK(r.location && strstr(r.location, "/sub/") != NULL);
	http_response_release(&r);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	CHECK_INT(http_fetch("www.pinned.test", "127.0.0.1", 18931, "/", &r, &err), -1);
	CHECK(strstr(err.buf, "18931") != NULL);
	http_response_release(&r);
	strbuf_release(&err);
	unlink("index.html");
	rmdir("sub");
	chdir("/");
	rmdir(dir);
	UNIT_DONE("probe-http");
}
