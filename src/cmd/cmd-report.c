/* cmd-report.c: ferry report [--html FILE] [ACCOUNT...] */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "steps.h"

/* FILE.tmp, then rename: a reader never sees half a page */
static int
write_page(const char *path, const struct strbuf *page)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd, rc = -1;

	strbuf_addf(&tmp, "%s.ferry-new", path);
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		error_errno("%s", tmp.buf);
		goto out;
	}
	if (write(fd, page->buf, page->len) != (ssize_t)page->len || fsync(fd) < 0) {
		error_errno("%s", tmp.buf);
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	close(fd);
	if (rename(tmp.buf, path) < 0) {
		error_errno("%s", path);
		unlink(tmp.buf);
		goto out;
	}
	rc = 0;
out:
	strbuf_release(&tmp);
	return rc;
}

static int
report_exec(struct ferry *f, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "html", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	struct strbuf out = STRBUF_INIT;
	struct account **accts;
	const char *html = NULL;
	size_t n;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (ch != 'H')
			return cmd_usage_error(&cmd_report_entry, "unknown option");
		html = optarg;
	}
	if (select_accounts(f, &cmd_report_entry, argv + optind, argc - optind, 0, &accts, &n) < 0)
		return EXIT_USAGE;
	if (n > 1 && journal_preload(f->j) < 0) {	/* one read, not one per step */
		free(accts);
		return EXIT_FAIL;
	}
	if (html) {
		rc = report_html(&out, f->cf, f->j, accts, n, now_seconds());
		if (rc == 0)
			rc = write_page(html, &out);
	} else {
		rc = report_text(&out, f->j, accts, n, now_seconds());
		if (rc == 0)
			fwrite(out.buf, 1, out.len, stdout);
	}
	strbuf_release(&out);
	free(accts);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

const struct cmd_entry cmd_report_entry = {
	"report", "[--html FILE] [ACCOUNT...]", CMD_NEEDS_JOURNAL, report_exec,
};
