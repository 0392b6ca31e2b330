/*
 * mta-sendmail.c: sendmail's side of mta.h.  The virtusertable is built by
 * makemap (what Debian's /etc/mail/Makefile runs on reload), into a
 * scratch name first so sendmail never reads a half-written database, then
 * given the live database's owner and mode (root:smmsp 0640) and renamed.
 */
#include "mta.h"

const struct mta_ops mta_sendmail = {
	"sendmail",
	"t=$(mktemp -d) && makemap hash \"$t/map\" < \"$1\"; r=$?; rm -rf \"$t\"; exit $r",
	"umask 077; t=\"$1.ferry-db\"; rm -f \"$t.db\"; "
	"makemap hash \"$t\" < \"$1\" || { rm -f \"$t.db\"; exit 1; }; "
	"if [ -e \"$1.db\" ]; then chown --reference=\"$1.db\" \"$t.db\" && "
	"chmod --reference=\"$1.db\" \"$t.db\" || exit 1; fi; mv -f \"$t.db\" \"$1.db\"",
	/* makemap -u dumps "key<TAB>value" with keys folded to lower case */
	"[ -e \"$1.db\" ] || { echo \"no $1.db\"; exit 2; }; "
	"makemap -u hash \"$1\" | awk -v k=\"$2\" 'BEGIN { k = tolower(k) } "
	"tolower($1) == k { sub(/^[^ \\t]+[ \\t]+/, \"\"); print; f = 1; exit } END { exit !f }'",
	/* the MTA's queue: the submission queue (-Ac) goes through it, and its map, later */
	"sendmail -bp -Am 2>&1",
	/* -qI per ID; the queue run is left to itself, its output to the log */
	"for i in \"$@\"; do set -- \"$@\" \"-qI$i\"; shift; done; "
	"sendmail -Am \"$@\" </dev/null >/dev/null 2>&1 &",
	"/etc/aliases",
	/* sendmail's own word: -d38.2 prints the file each map it opens is
	   read from, here for a lookup in the map sendmail.cf names virtuser */
	"o=$(printf '/map virtuser ferry-probe@invalid\\n' | sendmail -bt -d38.2 2>&1) || "
	"{ printf '%s\\n' \"$o\" | tail -n 2; exit 2; }; "
	"p=$(printf '%s\\n' \"$o\" | sed -n 's/^.*hash_map_open(virtuser, \\([^,]*\\),.*$/\\1/p' | head -n 1); "
	"[ -n \"$p\" ] || { echo 'sendmail.cf has no hash map named virtuser'; exit 1; }; "
	"echo \"virtuser: hash $p\"; [ \"$(readlink -f -- \"$p\")\" = \"$(readlink -f -- \"$1\")\" ]",
};
