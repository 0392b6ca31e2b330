/* plan.c: the seed's checklist as data; which steps apply to which account. */
#include <string.h>

#include "config.h"
#include "plan.h"

#define ALL	0u
#define WEB	SVC_WEB
#define MAIL	SVC_MAIL
#define MUSH	SVC_MUSH

const struct step_def step_catalogue[] = {
	{ "prep.1", PHASE_PREP, ALL, "[All]",
	  "create the account on the new host (same uid, gid, shell, password); verify ssh login, no telnet" },
	{ "prep.2", PHASE_PREP, ALL, "[All]",
	  "first rsync of the home directory (and of a DocumentRoot outside it)" },
	{ "prep.3", PHASE_PREP, WEB, "[Web]",
	  "alternate hostname (test-name) in DNS, pointing at the new host" },
	{ "prep.4", PHASE_PREP, WEB, "[Web]",
	  "the account's VirtualHosts on the new host, with test-name as ServerAlias; ~user served there" },
	{ "prep.5", PHASE_PREP, WEB, "[Web]",
	  "fetch the site through the alternate name and compare with the old host" },
	{ "prep.6", PHASE_PREP, ALL, "[All]",
	  "the user can get in and modify files on the new host (ssh/sftp reachable, firewall)" },
	{ "prep.7", PHASE_PREP, MUSH, "[Mush]",
	  "test run of the game on the new host, then shut it down" },
	{ "prep.8", PHASE_PREP, MUSH, "[Mush]",
	  "backup of the last known-good save in a separate dir" },
	{ "prep.cron", PHASE_PREP, ALL, "[All]",
	  "the account's crontab on the new host, every job switched off" },
	{ "prep.ttl", PHASE_PREP, WEB | MAIL | MUSH, "[Web,Mail,Mush]",
	  "lower the TTL of the records that will change" },
	{ "phase1.presync", PHASE_1, ALL, "[All]",
	  "rsync passes until the change set stops shrinking" },
	{ "phase1.1", PHASE_1, MUSH, "[Mush]",
	  "shut down the game on the old host (or save and announce a freeze)" },
	{ "phase1.2", PHASE_1, ALL, "[All]",
	  "tell the owner to stop changing files" },
	{ "phase1.3", PHASE_1, ALL, "[All]",
	  "final rsync" },
	{ "phase1.cron", PHASE_1, ALL, "[All]",
	  "crontab jobs switched on on the new host, off (kept, commented) on the old" },
	{ "phase1.4", PHASE_1, MUSH, "[Mush]",
	  "start the game on the new host" },
	{ "phase1.5", PHASE_1, MUSH, "[Mush]",
	  "point the game's A record at the new host now" },
	{ "phase1.6", PHASE_1, MAIL, "[Mail]",
	  "forwarded mail: skip the mail steps that move a spool" },
	{ "phase1.7", PHASE_1, MAIL, "[Mail]",
	  "move the mail spool" },
	{ "phase1.8", PHASE_1, MAIL, "[Mail]",
	  "virtusertable on both hosts points at the new host (new host first)" },
	{ "phase1.9", PHASE_1, MAIL, "[Mail]",
	  "a test message arrives in the new host's spool" },
	{ "phase1.10", PHASE_1, MAIL, "[Mail]",
	  "mail that reached the old host late is delivered on the new host" },
	{ "phase1.11", PHASE_1, MAIL, "[Mail]",
	  "tell the owner the client settings" },
	{ "phase2.proxy", PHASE_2, WEB, "[Web]",
	  "the old host's VirtualHost proxies the moved names to the new host" },
	{ "phase2.1", PHASE_2, WEB, "[Web]",
	  "A records of the web names point at the new host" },
	{ "phase2.2", PHASE_2, MAIL, "[Mail]",
	  "MX: add the new host, remove the old" },
	{ "phase2.3", PHASE_2, MAIL | WEB, "[Mail,Web]",
	  "every nameserver serves the change (queried one by one)" },
	{ "phase2.4", PHASE_2, MUSH, "[Mush]",
	  "game still on the old host: announce, then shut it down" },
	{ "phase2.5", PHASE_2, WEB, "[Web]",
	  "the site through its real name is served by the new host and matches" },
	{ "phase2.6", PHASE_2, WEB, "[Web]",
	  "~user requests on the old host redirect to the new host" },
	{ "done.1", PHASE_DONE, ALL, "[All]",
	  "watch the logs" },
	{ "done.tidy", PHASE_DONE, ALL, "[All]",
	  "TTLs back to their old values, test-name removed, the owner told the move is finished" },
};
const size_t step_catalogue_len = sizeof step_catalogue / sizeof step_catalogue[0];

const struct step_def *
step_find(const char *id)
{
	size_t i;

	for (i = 0; i < step_catalogue_len; i++)
		if (strcmp(step_catalogue[i].id, id) == 0)
			return &step_catalogue[i];
	return NULL;
}

int
step_applies(const struct step_def *d, const struct account *a)
{
	if (d->services == ALL)
		return 1;
	return (d->services & a->services) != 0;
}

/* seed phase1.6: forwarded mail has no spool to move, test or announce */
const char *
step_config_skip(const struct step_def *d, const struct account *a)
{
	static const char *const spool_steps[] = {
		"phase1.7", "phase1.9", "phase1.10", "phase1.11", NULL
	};
	size_t i;

	if (!(a->services & SVC_MAIL) || a->mail != MAIL_FORWARDED)
		return NULL;
	for (i = 0; spool_steps[i]; i++)
		if (strcmp(d->id, spool_steps[i]) == 0)
			return "mail is forwarded (phase1.6)";
	return NULL;
}

static const char *const phase_names[] = { "prep", "phase1", "phase2", "done" };

const char *
phase_name(enum phase p)
{
	return phase_names[p];
}

int
phase_parse(const char *s, enum phase *out)
{
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, phase_names[i]) == 0) {
			*out = (enum phase)i;
			return 0;
		}
	return -1;
}
