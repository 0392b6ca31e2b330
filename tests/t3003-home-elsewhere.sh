#!/bin/bash
# t3003: homes live elsewhere on the new host (home = /srv/homes there):
# check says where carol's home lands, prep.1 writes that path into her
# passwd entry, prep.2 syncs there, and prep.6 measures her login landing
# in it.  Starts and ends with a reset.
. "$(dirname "$0")/lib.sh"
require_lab

CONF=/root/lab/t3003.conf

test_expect_success 'a fresh seed world; neko-base keeps homes in /srv/homes' '
	lab_reset &&
	lab neko-base mkdir -p /srv/homes &&
	lab client sh -c "sed -e \"s|^journal = .*|journal = /root/lab/t3003.db|\" \
		-e \"/^\\[host neko-base\\]\$/,/^\\[/s|^home = .*|home = /srv/homes|\" \
		/root/lab/ferry.conf >$CONF" &&
	lab client sed -n "/^\\[host neko-base\\]/,/^\\[/p" $CONF | grep -qx "home = /srv/homes"
'

test_expect_success 'check: carol'"'"'s home lands in /srv/homes/carol' '
	lab client /ferry/ferry -c $CONF check carol >out 2>err &&
	test_grep "^ok neko-base: carol.s home lands in /srv/homes/carol" out
'

test_expect_success 'prep.1 and prep.2: passwd says /srv/homes/carol, the files are there' '
	lab client /ferry/ferry -c $CONF run --step prep.1 carol >out 2>err &&
	lab client /ferry/ferry -c $CONF run --step prep.2 carol >>out 2>>err &&
	test "$(lab neko-base getent passwd carol | cut -d: -f6)" = /srv/homes/carol &&
	lab charon cat /home/carol/notes.txt >old &&
	lab neko-base cat /srv/homes/carol/notes.txt >new &&
	test_cmp old new &&
	lab neko-base test ! -e /home/carol
'

test_expect_success 'prep.6: carol logs in and lands in /srv/homes/carol' '
	lab client /ferry/ferry -c $CONF run --step prep.6 carol >out 2>err &&
	test_grep "^carol: prep.6: done: carol logged in by ssh and sftp" out &&
	test "$(lab client ssh -o BatchMode=yes carol@192.0.2.20 pwd)" = /srv/homes/carol
'

test_expect_success 'cleanup: the seed world back' '
	lab client rm -f $CONF /root/lab/t3003.db &&
	lab_reset
'

test_done
