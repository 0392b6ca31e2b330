/*
 * vhost.h: Apache VirtualHost blocks read from a configuration file's text
 * and edited so that every byte outside the edit stays as it was.
 *
 * The text is read the way Apache reads it: a line ending in a single
 * backslash continues on the next one (joined without a space), a line
 * whose first non-blank is '#' is a comment (continuations included),
 * directive and section names are case-insensitive, LF and CRLF both end a
 * line and the last line may have no newline.
 *
 * Every edit takes a parsed file and writes the whole new text to out
 * (reset first).  It returns 1 when the text changed, 0 when it already was
 * as asked (out then holds the same bytes), -1 on error (printed).  Offsets
 * change with an edit: parse out again before the next one, or edit blocks
 * from the last to the first.
 */
#ifndef FERRY_VHOST_H
#define FERRY_VHOST_H

#include <stddef.h>

#include "strbuf.h"

/* one logical line: physical lines joined by trailing backslashes */
struct vhost_line {
	size_t start, end;	/* raw bytes [start, end), the newline included */
	size_t eol;		/* bytes of that newline: 0 (end of file), 1 or 2 */
	size_t indent;		/* leading blanks of the first physical line */
	int lineno;		/* first physical line, from 1 */
	int depth;		/* sections open before this line */
	char *text;		/* joined, blanks trimmed, no newline */
};

struct vhost_block {
	size_t start, end;	/* raw bytes: <VirtualHost> line to </VirtualHost> line's newline */
	size_t open, close;	/* their indexes in vhost_file.lines */
	int line_first, line_last; /* physical line numbers of the two */
	char *addrs;		/* the <VirtualHost ...> arguments, e.g. "*:80" */
	char *server_name;	/* as written (port kept), NULL when absent */
	struct strlist aliases;	/* every ServerAlias word, in order */
	char *document_root;	/* quotes removed, NULL when absent */
};

/* an Include or IncludeOptional anywhere in the file: ferry does not follow it */
struct vhost_include {
	int lineno;
	int optional;
	char *path;
};

struct vhost_file {
	char *name;		/* for messages */
	char *text;		/* owned copy, NUL-terminated */
	size_t len;
	struct vhost_line *lines;
	size_t nlines;
	struct vhost_block *blocks;
	size_t nblocks;
	struct vhost_include *includes;
	size_t nincludes;
};

#define VHOST_FILE_INIT { NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0 }

/*
 * Reads text; name is used in messages ("NAME:LINE: ...").  Unclosed or
 * mismatched sections and a VirtualHost inside another are errors (-1).
 */
int vhost_parse(struct vhost_file *vf, const char *name, const char *text, size_t len);
void vhost_release(struct vhost_file *vf);

/* 1 when the block's ServerName or a ServerAlias is host (case-insensitive; a
 * ServerName's scheme and port are ignored) */
int vhost_block_serves(const struct vhost_block *b, const char *host);
/* the indexes of the blocks serving any of names, into idx (room for
 * vf->nblocks); returns how many */
size_t vhost_find(const struct vhost_file *vf, const struct strlist *names, size_t *idx);
/* index of the first block serving host, or -1 */
long vhost_find_one(const struct vhost_file *vf, const char *host);

/* the first argument of every directive (any case) directly inside block i,
 * appended to out in order; returns how many */
int vhost_block_values(const struct vhost_file *vf, size_t i, const char *directive,
    struct strlist *out);
/* 1 when block i serves TLS: its last SSLEngine says on */
int vhost_block_is_tls(const struct vhost_file *vf, size_t i);

/* appends block i's raw bytes to out, with a newline when the file has none */
void vhost_block_text(const struct vhost_file *vf, size_t i, struct strbuf *out);

/* adds "ServerAlias NAME" on the line after ServerName, same indentation */
int vhost_add_alias(const struct vhost_file *vf, size_t i, const char *name,
    struct strbuf *out);
/* removes name from block i's ServerAlias lines; a line left empty goes */
int vhost_remove_alias(const struct vhost_file *vf, size_t i, const char *name,
    struct strbuf *out);
/* replaces block i's bytes by text, byte for byte */
int vhost_replace_block(const struct vhost_file *vf, size_t i, const char *text,
    size_t len, struct strbuf *out);

/*
 * Only the new block (appended to out, not the file): block i's opening
 * line, its ServerName, ServerAlias, ServerAdmin, log, Include and SSL*
 * directives as written, then "ProxyPreserveHost On", "ProxyPass /
 * http://ADDR/" and "ProxyPassReverse / http://ADDR/", and its closing line.
 * A TLS block (vhost_block_is_tls) forwards to https://ADDR/ after
 * "SSLProxyEngine on" (Apache's mod_proxy speaks TLS only with it; the
 * Host header, kept, is the name it asks for and checks).  addr is
 * "HOST" or "HOST:PORT" (an IPv6 address in brackets).  Applied to its own
 * output it gives the same block.
 */
int vhost_proxy_block(const struct vhost_file *vf, size_t i, const char *addr,
    struct strbuf *out);
/* 1 when block i has "ProxyPass / http://ADDR/" or https (0 also for a bad i) */
int vhost_is_proxy(const struct vhost_file *vf, size_t i, const char *addr);

/*
 * ~user redirect for the block serving userdir-domain:
 *   RedirectMatch 301 ^/~USER(/.*)?$ TARGET$1
 * so /~USER and /~USER/PATH answer 301 with Location TARGET and TARGET/PATH.
 * target is userdir-redirect with %u already expanded.  A RedirectMatch for
 * the same pattern with another status or target is replaced in place;
 * otherwise the line goes after the block's last ServerName/ServerAlias.
 */
int vhost_userdir_redirect(const struct vhost_file *vf, size_t i, const char *user,
    const char *target, struct strbuf *out);
/* 1 when block i already has exactly that redirect */
int vhost_has_userdir_redirect(const struct vhost_file *vf, size_t i,
    const char *user, const char *target);
/* removes a RedirectMatch for ^/~USER(/.*)?$ from block i */
int vhost_userdir_unredirect(const struct vhost_file *vf, size_t i, const char *user,
    struct strbuf *out);

/*
 * Account sections in a file ferry writes to: the line
 * "# ferry: account NAME" and the VirtualHost blocks that directly follow
 * it; a blank or comment line ends the section, so a block added by hand
 * after it stays.  Appending puts the section at the end, or replaces an
 * existing one for that account in place.  blocks must hold VirtualHost
 * blocks only, one after the other.
 */
int vhost_marked_append(const struct vhost_file *vf, const char *account,
    const char *blocks, size_t len, struct strbuf *out);
int vhost_marked_remove(const struct vhost_file *vf, const char *account,
    struct strbuf *out);
/* 1 and the section's byte span when found, else 0 */
int vhost_marked_find(const struct vhost_file *vf, const char *account,
    size_t *start, size_t *end);

#endif
