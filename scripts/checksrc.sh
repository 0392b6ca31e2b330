#!/bin/sh
# Bans functions that invite overflows or hidden shells (curl's checksrc).
# An exception is "/* checksrc: allow NAME: why */" on the same line.
banned='sprintf|strcpy|strcat|strncpy|strncat|gets|strtok|atoi|system|popen'
cd "$(dirname "$0")/.." || exit 2
bad=$(grep -nE "(^|[^_a-zA-Z0-9.>])($banned)[[:space:]]*\(" src/*/*.c src/*/*.h tests/unit/*.c fuzz/*.c fuzz/*.h 2>/dev/null |
	grep -vE '/\* checksrc: allow ('"$banned"'):' |
	grep -vE '^[^:]*:[0-9]+:[[:space:]]*(\*|/\*)')
if [ -n "$bad" ]; then
	echo "checksrc: banned functions:"
	echo "$bad"
	exit 1
fi
echo "checksrc: ok"
