/* mail-queue.c: the queue entries that are the account's (mail-queue.h). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mail-queue.h"

int
mail_queue_id_ok(const char *id)
{
	const char *p;

	for (p = id; *p; p++)
		if (!isalnum((unsigned char)*p))
			return 0;
	return p > id && p - id <= 64;
}

/* an entry's first line: ID, an optional mark, blanks, the size in digits */
static size_t
entry_id(const char *line, size_t len)
{
	size_t n = 0, i;

	while (n < len && isalnum((unsigned char)line[n]))
		n++;
	if (n == 0)
		return 0;
	i = n;
	if (i < len && (line[i] == '*' || line[i] == '!'))
		i++;
	if (i == len || (line[i] != ' ' && line[i] != '\t'))
		return 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && isdigit((unsigned char)line[i]) ? n : 0;
}

/* one word, brackets stripped, is login@... or ...@one of domains */
static int
names_account(const char *w, size_t n, const char *login, const struct strlist *domains)
{
	size_t ln = strlen(login), i;

	if (n && *w == '<') {
		w++;
		n--;
	}
	if (n && w[n - 1] == '>')
		n--;
	if (n > ln && strncasecmp(w, login, ln) == 0 && w[ln] == '@')
		return 1;
	for (i = 0; i < domains->n; i++) {
		size_t dn = strlen(domains->v[i]);

		if (n > dn + 1 && w[n - dn - 1] == '@' &&
		    strncasecmp(w + n - dn, domains->v[i], dn) == 0)
			return 1;
	}
	return 0;
}

static int
line_names_account(const char *p, size_t len, const char *login,
    const struct strlist *domains)
{
	size_t i = 0;

	while (i < len) {
		size_t n;

		while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
			i++;
		n = 0;
		while (i + n < len && p[i + n] != ' ' && p[i + n] != '\t' && p[i + n] != '\r')
			n++;
		if (n && names_account(p + i, n, login, domains))
			return 1;
		i += n;
	}
	return 0;
}

/* the entry that ends here, if it named the account */
static void
entry_end(char *id, int *mine, struct strlist *ids)
{
	if (id[0] && *mine && !strlist_has(ids, id))
		strlist_push(ids, id);
	id[0] = '\0';
	*mine = 0;
}

void
mail_queue_ids(const char *listing, const char *login, const struct strlist *domains,
    struct strlist *ids)
{
	const char *p = listing;
	char id[65] = "";
	int mine = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), n;

		if (*p == ' ' || *p == '\t' || *p == '(') {
			/* a recipient or a "(reason)" of the entry above (postfix
			   prints the reason at column 0) */
			if (id[0] && line_names_account(p, len, login, domains))
				mine = 1;
		} else {
			/* a line at column 0 ends the entry above, and may start one */
			entry_end(id, &mine, ids);
			if ((n = entry_id(p, len)) > 0 && n < sizeof id) {
				memcpy(id, p, n);
				id[n] = '\0';
				mine = line_names_account(p + n, len - n, login, domains);
			}
		}
		p += len + (nl != NULL);
	}
	entry_end(id, &mine, ids);
}
