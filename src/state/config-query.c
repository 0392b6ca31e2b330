/* config-query.c: looking things up in a loaded configuration, and freeing it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config-int.h"
#include "log.h"

static void
host_free(struct host *h)
{
	free(h->name);
	free(h->ssh);
	free(h->address);
	free(h->fqdn);
	free(h->rsync_to);
	free(h->home);
	free(h->virtusertable);
	free(h->mta_domains);
	free(h->mail_spool);
	strlist_clear(&h->mta_reload);
	strlist_clear(&h->apache_vhosts);
	strlist_clear(&h->apache_check);
	strlist_clear(&h->apache_reload);
	free(h->firewall);
	free(h->apache_log);
	free(h->apache_error_log);
	free(h->mail_log);
	free(h->auth_log);
}

static void
account_free(struct account *a)
{
	free(a->name);
	free(a->owner);
	strlist_clear(&a->domains);
	strlist_clear(&a->web);
	free(a->test_name);
	strlist_clear(&a->web_check);
	strlist_clear(&a->rsync_exclude);
	free(a->mush_dir);
	strlist_clear(&a->mush_start);
	free(a->mush_pidfile);
	strlist_clear(&a->mush_stop);
	free(a->mush_save);
	free(a->mush_name);
	free(a->mush_admin);
	strlist_clear(&a->dns_leave);
}

void
config_free(struct config *cf)
{
	size_t i;

	for (i = 0; i < cf->n_hosts; i++)
		host_free(&cf->hosts[i]);
	for (i = 0; i < cf->n_accounts; i++)
		account_free(&cf->accounts[i]);
	free(cf->hosts);
	free(cf->accounts);
	free(cf->dns.nameservers);
	if (cf->dns.nameservers == NULL)
		free(cf->dns.secondaries);
	free(cf->dns.zone_file);
	strlist_clear(&cf->dns.zone_check);
	strlist_clear(&cf->dns.reload);
	strlist_clear(&cf->dns.retransfer);
	free(cf->path);
	free(cf->dir);
	free(cf->journal);
	free(cf->ssh_config);
	free(cf->admin);
	free(cf->smtp);
	free(cf->userdir_domain);
	free(cf->userdir_redirect);
	memset(cf, 0, sizeof *cf);
}

struct host *
config_host(const struct config *cf, const char *name)
{
	size_t i;

	for (i = 0; i < cf->n_hosts; i++)
		if (strcmp(cf->hosts[i].name, name) == 0)
			return &cf->hosts[i];
	return NULL;
}

struct account *
config_account(const struct config *cf, const char *name)
{
	size_t i;

	for (i = 0; i < cf->n_accounts; i++)
		if (strcmp(cf->accounts[i].name, name) == 0)
			return &cf->accounts[i];
	return NULL;
}

size_t
config_nameservers(const struct config *cf, struct host ***out)
{
	*out = cf->dns.nameservers;
	return cf->dns.n_nameservers;
}

const char *
account_zone_of(const struct account *a, const char *name)
{
	size_t i, n = strlen(name), best_len = 0;
	const char *best = NULL;

	for (i = 0; i < a->domains.n; i++) {
		const char *d = a->domains.v[i];
		size_t dl = strlen(d);

		if (dl > n || dl <= best_len || strcasecmp(name + n - dl, d) != 0)
			continue;
		if (dl == n || name[n - dl - 1] == '.') {
			best = d;
			best_len = dl;
		}
	}
	return best;
}

/*
 * Where the old host's rsync connects: CONTRACT.md shows rsync-to in the old
 * host's section naming the new host; in the new host's section (or its
 * default root@ADDRESS) it says how that host is reached.
 */
const char *
config_rsync_dest(const struct config *cf)
{
	if (cf->from->rsync_to_set)
		return cf->from->rsync_to;
	return cf->to->rsync_to;
}
