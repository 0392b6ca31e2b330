#!/bin/bash
# t6001: prep.7 and prep.8 seen from the game's port: bob's game answers on
# neko-base during the test run and not after, the old game on charon answers
# throughout, a copied pid file naming a stranger's live pid is never
# signalled, and the backup of the save on neko-base is the flatfile taken on
# charon, attribute marker included.  Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_lab

GAME=/home/bob/tinymux/game

# ADDR : one line "up" or "down" every ~0.6 s until /tmp/t6001.stop exists in the client
watch_port() {
	lab client bash -c '
		end=$((SECONDS + 90))
		while [ $SECONDS -lt $end ] && [ ! -e /tmp/t6001.stop ]; do
			if timeout 2 bash -c "exec 3<>/dev/tcp/$1/2860 && timeout 0.5 cat <&3" 2>/dev/null |
				grep -aq "Welcome to TinyMUX"; then echo up; else echo down; fi
			sleep 0.1
		done' watch "$1"
}

test_expect_success 'a fresh seed world (lab reset); bob'\''s account and home on neko-base' '
	lab_reset &&
	ferry_client run --step prep.1 bob >out 2>err &&
	ferry_client run --step prep.2 bob >>out 2>>err &&
	lab neko-base test -x $GAME/Startmux
'

test_expect_success 'a stranger'\''s live pid in the copied netmux.pid on neko-base' '
	pid=$(lab neko-base sh -c "cd $GAME || exit 1; sleep 1000 </dev/null >/dev/null 2>&1 & echo \$!") &&
	lab neko-base sh -c "echo $pid >$GAME/netmux.pid" &&
	test "$(lab neko-base cat /proc/$pid/comm)" = sleep
'

test_expect_success 'prep.7: the game answers on neko-base during the run, not after; charon throughout' '
	lab client rm -f /tmp/t6001.stop &&
	{ watch_port 192.0.2.20 >neko.log 2>/dev/null & } && w1=$! &&
	{ watch_port 192.0.2.10 >charon.log 2>/dev/null & } && w2=$! &&
	sleep 1 &&
	ferry_client run --step prep.7 bob >out 2>err; rc=$?
	sleep 1.5; lab client touch /tmp/t6001.stop; wait $w1 $w2
	test $rc = 0 &&
	test_grep "^bob: prep.7: done: answered after [0-9.]* s" out &&
	test "$(head -n 1 neko.log)" = down && test_grep "^up\$" neko.log &&
	test "$(tail -n 1 neko.log)" = down &&
	test_grep "^up\$" charon.log && ! grep -q "^down" charon.log &&
	! lab client timeout 2 bash -c "exec 3<>/dev/tcp/192.0.2.20/2860" 2>/dev/null
'

test_expect_success 'prep.7: the stranger named by the stale pid file still lives' '
	test_when_finished "lab neko-base kill $pid" &&
	lab neko-base kill -0 $pid &&
	test "$(lab neko-base cat /proc/$pid/comm)" = sleep
'

test_expect_success 'prep.8: a dated backup folder beside mush-save on neko-base' '
	ferry_client run --step prep.8 bob >out 2>err &&
	test_grep "^bob: prep.8: done: backup in $GAME/data.ferry-[0-9]*-[0-9]*; sha256 [0-9a-f]* matches" out &&
	lab neko-base sh -c "ls -d $GAME/data.ferry-*" >backups &&
	test "$(wc -l <backups)" = 1 &&
	backup=$(cat backups) &&
	lab neko-base test -d $GAME/data &&
	test "$(lab neko-base stat -c "%U %a" "$backup")" = "bob 700"
'

test_expect_success 'prep.8: the backup'\''s flatfile is the dump taken on charon, marker and all' '
	lab charon sh -c "find $GAME -name \"*.FLAT\"" >flats &&
	test "$(wc -l <flats)" = 1 &&
	lab charon sh -c "sha256sum <\$1" sh "$(cat flats)" >old.sum &&
	lab neko-base sh -c "sha256sum <\$1/\${2##*/}" sh "$backup" "$(cat flats)" >new.sum &&
	test_cmp old.sum new.sum &&
	lab neko-base grep -aq "bob-labmark-2099123101" "$backup/$(basename "$(cat flats)")"
'

test_expect_success 'the backup survives the next home pass (phase1.presync, rsync --delete)' '
	ferry_client run --yes --step phase1.presync bob >out 2>err &&
	lab neko-base test -s "$backup/$(basename "$(cat flats)")" &&
	ferry_client verify bob >verify.out 2>&1 &&
	test_grep "^bob: prep.8: verified: sha256 [0-9a-f]* matches" verify.out
'

test_expect_success 'prep.8 without mush-admin: a copy of mush-save, with a warning' '
	test_when_finished "lab client rm -f /root/lab/t6001.conf /root/lab/t6001.db" &&
	lab client sh -c "sed -e \"/^mush-admin = bob.connect\\$/d\" \
		-e \"s|^journal = .*|journal = /root/lab/t6001.db|\" /root/lab/ferry.conf >/root/lab/t6001.conf" &&
	! lab client grep -q "^mush-admin = bob" /root/lab/t6001.conf &&
	lab client /ferry/ferry -c /root/lab/t6001.conf run --step prep.8 bob >out 2>err &&
	test_grep "bob: prep.8: no mush-admin: copying data of a running game, which may be inconsistent" err &&
	lab neko-base sh -c "ls -d $GAME/data.ferry-*" >backups &&
	test "$(wc -l <backups)" = 2 &&
	copy=$(grep -vxF "$backup" backups) &&
	lab charon sh -c "cd $GAME/data && sha256sum netmux.db" >old.sum &&
	lab neko-base sh -c "cd $copy && sha256sum netmux.db" >new.sum &&
	test_cmp old.sum new.sum
'

test_expect_success 'status: prep.7 and prep.8 done; the old game still answers on charon' '
	ferry_client status --json bob >status.json &&
	python3 -c "import json,sys; s={x[\"id\"]: x[\"state\"] for x in json.load(open(sys.argv[1]))[\"accounts\"][0][\"steps\"]}; assert s[\"prep.7\"] == s[\"prep.8\"] == \"done\", s" status.json &&
	lab client timeout 2 bash -c "exec 3<>/dev/tcp/192.0.2.10/2860 && timeout 0.5 cat <&3; exit 0" >banner &&
	grep -aq "Welcome to TinyMUX" banner
'

test_done
