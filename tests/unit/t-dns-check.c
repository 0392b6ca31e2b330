/* t-dns-check.c: the kind of zone named says it keeps (rndc zonestatus). */
#include "dns-check.h"
#include "unit.h"

int
main(void)
{
	CHECK_INT(dns_zone_kind_of("name: a.test\ntype: primary\nsecure: no\ndynamic: no\n"),
	    DNS_ZONE_STATIC);
	CHECK_INT(dns_zone_kind_of("name: a.test\nsecure: no\ndynamic: yes\nfrozen: no\n"),
	    DNS_ZONE_DYNAMIC);
	CHECK_INT(dns_zone_kind_of("name: a.test\nsecure: yes\ninline signing: yes\n"
	    "dynamic: no\n"), DNS_ZONE_INLINE);
	CHECK_INT(dns_zone_kind_of("name: a.test\nsecure: yes\ninline signing: yes\n"
	    "dynamic: yes\n"), DNS_ZONE_DYNAMIC);
	CHECK_INT(dns_zone_kind_of("name: a.test\nsecure: yes\ndynamic: no\n"), DNS_ZONE_SIGNED);
	CHECK_INT(dns_zone_kind_of(""), DNS_ZONE_STATIC);
	UNIT_DONE("dns-check");
}
