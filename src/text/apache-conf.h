/*
 * apache-conf.h: Apache's whole configuration read the way Apache reads it,
 * to answer "which VirtualHost serves this name at this address:port".
 *
 * Reading starts at one file (Debian: /etc/apache2/apache2.conf) and
 * follows Include and IncludeOptional where they stand, so blocks come in
 * Apache's order:
 *   - a relative path is relative to ServerRoot (the caller's default, or a
 *     ServerRoot directive met before the Include);
 *   - wildcards (fnmatch) may be anywhere in the path; matches are read in
 *     sorted order; a directory is read whole (every file, sorted, recursing);
 *   - Include of a missing file, or of a wildcard matching nothing, is an
 *     error; IncludeOptional ignores both;
 *   - <IfModule>/<IfDefine> contents are read as if true (ferry cannot ask
 *     Apache's compile-time state; apache2ctl -S is the cross-check);
 *   - an Include inside a <VirtualHost> is not followed (the names and the
 *     root ferry needs are written in the block itself on every host seen).
 *
 * Which block serves a request (Apache 2.4's rules, "Virtual Host Matching"):
 *   1. the blocks with an address:port that matches the connection exactly
 *      (address equal, port equal or "*") are the candidates; when none,
 *      those with "*", "_default_" (any address) and a matching port;
 *   2. among the candidates, the first in configuration order whose
 *      ServerName or one of whose ServerAlias (wildcards * and ?) is the
 *      requested name, case not minded.  A block without ServerName claims
 *      no name by it: Apache names it by a lookup of its address (apache2ctl
 *      -S shows "localhost" for *:80 on Debian, not the main ServerName),
 *      which ferry does not guess;
 *   3. else the FIRST candidate: the default vhost of that address:port;
 *   4. no candidate at all: the main server (outside every block).
 *
 * Files are read through struct apache_fs so that the same reader works on
 * a local tree (unit tests, ferry with ssh = local) and on a host over ssh.
 */
#ifndef FERRY_APACHE_CONF_H
#define FERRY_APACHE_CONF_H

#include <stddef.h>

#include "strbuf.h"

struct apache_fs {
	/* the bytes of path (absolute): 0, or -1 when it cannot be read */
	int (*read)(void *data, const char *path, struct strbuf *out);
	/*
	 * the paths matching pattern (absolute, fnmatch wildcards), sorted;
	 * a directory is returned as itself.  -1 on failure, else 0 (none
	 * found is 0 with out empty)
	 */
	int (*glob)(void *data, const char *pattern, struct strlist *out);
	/* 1 when path is a directory: its files are then listed by glob(path "/ *") */
	int (*is_dir)(void *data, const char *path);
	void *data;
};

struct apache_vhost {
	char *file;		/* the file the block is in */
	size_t index;		/* its index among that file's vhost_parse() blocks */
	int line;		/* line of its <VirtualHost ...> */
	struct strlist addrs;	/* the <VirtualHost> arguments: "*:80", "192.0.2.10:80", "_default_:*" */
	char *server_name;	/* as written, without scheme and port; NULL when absent */
	struct strlist aliases;	/* ServerAlias words, wildcards kept */
	char *document_root;	/* NULL when absent */
};

struct apache_conf {
	char *server_root;
	char *server_name;	/* the main server's (outside every block), or NULL */
	struct strlist listen;	/* Listen arguments, as written */
	struct strlist files;	/* every file read, in reading order */
	struct apache_vhost *vhosts;
	size_t nvhosts;
};

#define APACHE_CONF_INIT { NULL, NULL, STRLIST_INIT, STRLIST_INIT, NULL, 0 }

/*
 * Reads conf (absolute, or relative to server_root) and every file it
 * includes.  Errors (a syntax error, a missing Include, a loop of
 * Includes) are printed as "FILE:LINE: message" and return -1.
 */
int apache_conf_load(struct apache_conf *ac, const char *server_root, const char *conf,
    const struct apache_fs *fs);
void apache_conf_release(struct apache_conf *ac);

/*
 * The index of the block serving a request for name on a connection to
 * addr:port (addr an IP literal as the client connects to), or -1 for the
 * main server.  *by_name (may be NULL) says whether a ServerName/ServerAlias
 * chose it (1) or it is the default of that address:port (0).
 */
long apache_conf_serving(const struct apache_conf *ac, const char *addr, int port,
    const char *name, int *by_name);

/* 1 when block v names host by its ServerName or a ServerAlias, wildcards
 * included (main_name: unused, kept for callers; see rule 2 above) */
int apache_vhost_names(const struct apache_vhost *v, const char *main_name, const char *host);

/* the local file system as an apache_fs (data unused) */
extern const struct apache_fs apache_fs_local;

#endif
