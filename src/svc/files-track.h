/*
 * files-track.h: which files changed on the old host since phase1.presync
 * began, so that phase1.3's frozen pass sends only those (rsync
 * --files-from) instead of scanning the whole home.  An inotifywait on the
 * old host watches the home and each DocumentRoot outside it; it outlives
 * ferry (a run --until, a kill and a resume) and keeps its pid and events in
 * TRACK_DIR/ACCOUNT, outside every watched tree.
 */
#ifndef FERRY_FILES_TRACK_H
#define FERRY_FILES_TRACK_H

#include <stddef.h>

#include "ferry.h"

#define TRACK_DIR "/var/lib/ferry/track"

/* one synced tree and what changed under it */
struct track_root {
	char *path;		/* watched directory, no trailing slash */
	struct strlist list;	/* changed entries "./REL" ("." the root itself), sorted, once */
	struct strlist dirs;	/* of those, directories created or moved in: sent whole */
};

void track_roots_init(struct track_root *r, const struct strlist *paths);
void track_roots_release(struct track_root *r, size_t n);

/*
 * Reads inotifywait's records ("EVENTS PATH" each ended by NUL) into the
 * roots' lists; records under own_dir (ferry's sentinels) are skipped.
 * 0, or -1 with the reason the list cannot be trusted in why: the queue
 * overflowed, a root itself went away, a path lies outside every root, or
 * a record was cut short.
 */
int track_parse(const char *ev, size_t len, const char *own_dir, struct track_root *roots,
    size_t n, struct strbuf *why);

/*
 * Starts the account's watcher on the old host over paths (replacing one a
 * killed run left) and returns once its watches are set: 0 watching, 1 not
 * (no inotifywait there, the watches failed: why says so).
 */
int track_start(struct step_ctx *ctx, const struct strlist *paths, struct strbuf *why);

/*
 * phase1.3: makes the watcher report every change made so far (a sentinel
 * it must see), stops it and fills roots[].list and .dirs.  0 tracked, 1 a
 * full pass is needed (why: no watcher, it died, overflowed, ...).
 */
int track_finish(struct step_ctx *ctx, struct track_root *roots, size_t n, struct strbuf *why);

/* stops the account's watcher, if any, and removes its files: 0, or -1 (printed) */
int track_stop(struct step_ctx *ctx);

/*
 * The old host's command for one tracked pass: r's list on stdin (into in),
 * r->dirs expanded with find, then exec rsync (argv with --files-from=-
 * --from0), run in r->path.  It exits TRACK_HARDLINKS, sending nothing,
 * when a listed file has hard links: then only a full pass is right.
 */
#define TRACK_HARDLINKS 97
void track_wrap(struct strlist *out, struct strbuf *in, const struct track_root *r,
    const struct strlist *rsync);

#endif
