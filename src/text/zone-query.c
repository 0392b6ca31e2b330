/* zone-query.c: questions about a parsed zone, TTL text and serial numbers. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zone.h"
#include "zone-int.h"
#include "log.h"

long
zone_parse_ttl(const char *s, size_t len)
{
	long total = 0, num = -1;
	size_t i;
	int units = 0;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		int c = tolower((unsigned char)s[i]);
		long mul = c == 's' ? 1 : c == 'm' ? 60 : c == 'h' ? 3600 :
		    c == 'd' ? 86400 : c == 'w' ? 604800 : 0;

		if (isdigit((unsigned char)s[i])) {
			num = (num < 0 ? 0 : num) * 10 + (s[i] - '0');
			if (num > 0x7fffffffL)
				return -1;
		} else if (mul && num >= 0) {
			total += num * mul;
			num = -1;
			units = 1;
		} else
			return -1;
		if (total > 0x7fffffffL)
			return -1;
	}
	if (num >= 0)
		total += num;
	else if (!units)
		return -1;
	return total > 0x7fffffffL ? -1 : total;
}

/* -- queries -- */

int
zone_name_in(const char *origin, const char *name)
{
	size_t lo = strlen(origin), ln = strlen(name);

	if (!lo)
		return 1;
	if (ln == lo)
		return !strcasecmp(name, origin);
	return ln > lo && name[ln - lo - 1] == '.' && !strcasecmp(name + ln - lo, origin);
}

void
zone_name_rel(const char *origin, const char *name, struct strbuf *out)
{
	size_t lo = strlen(origin), ln = strlen(name);

	strbuf_reset(out);
	if (ln && name[ln - 1] == '.')
		ln--;
	if (ln == lo && !strncasecmp(name, origin, lo))
		strbuf_addch(out, '@');
	else if (lo && ln > lo + 1 && name[ln - lo - 1] == '.' &&
	    !strncasecmp(name + ln - lo, origin, lo))
		strbuf_add(out, name, ln - lo - 1);
	else {
		strbuf_add(out, name, ln);
		strbuf_addch(out, '.');
	}
}

int
zone_find(const struct zone *z, const char *name, const char *type, int from)
{
	struct strbuf abs = STRBUF_INIT;
	size_t i;
	int found = -1;

	if (name)
		zone_name_abs(z, name, &abs);
	for (i = from < 0 ? 0 : (size_t)from; i < z->n && found < 0; i++)
		if ((!name || !strcmp(z->rr[i].owner, abs.buf)) &&
		    (!type || !strcasecmp(z->rr[i].type, type)))
			found = (int)i;
	strbuf_release(&abs);
	return found;
}

int
zone_count(const struct zone *z, const char *name, const char *type)
{
	int i = -1, n = 0;

	while ((i = zone_find(z, name, type, i + 1)) >= 0)
		n++;
	return n;
}

long
zone_ttl_of(const struct zone *z, const char *name, const char *type)
{
	int i = -1;
	long ttl = -1;

	while ((i = zone_find(z, name, type, i + 1)) >= 0)
		if (z->rr[i].ttl > ttl)
			ttl = z->rr[i].ttl;
	return ttl;
}

int
zone_soa_serial(const struct zone *z, uint32_t *serial)
{
	int i = zone_find(z, "@", "SOA", 0);

	if (i < 0)
		return -1;
	*serial = (uint32_t)strtoul(z->text + z->rr[i].rd[2].off, NULL, 10);
	return 0;
}

const char *
zone_mx_host(const struct zone_rr *rr)
{
	const char *sp;

	if (strcmp(rr->type, "MX") || rr->n_rd != 2 || !(sp = strchr(rr->rdata, ' ')))
		return NULL;
	return sp + 1;
}

int
zone_resolve_cname(const struct zone *z, const char *name, struct strbuf *out)
{
	int hops, i;

	zone_name_abs(z, name, out);
	for (hops = 0; hops < 8; hops++) {
		if (!zone_name_in(z->origin, out->buf))
			return 0;
		if ((i = zone_find(z, out->buf, "CNAME", 0)) < 0)
			return 1;
		strbuf_reset(out);
		strbuf_add(out, z->rr[i].rdata, strlen(z->rr[i].rdata) - 1);
	}
	return -1;
}

/* -- serial numbers -- */

int
serial_gt(uint32_t a, uint32_t b)
{
	return (a < b && b - a > 0x80000000U) || (a > b && a - b < 0x80000000U);
}

int
serial_is_date(uint32_t s)
{
	unsigned day = (s / 100) % 100, month = (s / 10000) % 100, year = s / 1000000;

	return year >= 1970 && year <= 2099 && month >= 1 && month <= 12 &&
	    day >= 1 && day <= 31;
}

uint32_t
zone_serial_next(uint32_t cur, const struct zone_bump *b)
{
	uint32_t base = cur, dated;

	if (b && b->have_served && serial_gt(b->highest_served, cur))
		base = b->highest_served;
	if (b && b->today && serial_is_date(cur) && b->today <= 42949672U) {
		dated = (uint32_t)b->today * 100U;
		if (serial_gt(dated, base))
			return dated;
	}
	return base + 1U;	/* unsigned: wraps at 2^32 as RFC 1982 wants */
}
