/*
 * config-valid.c: the strict validators of config-value.c's readers, and
 * the checks every value passes before its reader (blanks, a leading '-',
 * the % escapes its key allows, control characters).  Values end up in
 * shell-quoted remote commands, Apache and zone files, so each type
 * accepts only the characters it needs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config-int.h"
#include "log.h"

int
only(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

int
valid_login_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32 || !strchr("abcdefghijklmnopqrstuvwxyz_", s[0]))
		return 0;
	return only(s, "abcdefghijklmnopqrstuvwxyz0123456789_-");
}

static int
valid_label(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)	/* by range, not strchr: 10,000 accounts' names at each start */
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int
valid_domain_name(const char *s)
{
	const char *dot;
	size_t n = strlen(s);

	if (n == 0 || n > 253)
		return 0;
	for (;;) {
		dot = strchr(s, '.');
		if (!valid_label(s, dot ? (size_t)(dot - s) : strlen(s)))
			return 0;
		if (dot == NULL)
			return 1;
		s = dot + 1;
	}
}

int
valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i, n;

	if (at == NULL || strchr(at + 1, '@') || !valid_domain_name(at + 1))
		return 0;
	n = (size_t)(at - s);
	if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-' || at[-1] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!strchr(ALNUM "._+-", s[i]) || (s[i] == '.' && s[i + 1] == '.'))
			return 0;
	return 1;
}

int
valid_host_word(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 253 && s[0] != '-' && s[0] != '.' && only(s, ALNUM "._-");
}

/* [user@]host as OpenSSH and rsync take it */
int
valid_dest(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i;

	if (at == NULL)
		return valid_host_word(s);
	if (at == s || s[0] == '-' || !valid_host_word(at + 1))
		return 0;
	for (i = 0; s + i < at; i++)
		if (!strchr(ALNUM "._-", s[i]))
			return 0;
	return 1;
}

int
valid_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (*s == '\0' || !only(s, "0123456789"))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
valid_hostport(const char *s, long *port)
{
	const char *colon = strrchr(s, ':');
	char host[256];
	size_t n;

	if (colon == NULL || (n = (size_t)(colon - s)) == 0 || n >= sizeof host)
		return 0;
	memcpy(host, s, n);
	host[n] = '\0';
	if (!valid_ipv4(host) && !valid_domain_name(host))
		return 0;
	return parse_long(colon + 1, 1, 65535, port) == 0;
}

int
valid_url(const char *s)
{
	const char *rest;

	if (strncmp(s, "http://", 7) == 0)
		rest = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		rest = s + 8;
	else
		return 0;
	return rest[0] != '\0' && rest[0] != '/' && only(rest, URL_CHARS);
}

int
leaves_dir(const char *s)
{
	const char *p = s;

	for (;;) {
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return 1;
		if ((p = strchr(p, '/')) == NULL)
			return 0;
		p++;
	}
}
/* ---- before a value's reader ---- */

/*
 * every word a value holds, as the word checks see it; scanned in place,
 * not split into a list (10,000 accounts' values at each start)
 */
int
check_words(struct val *x, int list)
{
	/* a command's options are its own business; its name is not one */
	size_t dash_words = x->k->type == K_INT ? 0 : x->k->type == K_CMD ? 1 : (size_t)-1;
	const char *s = x->v + strspn(x->v, " \t");
	size_t n, words;

	n = strcspn(s, " \t");
	if (!list && *s && s[n + strspn(s + n, " \t")] != '\0') {
		conf_error(x->p, x->line, "%s: '%s' holds a blank (one value expected)",
		    x->k->name, x->v);
		return -1;
	}
	for (words = 0; *s && words < dash_words; words++) {
		n = strcspn(s, " \t");
		if (s[0] == '-') {
			conf_error(x->p, x->line, "%s: '%.*s' starts with '-'", x->k->name, (int)n, s);
			return -1;
		}
		s += n;
		s += strspn(s, " \t");
	}
	return 0;
}

int
check_escapes(struct val *x)
{
	const char *allowed = x->k->esc ? x->k->esc : "", *p, *a;
	struct strbuf sb = STRBUF_INIT;

	if (x->k->pct_literal)
		return 0;
	for (p = x->v; (p = strchr(p, '%')) != NULL; p += 2) {
		if (p[1] == '%')
			continue;
		if (p[1] != '\0' && strchr(allowed, p[1]))
			continue;
		for (a = allowed; *a; a++)
			strbuf_addf(&sb, "%s%%%c", a == allowed ? "" : " ", *a);
		conf_error(x->p, x->line, "%s: '%%%.1s' is not allowed here (%s%s)", x->k->name,
		    p + 1, *allowed ? "allowed: " : "write %% for a %", sb.buf);
		strbuf_release(&sb);
		return -1;
	}
	return 0;
}

int
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 ? *s != '\t' : (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}
