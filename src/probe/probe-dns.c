/* probe-dns.c: one question to one authoritative server, no recursion (ldns). */
#include <ldns/ldns.h>
#include <string.h>

#include "log.h"
#include "probe.h"

static ldns_resolver *
resolver_for(const char *server_addr)
{
	ldns_resolver *res = ldns_resolver_new();
	ldns_rdf *ns = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, server_addr);
	struct timeval tv = { 2, 0 };

	if (ns == NULL)
		ns = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_AAAA, server_addr);
	if (res == NULL || ns == NULL || ldns_resolver_push_nameserver(res, ns) != LDNS_STATUS_OK) {
		if (ns)
			ldns_rdf_deep_free(ns);
		if (res)
			ldns_resolver_deep_free(res);
		return NULL;
	}
	ldns_rdf_deep_free(ns);
	ldns_resolver_set_recursive(res, false);
	ldns_resolver_set_retry(res, 2);
	ldns_resolver_set_timeout(res, tv);
	ldns_resolver_set_dnssec(res, false);
	ldns_resolver_set_defnames(res, false);
	ldns_resolver_set_dnsrch(res, false);
	return res;
}

static void
collect_serial(ldns_pkt *pkt, struct dns_answer *out)
{
	ldns_rr_list *soa = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_SOA, LDNS_SECTION_ANSWER);

	if (soa == NULL)
		soa = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_SOA, LDNS_SECTION_AUTHORITY);
	if (soa && ldns_rr_list_rr_count(soa) > 0) {
		ldns_rdf *s = ldns_rr_rdf(ldns_rr_list_rr(soa, 0), 2);

		if (s) {
			out->serial = ldns_rdf2native_int32(s);
			out->has_serial = 1;
		}
	}
	if (soa)
		ldns_rr_list_deep_free(soa);
}

static void
collect_values(ldns_pkt *pkt, ldns_rr_type t, struct dns_answer *out)
{
	ldns_rr_list *ans = ldns_pkt_rr_list_by_type(pkt, t, LDNS_SECTION_ANSWER);
	struct strbuf v = STRBUF_INIT;
	size_t i, k;

	for (i = 0; ans && i < ldns_rr_list_rr_count(ans); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ans, i);

		if (i == 0)
			out->ttl = ldns_rr_ttl(rr);
		strbuf_reset(&v);
		for (k = 0; k < ldns_rr_rd_count(rr); k++) {
			char *s = ldns_rdf2str(ldns_rr_rdf(rr, k));

			if (k)
				strbuf_addch(&v, ' ');
			strbuf_addstr(&v, s ? s : "");
			free(s);
		}
		strlist_push(&out->values, v.buf);
	}
	if (ans)
		ldns_rr_list_deep_free(ans);
	strbuf_release(&v);
}

int
dns_query(const char *server_addr, const char *name, const char *type,
    struct dns_answer *out)
{
	ldns_resolver *res;
	ldns_rdf *qname;
	ldns_pkt *pkt = NULL;
	ldns_rr_type t = ldns_get_rr_type_by_name(type);

	memset(out, 0, sizeof *out);
	if (t == 0 || (res = resolver_for(server_addr)) == NULL)
		return -1;
	qname = ldns_dname_new_frm_str(name);
	if (qname)
		pkt = ldns_resolver_query(res, qname, t, LDNS_RR_CLASS_IN, 0);
	if (qname)
		ldns_rdf_deep_free(qname);
	ldns_resolver_deep_free(res);
	if (pkt == NULL)
		return -1;
	out->rcode = ldns_pkt_get_rcode(pkt);
	out->aa = ldns_pkt_aa(pkt);
	collect_serial(pkt, out);
	collect_values(pkt, t, out);
	ldns_pkt_free(pkt);
	return 0;
}

void
dns_answer_release(struct dns_answer *a)
{
	strlist_clear(&a->values);
}
