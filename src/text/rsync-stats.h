/*
 * rsync-stats.h: what one rsync pass reports (--stats, --itemize-changes),
 * read from its output.  The output is the old host's: file names in it are
 * the owner's, so the reader trusts nothing about their bytes.
 */
#ifndef FERRY_RSYNC_STATS_H
#define FERRY_RSYNC_STATS_H

/* numbers of more digits than this are not rsync's (a petabyte has 16) */
#define RSYNC_STAT_DIGITS 15

struct rsync_stats {
	long long files;	/* regular files transferred; -1 unreadable */
	long long bytes;	/* total transferred file size; -1 unreadable */
	long long entries;	/* --itemize-changes lines */
	double seconds;
};

/* fills files, bytes and entries from out (NUL-terminated); seconds untouched */
void rsync_stats_read(const char *out, struct rsync_stats *st);

#endif
