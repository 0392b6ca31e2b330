/*
 * access.h: measured ssh access to the new host (prep.6, and check's view
 * of the port the users will use).
 */
#ifndef FERRY_ACCESS_H
#define FERRY_ACCESS_H

#include "ferry.h"
#include "service.h"

/* the ports h's sshd listens on, by sshd -T on h (the users' ports on the old host) */
int access_ssh_ports(struct step_ctx *ctx, const struct host *h, struct strlist *ports);
/* 0 when an IPv4 addr:port answers from here with an SSH banner, else -1 and why */
int access_banner(const char *addr, int port, struct strbuf *why);
/* prep.6's check */
int access_check(struct step_ctx *ctx);

/*
 * firewall.c: when a users' port is measurably blocked and the new host has
 * a `firewall` script, an ACCEPT line per port goes into it (sh -n checked,
 * run, measured again, put back when ssh still does not answer); in a dry
 * run only the diff.  undo restores and reruns the script if prep.6
 * adjusted it.
 */
int firewall_adjust(struct step_ctx *ctx);
int firewall_undo(struct step_ctx *ctx);

#endif
