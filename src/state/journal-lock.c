/*
 * journal-lock.c: the run lock, one ferry per journal for the whole run
 * (SQLite's own locks last one transaction).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "journal-int.h"
#include "log.h"

static long
lock_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static int
refuse_lock(struct journal *j, int fd)
{
	long pid = lock_holder(fd);

	close(fd);
	if (pid > 0)
		return error("%s: another ferry (pid %ld) is running on this journal",
		    j->path, pid);
	return error("%s: another ferry is running on this journal", j->path);
}

/*
 * flock on JOURNAL.lock rather than SQLite's own locks: those last one
 * transaction, the run lock lasts the whole run.  The file keeps the
 * holder's pid for the refusal message; it is never unlinked, so two
 * processes can never lock two different inodes of it.
 */
int
journal_lock_run(struct journal *j)
{
	struct strbuf lp = STRBUF_INIT, pid = STRBUF_INIT;
	mode_t old;
	int fd;

	if (j->lock_fd >= 0)
		return 0;
	strbuf_addf(&lp, "%s.lock", j->path);
	old = umask(077);
	fd = open(lp.buf, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	umask(old);
	if (fd < 0) {
		error_errno("%s", lp.buf);
		strbuf_release(&lp);
		return -1;
	}
	strbuf_release(&lp);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return refuse_lock(j, fd);
		error_errno("%s.lock", j->path);
		close(fd);
		return -1;
	}
	strbuf_addf(&pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid.buf, pid.len, 0) != (ssize_t)pid.len)
		warn("%s.lock: cannot record our pid: %s", j->path, strerror(errno));
	strbuf_release(&pid);
	j->lock_fd = fd;
	return 0;
}

void
journal_lock_forget(struct journal *j)
{
	if (j && j->lock_fd >= 0) {
		close(j->lock_fd);	/* the parent's descriptor still holds the flock */
		j->lock_fd = -1;
	}
}
