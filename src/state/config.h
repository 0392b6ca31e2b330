/* config.h: ferry.conf as typed structures (CONTRACT.md "ferry.conf"). */
#ifndef FERRY_CONFIG_H
#define FERRY_CONFIG_H

#include "strbuf.h"

enum mta_kind { MTA_NONE = 0, MTA_SENDMAIL, MTA_POSTFIX };
enum mail_mode { MAIL_AUTO = 0, MAIL_LOCAL, MAIL_FORWARDED };
enum mush_freeze { FREEZE_STOP = 0, FREEZE_ANNOUNCE };

#define SVC_WEB		0x1u
#define SVC_MAIL	0x2u
#define SVC_MUSH	0x4u

/*
 * Every string is owned by the config and never NULL unless the key is
 * optional and absent.  Paths are absolute after %-expansion; values that
 * still hold %u/%d/%z/%f are templates expanded by expand_template().
 * Command keys (apache-check, mta-reload, zone-check, reload, retransfer,
 * mush-start, mush-stop) are split into words: argv templates, no shell.
 * Shell syntax is not supported in them (no quotes, $, ;, |, &, <, >,
 * globs or VAR=x prefixes; config_load refuses those): a command that
 * needs a shell is written as a script and named here.
 *
 * Escapes a key may use: userdir-redirect %u; zone-file %z; zone-check
 * %z %f; reload, retransfer %z; apache-check %f; mta-reload, mush-start,
 * mush-stop %u.  Any other key takes none.  %% is a literal %: keys
 * without escapes hold their final text, templates keep %% until expanded.
 * web-check paths take % literally (URL encoding).
 */
struct host {
	char *name;
	int line;			/* line of the [host NAME] header */
	char *ssh;			/* OpenSSH destination, or "local" */
	int local;			/* ssh = local */
	char *address;
	char *fqdn;			/* key "name" */
	char *rsync_to;			/* default root@ADDRESS */
	int rsync_to_set;		/* rsync-to was written in this section */
	char *home;
	enum mta_kind mta;
	char *virtusertable;
	char *mta_domains;		/* default /etc/mail/local-host-names for sendmail */
	char *mail_spool;		/* default /var/spool/mail */
	struct strlist mta_reload;	/* argv template */
	struct strlist apache_vhosts;	/* files */
	struct strlist apache_check;	/* argv template, default apache2ctl -t */
	struct strlist apache_reload;	/* argv template, default apache2ctl graceful */
	char *firewall;
	char *apache_log, *apache_error_log, *mail_log, *auth_log;
};

struct dns_conf {
	int line;			/* [dns] header, 0 when absent */
	struct host *primary;
	struct host **secondaries;	/* points into nameservers */
	size_t n_secondaries;
	struct host **nameservers;	/* primary, then the secondaries */
	size_t n_nameservers;
	char *zone_file;		/* template with %z */
	struct strlist zone_check;	/* default: named-checkzone %z %f */
	struct strlist reload;		/* default: rndc reload %z */
	struct strlist retransfer;	/* default: rndc retransfer %z */
	int cutover_ttl;		/* default 300 */
};

struct account {
	char *name;
	int line;			/* [account NAME] header */
	char *owner;
	unsigned services;		/* SVC_* */
	struct strlist domains;		/* zones */
	struct strlist web;		/* web names */
	char *test_name;
	enum mail_mode mail;
	int userdir;
	struct strlist web_check;	/* default "/" */
	struct strlist rsync_exclude;
	char *mush_dir;			/* relative to home as written */
	int mush_port;
	struct strlist mush_start;	/* argv template, run in mush-dir */
	char *mush_pidfile;		/* default netmux.pid, relative to mush-dir */
	struct strlist mush_stop;	/* empty: SIGTERM to the pid */
	char *mush_save;		/* relative to mush-dir */
	char *mush_name;
	enum mush_freeze mush_freeze;
	char *mush_admin;		/* absolute path of the connect-line file */
	struct strlist dns_leave;	/* records at the old host left as they are */
};

struct config {
	char *path;			/* as given */
	char *dir;			/* directory relative paths are taken from */
	int migration_line;
	struct host *from, *to;
	char *journal;			/* absolute */
	char *ssh_config;		/* absolute, or NULL */
	char *admin;
	char *smtp;			/* host:port */
	char *userdir_domain;
	char *userdir_redirect;		/* template with %u */
	int watch_seconds;		/* default 600 */
	int presync_until;		/* default 1000 */
	int track_changes;		/* inotify on the old host for phase1.3 (default yes) */

	struct host *hosts;
	size_t n_hosts;
	struct dns_conf dns;
	struct account *accounts;
	size_t n_accounts;
};

/*
 * Parses path; on any error prints every "ferry: FILE:LINE: msg" (in line
 * order, FILE as given) and returns -1.  Nothing is contacted.  Call
 * config_free() afterwards either way.
 */
int config_load(struct config *cf, const char *path);
/* the same over text (len bytes) as if it were the file path; for fuzzing */
int config_parse_text(struct config *cf, const char *path, const char *text, size_t len);
void config_free(struct config *cf);
struct host *config_host(const struct config *cf, const char *name);
struct account *config_account(const struct config *cf, const char *name);
/* the account's zone holding name: the longest of its domains that name ends in */
const char *account_zone_of(const struct account *a, const char *name);
/* nameservers in order: primary, then secondaries; *out is owned by the config */
size_t config_nameservers(const struct config *cf, struct host ***out);

/* the ssh destination the old host's rsync connects to (rsync-to) */
const char *config_rsync_dest(const struct config *cf);

/* strict validators, shared with the editors */
int valid_login_name(const char *s);	/* [a-z_][a-z0-9_-]{0,31} */
int valid_domain_name(const char *s);	/* LDH labels, dots, <= 253, no trailing dot */
int valid_email(const char *s);

/* %u %d %z %f expansion: NULL value means the escape is not allowed there */
struct expand {
	const char *u, *d, *z, *f;
};
/* returns -1 (and leaves out partial) on an unknown or unavailable escape */
int expand_template(struct strbuf *out, const char *tmpl, const struct expand *e);
/* argv from an argv template; words expanded one by one (each stays one word) */
int expand_argv(struct strlist *out, const struct strlist *tmpl, const struct expand *e);

#endif
