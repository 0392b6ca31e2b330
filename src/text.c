/* text.c: checks shared by the parsers of files hosts wrote. */
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
