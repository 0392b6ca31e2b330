#!/bin/bash
# t4010: phase1.3 sends only what the old host's change watcher saw (started
# by phase1.presync, it outlives ferry between runs): dave's home and his
# DocumentRoot outside it, changed during and after the passes (writes,
# creations, deletions, renames, chmods, a new tree, hostile names, links),
# end up identical on both hosts.  Then the fallbacks: carol's watcher killed,
# alice's queue overflowed (the watcher stopped while 18,000 events pile up),
# a tree not watched, a hard link: a full pass, the same identical trees.  No
# watcher is left afterwards, and a rollback stops one.  Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_lab

# HOST DIR : every entry (the top too) with type, links, size, target, owner,
# mode, mtime (directories' included), and each regular file's sha256
# directories' and symlinks' times to the second: rsync leaves one made in the
# same second as its source's time with the nanoseconds of its making
listing() {
	lab "$1" sh -c 'cd "$1" && { find . -type f -printf "%p|%y|%n|%s|%l|%U:%G|%m|%T@\n" &&
		find . ! -type f -printf "%p|%y|%n|%s|%l|%U:%G|%m|%Ts\n"; } | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum' sh "$2"
}
same_trees() {	# DIR... : identical listings on both hosts, rsync sees nothing to send
	local d
	for d in "$@"; do
		listing charon "$d" >old.list && listing neko-base "$d" >new.list &&
		test_cmp old.list new.list &&
		lab charon rsync -aHAXn --numeric-ids --delete -i -- "$d/" "root@192.0.2.20:$d/" >dry &&
		test_cmp /dev/null dry || return 1
	done
}
watchers() { lab charon sh -c 'pgrep -c -x inotifywait || true'; }
detail() { ferry_client status --json "$1" | grep -o "\"id\": \"$2\"[^}]*\"detail\": \"[^\"]*\""; }

test_expect_success 'a fresh seed world (lab reset); dave, carol, alice: prep.1 and prep.2' '
	lab_reset &&
	for a in dave carol alice; do
		ferry_client -q run --step prep.1 $a && ferry_client -q run --step prep.2 $a || return 1
	done
'

test_expect_success 'presync starts one watcher on charon, 0700 and outside the home' '
	test_expect_code 137 lab client env FERRY_FAULT=phase1.presync:after-apply \
		/ferry/ferry -c /root/lab/ferry.conf -q run --yes --step phase1.presync dave &&
	test "$(watchers)" = 1 &&
	test "$(lab charon stat -c %a:%U /var/lib/ferry/track/dave)" = 700:root
'

test_expect_success 'the run killed after presync resumes: one watcher, a new one, writes meanwhile' '
	old=$(lab charon cat /var/lib/ferry/track/dave/pid) || return 1
	lab charon runuser -u dave -- sh -c "cd /home/dave/files && for i in \$(seq 1 300); do
		echo \$i >during-\$i; done" &
	ferry_client -q run --yes --step phase1.presync dave && wait $! &&
	lab charon test -s /home/dave/files/during-300 &&
	detail dave phase1.presync | grep -q "changes tracked\"$" &&
	test "$(watchers)" = 1 &&
	test "$(lab charon cat /var/lib/ferry/track/dave/pid)" != "$old"
'

test_expect_success 'dave changes everything after the passes; phase1.3 is tracked and the trees are identical' '
	lab charon runuser -u dave -- sh -c "cd /home/dave &&
		echo more >>.profile && rm -f files/during-7 && mv files/during-8 files/renamed &&
		chmod 600 files/during-9 && mkdir -p new/a/b && echo deep >new/a/b/f &&
		printf x >\"new/a/line
