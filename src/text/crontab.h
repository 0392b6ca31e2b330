/*
 * crontab.h: an account's crontab switched off and on by ferry.  A job
 * line is switched off by putting CRONTAB_OFF in front of it, so the file
 * keeps every job, comment and variable as written and switching on gives
 * the same bytes back.  Lines that run nothing (blank, comment, NAME=value)
 * are left alone.
 */
#ifndef FERRY_CRONTAB_H
#define FERRY_CRONTAB_H

#include "strbuf.h"

#define CRONTAB_OFF "#ferry-off: "

/* the lines of text that cron runs (discover.h's dsc_crontab_jobs) */
int crontab_jobs(const char *text);
/* text with every job line switched off, into out (appended) */
void crontab_disable(const char *text, struct strbuf *out);
/* text with every line ferry switched off switched on again, into out */
void crontab_enable(const char *text, struct strbuf *out);
/* lines ferry switched off */
int crontab_disabled(const char *text);

#endif
