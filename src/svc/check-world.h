/* check-world.h: check's view of the world before any change (check-world.c). */
#ifndef FERRY_CHECK_WORLD_H
#define FERRY_CHECK_WORLD_H

#include "ferry.h"

/* rsync versions, the users' ssh ports, homes, groups, the zones ferry will
 * edit; findings printed; -1 when any is a failure */
int check_world(struct ferry *f, struct account **accts, size_t n);

#endif
