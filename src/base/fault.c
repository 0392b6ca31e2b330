/* fault.c: die on purpose where FERRY_FAULT says, to prove resumption. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

void
fault_point(const char *step, const char *point)
{
	const char *want = getenv("FERRY_FAULT");
	size_t n = strlen(step);

	if (want == NULL || strncmp(want, step, n) != 0 || want[n] != ':' ||
	    strcmp(want + n + 1, point) != 0)
		return;
	fprintf(stderr, "ferry: fault injected at %s:%s\n", step, point);
	fflush(NULL);
	kill(getpid(), SIGKILL);
	_exit(137);
}
