/* ferry.h: the context every command and driver gets first (git's struct repository). */
#ifndef FERRY_H
#define FERRY_H

#include "config.h"
#include "journal.h"
#include "log.h"
#include "plan.h"
#include "remote.h"
#include "run-command.h"
#include "service.h"
#include "strbuf.h"

/* exit statuses, picked by main.c from what a command returns */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_STOPPED	3

struct ferry {
	struct config *cf;
	struct journal *j;		/* NULL until a command opens it */
	int dry_run;
	/* rollback's choices: keep the old host's files as they were (no reverse
	 * rsync), and remove the account from the new host */
	int rollback_discard;
	int rollback_remove_account;
	struct transport tr;		/* the ssh connections (remote.h) */
	/*
	 * run --jobs: live files shared by accounts (vhosts, virtusertable, a
	 * zone) are read, changed and reloaded under one flock on
	 * JOURNAL.edit-lock, taken by edit_read() and dropped by the last
	 * edit_release(), so a parallel account never loses another's update.
	 */
	int edit_lock_fd;		/* valid while edit_lock_depth > 0 */
	int edit_lock_depth;
	/*
	 * run --jobs: the slot (0 .. N-1) this job holds; 0 when serial.  The
	 * old host's connection for rsync is kept per slot (svc-files.c), so
	 * the accounts one slot runs in turn reuse it.
	 */
	int job_slot;
};

#define CMD_NEEDS_CONFIG	0x1
#define CMD_NEEDS_JOURNAL	0x2	/* opened read-only-ish: missing file = empty */
#define CMD_WRITES_JOURNAL	0x4	/* created if missing, run lock taken */

struct cmd_entry {
	const char *name;
	const char *usage;		/* after "ferry [-c FILE] [-v|-q] " */
	int flags;
	/* argv[0] is the command name; returns an EXIT_* status */
	int (*exec)(struct ferry *f, int argc, char **argv);
};

extern const struct cmd_entry *const cmd_table[];
const struct cmd_entry *cmd_find(const char *name);
/*
 * The accounts named on the command line (or all with all_flag); an unknown
 * name is a usage error: returns -1 after the message.
 */
int select_accounts(struct ferry *f, const struct cmd_entry *e, char **names, int n,
    int all_flag, struct account ***out, size_t *n_out);
int cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

extern const struct cmd_entry cmd_check_entry, cmd_plan_entry, cmd_run_entry,
    cmd_status_entry, cmd_verify_entry, cmd_rollback_entry, cmd_report_entry,
    cmd_watch_entry, cmd_mark_entry, cmd_discover_entry;

#endif
