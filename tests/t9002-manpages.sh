#!/bin/bash
# t9002: the manual pages name everything the code accepts -- every command
# (src/cmd/commands.def), every option of every command (src/cmd/cmd-*.c), every key
# of every section (src/state/config.c's key tables) and every enum word -- and
# `ferry COMMAND --help` answers for each.  Needs no lab.
. "$(dirname "$0")/lib.sh"

SRC=$PROJECT_DIR/src
MAN1=$PROJECT_DIR/doc/ferry.1
MAN5=$PROJECT_DIR/doc/ferry.conf.5
FERRY=$PROJECT_DIR/ferry

# roff text with \- as -, fonts and quotes left out
plain() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/"//g' "$1"
}

commands() {
	sed -n 's/^COMMAND(cmd_\([a-z]*\)_entry)$/\1/p' "$SRC/cmd/commands.def"
}

# "COMMAND --option" for every long option a command file accepts
options() {
	local c
	for c in $(commands); do
		grep -ohE '\{ "[a-z-]+", (no|required|optional)_argument|"--[a-z-]+"' \
			"$SRC/cmd/cmd-$c.c" | sed -E 's/^\{ "([a-z-]+)".*/--\1/; s/"//g' |
			sort -u | sed "s/^/$c /"
	done
}

# "SECTION KEY" from the key tables of config.c
config_keys() {
	awk '/^static const struct key_def [a-z]*_keys\[\]/ { sec = $5; sub(/_keys.*/, "", sec) }
	     sec && /^\t\{ "/ { split($0, f, "\""); print sec, f[2] }
	     /^};/ { sec = "" }' "$SRC"/state/config*.c
}

# "SECTION KEY" documented: the .B line after each .TP under .SH [SECTION ...]
documented_keys() {
	plain "$MAN5" | awk '/^\.SH \[/ { sec = $2; sub(/^\[/, "", sec); sub(/\]$/, "", sec); next }
	     /^\.SH/ { sec = ""; next }
	     sec && prev == ".TP" && /^\.B / { sub(/^\.B /, ""); n = split($0, k, /, */);
		 for (i = 1; i <= n; i++) print sec, k[i] }
	     { prev = $0 }'
}

test_expect_success 'the code lists what it accepts (the extraction works)' '
	commands >cmds && test $(wc -l <cmds) -ge 9 && grep -qx report cmds &&
	options >opts && grep -qx "run --jobs" opts && grep -qx "status --json" opts &&
	config_keys >keys && grep -qx "migration presync-until" keys &&
	grep -qx "account mush-admin" keys && test $(wc -l <keys) -ge 50
'

test_expect_success 'ferry(1) has a paragraph for every command' '
	plain "$MAN1" >man1 &&
	for c in $(commands); do
		grep -qE "^\.BR $c( |$)" man1 || { echo "missing command: $c"; return 1; }
	done
'

test_expect_success 'ferry(1) names every option of every command' '
	missing= &&
	while read -r c o; do
		grep -qe "$o" man1 || missing="$missing $c:$o"
	done <opts &&
	for o in -c -v -q; do grep -qE "^\.BI? $o( |$)" man1 || missing="$missing $o"; done &&
	test -z "$missing" || { echo "missing:$missing"; false; }
'

test_expect_success 'ferry.conf(5) documents every key in its own section' '
	documented_keys | sort -u >documented &&
	sort -u keys >code &&
	comm -23 code documented >undocumented &&
	test_cmp /dev/null undocumented
'

test_expect_success 'ferry.conf(5) documents no key the code does not accept' '
	comm -13 code documented >stale &&
	test_cmp /dev/null stale
'

test_expect_success 'ferry.conf(5) names every enum value' '
	plain "$MAN5" >man5 &&
	for w in $(sed -n "s/^static const char \*const [a-z]*_words\[\] = { \(.*\) };$/\1/p" \
	    "$SRC"/state/config*.c | grep -oE "\"[a-z]+\"" | tr -d \"); do
		grep -qw "$w" man5 || { echo "missing value: $w"; return 1; }
	done
'

test_expect_success 'ferry COMMAND --help: usage on stdout, exit 0, for every command' '
	for c in $(commands); do
		"$FERRY" "$c" --help >help.out 2>help.err &&
		grep -q "^usage: ferry \[-c FILE\] \[-v|-q\] $c " help.out &&
		test ! -s help.err || { echo "no help for $c"; return 1; }
	done
'

test_expect_success 'ferry --help lists every command' '
	"$FERRY" --help >help.out &&
	for c in $(commands); do
		grep -qE "^  $c " help.out || { echo "not listed: $c"; return 1; }
	done
'

test_expect_success 'make install puts both pages where man finds them' '
	make -s -C "$PROJECT_DIR" install DESTDIR="$TRASH_DIR/root" PREFIX=/usr >install.out &&
	test -f root/usr/share/man/man1/ferry.1 &&
	test -f root/usr/share/man/man5/ferry.conf.5 &&
	test -x root/usr/bin/ferry
'

test_done
