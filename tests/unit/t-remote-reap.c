/* t-remote-reap: a ferry on its way out closes the ssh directories of killed ferries only */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ferry.h"
#include "unit.h"

/* a /tmp/ferry-XXXXXX directory whose pid file names pid */
static char *
make_dir(long pid)
{
	char *d = xstrdup("/tmp/ferry-XXXXXX");
	char path[64];
	FILE *fp;

	if (mkdtemp(d) == NULL)
		return NULL;
	snprintf(path, sizeof path, "%s/pid", d);
	if ((fp = fopen(path, "w")) != NULL) {
		fprintf(fp, "%ld\n", pid);
		fclose(fp);
	}
	return d;
}

static long
dead_pid(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	return (long)p;
}

int
main(void)
{
	struct ferry f = { 0 };
	char *dead = make_dir(dead_pid());
	char *self = make_dir((long)getpid());
	char *parent = make_dir((long)getppid());

	CHECK(dead && self && parent);
	setenv("XDG_RUNTIME_DIR", "/tmp", 1);
	remote_close_all(&f.tr);
	CHECK(dead && access(dead, F_OK) != 0);
	CHECK(self && access(self, F_OK) == 0);
	CHECK(parent && access(parent, F_OK) == 0);
	if (self) {
		char path[64];

		snprintf(path, sizeof path, "%s/pid", self);
		unlink(path);
		rmdir(self);
	}
	if (parent) {
		char path[64];

		snprintf(path, sizeof path, "%s/pid", parent);
		unlink(path);
		rmdir(parent);
	}
	free(dead);
	free(self);
	free(parent);
	UNIT_DONE("remote-reap");
}
