/* mush-game.h: the game on a host (mush-game.c), for the mush driver's steps (svc-mush.c). */
#ifndef FERRY_MUSH_GAME_H
#define FERRY_MUSH_GAME_H

#include "ferry.h"

/* HOST's home/LOGIN/mush-dir */
void mush_game_dir(struct strbuf *sb, const struct host *h, const struct account *a);
/* 1 when something on addr:port sends its first bytes soon after the connect */
int mush_answers(const char *addr, int port);
/* mush-start on h, then the port polled until the game answers: 0, or -1 with the step's error */
int mush_start_and_wait(struct step_ctx *ctx, const struct host *h);
/* mush-stop (or SIGTERM to the game's own pid), then the port polled until it is closed */
int mush_stop(struct step_ctx *ctx, const struct host *h);
/* logs in with mush-admin's connect line and sends commands (each ends with CRLF) */
int mush_admin_say(struct step_ctx *ctx, const struct host *h, const char *commands);

#endif
