/*
 * discover.h: what `ferry discover` reads on the old host, and the pure
 * parsers behind it (unit-tested on their own, tests/unit/t-discover.c).
 *
 * The old host answers one sh script (cmd-discover.c) with a stream of
 * sections: a header line "@KIND ARG..." and body lines each prefixed
 * with "|", so no byte of a file can pass for a header.
 */
#ifndef FERRY_DISCOVER_H
#define FERRY_DISCOVER_H

#include <stddef.h>

#include "strbuf.h"

struct dsc_section {
	char *kind;		/* "passwd", "file", "du" ... */
	char *arg;		/* the rest of the header line, "" when none */
	struct strbuf body;	/* the "|" lines, prefix removed, newlines kept */
};

struct dsc_stream {
	struct dsc_section *s;
	size_t n;
};

/* splits text into sections; a line before any header is ignored */
void dsc_split(struct dsc_stream *ds, const char *text, size_t len);
void dsc_stream_release(struct dsc_stream *ds);
/* the first section of kind with arg (NULL: any arg), or NULL */
const struct dsc_section *dsc_get(const struct dsc_stream *ds, const char *kind,
    const char *arg);

/* a regular account from passwd: uid 1000..59999 (Debian's UID_MIN..UID_MAX) */
struct dsc_user {
	char *name, *home, *shell;
	unsigned uid, gid;
};
/* the regular accounts, in passwd order; 0 */
int dsc_parse_passwd(const char *text, struct dsc_user **out, size_t *n);
void dsc_users_free(struct dsc_user *u, size_t n);

/* a zone as `named-checkconf -p` prints it (canonical: one statement a line) */
struct dsc_zone {
	char *name;
	char *type;		/* "primary", "secondary", ... ("master" read as primary) */
	char *file;		/* as written, NULL when none */
	struct strlist notify;	/* also-notify addresses (the secondaries) */
};
/* zones of named-checkconf -p output; *directory gets options' directory
 * (or NULL).  Zones inside views are read too.  0 */
int dsc_parse_named(const char *text, struct dsc_zone **out, size_t *n, char **directory);
void dsc_zones_free(struct dsc_zone *z, size_t n);

/*
 * sendmail.cf: the virtuser map's file (Kvirtuser hash ... PATH, ".db"
 * dropped) and the class w file (Fw[-o] PATH [fmt]).  Each NULL when absent.
 */
void dsc_parse_sendmail_cf(const char *text, char **virtuser, char **fw_file);

/* netmux.conf's "port N" (the last one wins, as TinyMUX reads it); 2860 when none */
int dsc_parse_mux_port(const char *text);

/* the lines of a crontab that run something (not blank, comment or NAME=value) */
int dsc_crontab_jobs(const char *text);

/* "a/b/c" -> "c" style helpers */
/* path below dir ("/home/alice/x" below "/home/alice"): 1 */
int dsc_path_below(const char *path, const char *dir);
/* the longest of zones (n names) that name lies in, or NULL */
const char *dsc_zone_of(char *const *zones, size_t n, const char *name);

#endif
