/* discover-int.h: the picture of the old host that cmd-discover.c builds and writes out. */
#ifndef FERRY_DISCOVER_INT_H
#define FERRY_DISCOVER_INT_H

#include "apache-conf.h"
#include "discover.h"
#include "ferry.h"
#include "virtuser.h"
#include "zone.h"

struct dsc_vhost {
	char *file;
	int line;
	char *addrs;
	struct strlist names;		/* ServerName (port dropped), then aliases */
	char *docroot;
	const char *account;		/* who owns it, or NULL */
};

struct dsc_acct {
	const struct dsc_user *u;
	long home_kb, mail_kb;
	unsigned services;
	struct strlist zones, web, guesses;
	char *owner;
	int userdir;
	char *mush_dir;			/* relative to the home */
	int mush_port, mush_startmux, mush_running;
	char *mush_name;
	int cron_jobs;
	struct strlist procs;		/* "pid comm" */
	char *forward;
};

struct dsc_risk {
	char *kind, *account, *text;
};

/* one host as discover reaches it, before any config exists */
struct dsc_host {
	struct host h;			/* name, ssh, local: what remote_* need */
	char *fqdn, *address;
	long free_kb;			/* on the home file system, -1 unknown */
	struct dsc_stream st;
};

struct dsc {
	struct ferry *f;
	struct dsc_host old, new;
	struct dsc_host *ns;		/* other nameservers (secondaries) */
	size_t n_ns;
	struct dsc_user *users;
	size_t n_users;
	struct dsc_zone *zones;
	size_t n_zones;
	char **zone_names;		/* the old host's primary zones */
	struct zone *zdata;		/* parsed, same order (origin NULL: unreadable) */
	size_t n_pz;
	char *zone_template;
	struct apache_conf ac;		/* the old host's Apache, by Apache's rules */
	int have_ac;
	struct dsc_vhost *vh;
	size_t n_vh;
	char *userdir;			/* UserDir's directory name, NULL when off */
	char *userdir_domain;
	struct strlist vhost_files;	/* files with an account's VirtualHost */
	struct strlist new_vhost_files;	/* where they go on the new host (empty: the same paths) */
	char *new_vhost_why;		/* how those were chosen */
	enum mta_kind mta;
	char *virtusertable, *mta_domains, *spool;
	struct virtuser vt;
	struct dsc_acct *acc;
	size_t n_acc;
	struct dsc_risk *risks;
	size_t n_risks;
	char *admin, *out_dir;
	char *journal;			/* FILE's name with .db for .conf */
	int cutover_ttl;
};

/* cmd-discover.c */
void dsc_host_release(struct dsc_host *dh);
/* discover-model.c: accounts and their services from the old host's sections */
void dsc_build(struct dsc *d);
void dsc_release(struct dsc *d);
/* the account that claimed zone, or NULL */
struct dsc_acct *zone_owner(struct dsc *d, const char *zone);

/* discover-read.c: the old host's sections into d, in dsc_build's order */
void read_mta(struct dsc *d);
void read_zones(struct dsc *d);
void read_vhosts(struct dsc *d);
void read_userdir(struct dsc *d);
/* the number in the section KIND "USER N" (a size in KB), -1 when there is none */
long section_num(const struct dsc *d, const char *kind, const char *user);

/* discover-account.c: one account's services, after the claims */
void account_web(struct dsc *d, struct dsc_acct *a);
void account_mail(struct dsc *d, struct dsc_acct *a);
void account_mush(struct dsc *d, struct dsc_acct *a);
void account_misc(struct dsc *d, struct dsc_acct *a);

/* discover-risk.c */
void dsc_risk(struct dsc *d, const char *kind, const char *account, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void dsc_find_risks(struct dsc *d);
void dsc_print_report(const struct dsc *d, const char *conf_path, int json);

/* discover-write.c */
void dsc_write_conf(const struct dsc *d, struct strbuf *out);

#endif
