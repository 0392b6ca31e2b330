/* services.c: the registry's table; the engine walks it, knowing no driver by name. */
#include "ferry.h"

#define SERVICE(x) extern const struct service x;
#include "services.def"
#undef SERVICE

const struct service *const service_registry[] = {
#define SERVICE(x) &x,
#include "services.def"
#undef SERVICE
	NULL
};

_Static_assert(sizeof service_registry / sizeof service_registry[0] <= SERVICES_MAX + 1,
    "more drivers than SERVICES_MAX");
