/*
 * mta-postfix.c: postfix's side of mta.h.  The account's addresses are in
 * virtual_alias_maps = hash:FILE (ferry's virtusertable key), the local
 * domains in a file mydestination names (ferry's mta-domains).  postmap
 * builds FILE.db in place under its own lock; postmap -q answers lookups
 * from the built database, as smtpd and cleanup will.
 */
#include "mta.h"

const struct mta_ops mta_postfix = {
	"postfix",
	"t=$(mktemp -d) && cp \"$1\" \"$t/map\" && postmap \"$t/map\"; r=$?; rm -rf \"$t\"; exit $r",
	"postmap \"$1\"",
	"[ -e \"$1.db\" ] || { echo \"no $1.db\"; exit 2; }; postmap -q \"$2\" \"hash:$1\"",
	"postqueue -p 2>&1",
	/* postqueue -i: deferred entries scheduled at once (qmgr's work, it returns) */
	"for i in \"$@\"; do postqueue -i \"$i\" >/dev/null 2>&1; done; exit 0",
	"/etc/aliases",
	/* postconf -x answers with the value postfix uses, $names expanded */
	"m=$(postconf -hx virtual_alias_maps 2>&1) || { echo \"$m\"; exit 2; }; "
	"want=$(readlink -f -- \"$1\"); "
	"for x in $(printf '%s\\n' \"$m\" | tr ',' ' '); do case $x in hash:*) "
	"[ \"$(readlink -f -- \"${x#hash:}\")\" = \"$want\" ] && { echo \"virtual_alias_maps: $x\"; exit 0; };; "
	"esac; done; echo \"virtual_alias_maps = ${m:-(empty)}\"; exit 1",
};
