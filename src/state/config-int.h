/*
 * config-int.h: what config.c, config-keys.c, config-lines.c,
 * config-value.c, config-valid.c and config-check.c share while one
 * ferry.conf is parsed.  Not for other modules: they see only
 * the typed structures of config.h.
 */
#ifndef FERRY_CONFIG_INT_H
#define FERRY_CONFIG_INT_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"

enum sec_kind { SEC_MIGRATION, SEC_HOST, SEC_DNS, SEC_ACCOUNT };

/* how a value is read; config-value.c has one parser per type */
enum key_type {
	K_HOSTREF,	/* a [host NAME] */
	K_HOSTREFS,	/* list of [host NAME], into dns_conf */
	K_SSH,		/* OpenSSH destination [user@]host, or "local" */
	K_DEST,		/* [user@]host */
	K_IPV4,
	K_DOMAIN,
	K_DOMAINS,	/* list */
	K_EMAIL,
	K_HOSTPORT,	/* host:port */
	K_URL,		/* http:// or https:// */
	K_LPATH,	/* local file, relative to the config file's directory */
	K_RPATH,	/* absolute path on a host */
	K_RPATHS,	/* list */
	K_SUBPATH,	/* relative, no "..": under a directory the account owns */
	K_URLPATHS,	/* list of /paths on a web site, '%' literal */
	K_PATTERNS,	/* list of rsync exclude patterns */
	K_CMD,		/* argv template */
	K_INT,
	K_ENUM,
	K_BOOL,		/* yes | no */
	K_SERVICES,	/* web mail mush -> SVC_* */
};

struct key_def {
	const char *name;
	enum key_type type;
	int required;		/* in every section of its kind */
	size_t off;		/* of the field in the section's struct */
	const char *def;	/* default, read as if written; NULL: none */
	const char *esc;	/* escapes allowed, e.g. "zf"; NULL: none */
	int pct_literal;	/* '%' is plain text (URL paths) */
	long lo, hi;		/* K_INT range */
	const char *const *words;	/* K_ENUM words, value = index */
};

struct entry {
	const struct key_def *k;
	char *value;
	int line;
	int bad;		/* its value was refused */
};

struct section {
	enum sec_kind kind;
	char *name;		/* NULL for [migration] and [dns] */
	int line;
	int ignored;		/* a duplicate: checked, never used */
	void *obj;		/* struct config, host, dns_conf or account */
	struct entry *e;
	size_t n, alloc;
};

/* messages are kept and printed in line order when the load ends */
struct conf_msg {
	int line;
	int is_error;
	char *text;
};

struct pctx {
	struct config *cf;
	const char *path;
	int errors;
	struct section *secs;
	size_t n, alloc;
	size_t *sec_index;		/* hash of kind+name: 1 + index into secs, 0 empty */
	size_t sec_index_alloc;		/* a power of two, or 0 */
	struct conf_msg *msgs;
	size_t n_msgs, alloc_msgs;
};

/* a section kind: its word, whether it takes a name, its keys (config-keys.c) */
struct sec_def {
	const char *kind;
	enum sec_kind id;
	int named;
	const struct key_def *keys;
};

extern const struct sec_def sec_defs[SEC_ACCOUNT + 1];
const struct sec_def *sec_def_of(enum sec_kind kind);
const struct key_def *conf_section_keys(enum sec_kind kind);

/* pass 1 (config-lines.c): fp's lines into p->secs; -1 on a read error */
int read_lines(struct pctx *p, FILE *fp);

/* "ferry: FILE:LINE: msg" (and "warning: msg"), counted, printed by line at the end */
void conf_error(struct pctx *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void conf_warn(struct pctx *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* the line a key was set on in sec, 0 when it was not */
int sec_key_line(const struct section *sec, const char *key);
/* the key was set and its value refused */
int sec_key_bad(const struct section *sec, const char *key);
/* "[host charon]", "[migration]" */
const char *sec_label(const struct section *sec, char *buf, size_t n);
struct section *sec_of(struct pctx *p, const void *obj);

/* the characters a value of each kind may hold */
#define ALNUM	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define PATH_CHARS	ALNUM "/._+,=@%~:-"
#define URL_CHARS	ALNUM "-._~:/?=&%+,@"
#define PATTERN_CHARS	PATH_CHARS "*?[]"
/* commands run without a shell: these mean the writer expected one */
#define SHELL_CHARS	";|&<>$`'\"\\(){}*?!"

/* one value being read (config-value.c), as the checks of config-valid.c see it */
struct val {
	struct pctx *p;
	const struct key_def *k;
	void *obj;
	void *field;
	const char *v;
	int line;
};

/* config-valid.c: 1 when s is one of its kind, 0 when not */
int only(const char *s, const char *set);	/* every character in set */
int valid_host_word(const char *s);
int valid_dest(const char *s);		/* [user@]host */
int valid_ipv4(const char *s);
int valid_hostport(const char *s, long *port);
int valid_url(const char *s);
int leaves_dir(const char *s);		/* a ".." component */
/* s as a number in [lo, hi] into *out; -1 when it is not */
int parse_long(const char *s, long lo, long hi, long *out);
/* before a value's reader; -1 after conf_error */
int check_words(struct val *x, int list);
int check_escapes(struct val *x);
int has_control(const char *s);		/* 1: a control character other than tab */

/* reads v into the field k names in obj; -1 after conf_error */
int conf_parse_value(struct pctx *p, void *obj, const struct key_def *k,
    const char *v, int line);

/* the cross-checks that need the whole file */
void conf_check_all(struct pctx *p);

#endif