break\" && echo q >\"new/it'\''s \\\"q\\\"\" && echo d >./-dash && echo h >\"#hash\" &&
		ln -s ../.profile new/link &&
		mkdir moved && echo m >moved/m && mv moved moved2 && chmod 711 new/a &&
		echo s >/srv/www/dave-static.test/added.html" &&
	lab charon touch -d @1000000000 /srv/www/dave-static.test &&
	ferry_client -q run --yes --step phase1.3 dave &&
	detail dave phase1.3 | grep -q "\"final pass: .* in [0-9.]* s (tracked: [0-9]* paths)\"$" &&
	same_trees /home/dave /srv/www/dave-static.test
'

test_expect_success 'phase1.3 leaves no watcher and no list on charon' '
	test "$(watchers)" = 0 &&
	! lab charon test -e /var/lib/ferry/track/dave
'

test_expect_success 'carol'\''s watcher killed: the full pass, named so, gives identical trees' '
	ferry_client -q run --yes --step phase1.presync carol &&
	lab charon sh -c "kill -9 \$(cat /var/lib/ferry/track/carol/pid)" &&
	lab charon runuser -u carol -- sh -c "cd && echo new >notes.txt && mkdir d && echo f >d/f" &&
	ferry_client -q run --yes --step phase1.3 carol &&
	detail carol phase1.3 | grep -q "(full: the watcher had died)\"$" &&
	same_trees /home/carol
'

test_expect_success 'alice'\''s queue overflowed: the full pass, named so, gives identical trees' '
	ferry_client -q run --yes --step phase1.presync alice &&
	p=$(lab charon cat /var/lib/ferry/track/alice/pid) &&
	lab charon kill -STOP "$p" &&
	lab charon runuser -u alice -- sh -c "cd /home/alice/www && for i in \$(seq 1 9000); do
		: >many-\$i; done" &&
	lab charon kill -CONT "$p" &&
	ferry_client -q run --yes --step phase1.3 alice &&
	detail alice phase1.3 | grep -q "(full: the inotify queue overflowed)\"$" &&
	same_trees /home/alice &&
	test "$(watchers)" = 0
'

test_expect_success 'a rollback of phase 1 stops the watcher presync started' '
	ferry_client -q rollback --to prep carol &&
	ferry_client -q run --yes --step phase1.presync carol &&
	test "$(watchers)" = 1 &&
	ferry_client -q rollback --to prep carol &&
	test "$(watchers)" = 0 &&
	! lab charon test -e /var/lib/ferry/track/carol
'

test_expect_success 'a tree the watcher never watched (a DocumentRoot added since): the full pass' '
	ferry_client -q run --yes --step phase1.presync carol &&
	lab charon sh -c ": >/var/lib/ferry/track/carol/roots" &&
	ferry_client -q run --yes --step phase1.3 carol &&
	detail carol phase1.3 | grep -q "(full: a tree was not watched since presync)\"$" &&
	test "$(watchers)" = 0 &&
	ferry_client -q rollback --to prep carol
'

test_expect_success 'a hard link made after presync: the full pass, named so, keeps the link' '
	ferry_client -q run --yes --step phase1.presync carol &&
	lab charon runuser -u carol -- ln /home/carol/notes.txt /home/carol/notes.link &&
	ferry_client -q run --yes --step phase1.3 carol &&
	detail carol phase1.3 | grep -q "(full: a changed file has hard links)\"$" &&
	same_trees /home/carol &&
	test "$(watchers)" = 0
'

test_expect_success 'track-changes = no: presync starts no watcher, phase1.3 says why it scans' '
	ferry_client -q rollback --to prep carol &&
	lab client sed -i "s/^\\[migration\\]\$/&\\ntrack-changes = no/" /root/lab/ferry.conf &&
	ferry_client -q run --yes --step phase1.presync carol &&
	test "$(watchers)" = 0 &&
	ferry_client -q run --yes --step phase1.3 carol &&
	detail carol phase1.3 | grep -q "(full: track-changes = no)\"$" &&
	lab client sed -i "/^track-changes = no\$/d" /root/lab/ferry.conf
'

test_done
