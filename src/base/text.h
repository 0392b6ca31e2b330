/* text.h: checks shared by the parsers of files hosts wrote (vhosts, virtusertable). */
#ifndef FERRY_TEXT_H
#define FERRY_TEXT_H

#include <stddef.h>

/*
 * The parsers keep words as C strings, so a NUL byte would hide the rest of
 * its line from the editor: -1 with "NAME:LINE: NUL byte in the line", else 0.
 */
int text_refuse_nul(const char *name, const char *text, size_t len);

/* a TCP port written in decimal and nothing else: 1..65535, else 0 */
int text_port(const char *s);

#endif
