/* vhost-priv.h: helpers shared by vhost.c and vhost-edit.c only. */
#ifndef FERRY_VHOST_PRIV_H
#define FERRY_VHOST_PRIV_H

#include "vhost.h"

struct span {
	size_t from, to;
};

int vh_is_blank(int c);
int vh_is_space(int c);
/* Apache's ap_getword_conf(): blanks separate words, quotes group them */
void vh_split_words(const char *s, struct strlist *w);
/* the line is directive name (any case) */
int vh_is_directive(const struct vhost_line *l, const char *name);
/* blank or comment */
int vh_is_ignorable(const char *text);
/* the newline bytes of l, or the file's first newline when l is NULL or has none */
void vh_line_eol(const struct vhost_file *vf, const struct vhost_line *l, struct strbuf *eol);
/* out = text with [from, to) replaced by ins */
void vh_splice(const struct vhost_file *vf, size_t from, size_t to, const char *ins,
    size_t n, struct strbuf *out);
/* out = text; returns 0 */
int vh_unchanged(const struct vhost_file *vf, struct strbuf *out);
void vh_apply_cuts(const struct vhost_file *vf, const struct span *cuts, size_t n,
    struct strbuf *out);
int vh_bad_block(const struct vhost_file *vf, size_t i);
int vh_bad_word(const char *what, const char *s);
void vh_child_indent(const struct vhost_file *vf, const struct vhost_block *b,
    struct strbuf *ind);
/* line j is a directive directly inside block b (not in a nested section) */
int vh_is_child(const struct vhost_file *vf, const struct vhost_block *b, size_t j);
size_t vh_find_child(const struct vhost_file *vf, const struct vhost_block *b,
    const char *const *names, int last);
void vh_insert_after(const struct vhost_file *vf, size_t after, const char *indent,
    const char *directive_text, struct strbuf *out);

#endif
