/* probe.h: checks from the outside — DNS with ldns, HTTP and SMTP with libcurl, TCP. */
#ifndef FERRY_PROBE_H
#define FERRY_PROBE_H

#include "strbuf.h"

struct dns_answer {
	int rcode;		/* LDNS_RCODE_*: 0 NOERROR, 3 NXDOMAIN */
	int aa;			/* authoritative answer flag */
	unsigned serial;	/* the zone's SOA serial when the answer carried one */
	int has_serial;
	unsigned ttl;		/* TTL of the first answer record */
	struct strlist values;	/* rdata of each answer of the asked type, as text */
};

/*
 * Asks the one nameserver at server_addr (IPv4 or IPv6 literal), without
 * recursion, for name/type ("A", "MX", "SOA", ...).  0 when it answered,
 * -1 when it did not (timeout, refused to talk).  The SOA serial comes from
 * the answer or the authority section.
 */
int dns_query(const char *server_addr, const char *name, const char *type,
    struct dns_answer *out);
void dns_answer_release(struct dns_answer *a);

struct http_response {
	long status;
	struct strbuf body;
	char *content_type;	/* NULL when absent */
	char *location;		/* NULL when absent */
};

/*
 * GET http://NAME:PORT/PATH with NAME pinned to addr (curl --resolve), no
 * redirects followed.  Port 443 is https: NAME is sent as SNI and the
 * certificate verified for NAME against the system's CA bundle (a failed
 * verification is an error, never a response).  0 when a response came, -1 otherwise (err says why).
 */
int http_fetch(const char *name, const char *addr, int port, const char *path,
    struct http_response *out, struct strbuf *err);
/* the same, giving up after timeout_ms (http_fetch allows 20 s) */
int http_fetch_ms(const char *name, const char *addr, int port, const char *path,
    long timeout_ms, struct http_response *out, struct strbuf *err);
void http_response_release(struct http_response *r);

/*
 * Sends one message over SMTP to server ("host:port"); 0 when the server
 * accepted it (250 after DATA), -1 with err filled otherwise.
 */
int smtp_send(const char *server, const char *from, const char *to,
    const char *message, struct strbuf *err);

/*
 * RCPT TO:<to> at addr:port after EHLO helo and MAIL FROM:<from>, then
 * RSET: the reply code (250, 550, ...), or -1 when the dialogue failed before
 * (reply holds the last line read).
 */
int smtp_rcpt(const char *addr, int port, const char *helo, const char *from, const char *to,
    struct strbuf *reply);

/* 1 when addr:port answers with an SMTP 220 greeting within a few seconds, else 0 */
int smtp_greets(const char *addr, int port);

/*
 * A TCP connection to addr (an IPv4 or IPv6 literal, never a name) on port,
 * connect and each read or write bounded by timeout_ms: the descriptor, or
 * -1 when there is none.
 */
int tcp_connect(const char *addr, int port, int timeout_ms);

#endif
