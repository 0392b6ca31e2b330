/* text.c: checks shared by the parsers of files hosts wrote. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "text.h"

int
text_refuse_nul(const char *name, const char *text, size_t len)
{
	const char *z = memchr(text, '\0', len);
	size_t i;
	int line = 1;

	if (z == NULL)
		return 0;
	for (i = 0; text + i < z; i++)
		line += text[i] == '\n';
	return error("%s:%d: NUL byte in the line", name, line);
}

int
text_port(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno == 0 && *end == '\0' && v >= 1 && v <= 65535 ? (int)v : 0;
}
