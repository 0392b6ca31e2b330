#!/bin/bash
# t3001: prep.1, prep.2, prep.6 -- the account and its home arrive on the new
# host: the same passwd line and hash, clashes refused, the home byte for byte
# (dave's: odd names, hard links, symlinks, a sparse file) with the
# DocumentRoot outside it, and the user logs in there.  Starts with a reset.
. "$(dirname "$0")/lib.sh"
require_lab

SSH="ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=5"
RSYNC_DRY="rsync -aHAX --numeric-ids --delete --dry-run --itemize-changes"

# HOST DIR : every entry's name, type, link count, size, target, owner, mode
tree_of() {
	lab "$1" sh -c 'cd "$1" && find . -printf "%P %y %n %s %l %U:%G %m\n" | LC_ALL=C sort' sh "$2"
}

# HOST DIR : sha256 of every regular file
sums_of() {
	lab "$1" sh -c 'cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum' sh "$2"
}

test_expect_success 'a fresh seed world (lab reset)' '
	lab_reset
'

test_expect_success 'prep.1: a uid taken by someone else on the new host fails naming both' '
	lab neko-base useradd -M -N -g users -u 2004 zed &&
	test_expect_code 1 ferry_client run --step prep.1 dave 2>err &&
	test_grep "^ferry: dave: prep.1: .*uid 2004 of dave is taken there by zed" err &&
	test "$(lab neko-base getent passwd 2004 | cut -d: -f1)" = zed &&
	lab neko-base userdel zed
'

test_expect_success 'prep.1: the name taken there with another uid fails naming both uids' '
	lab neko-base useradd -M -N -g users -u 3003 carol &&
	test_expect_code 1 ferry_client run --step prep.1 carol 2>err &&
	test_grep "^ferry: carol: prep.1: .*carol is taken there by uid 3003 (uid 2003 on charon)" err &&
	lab neko-base userdel carol
'

test_expect_success 'prep.1: the primary gid held by another group there fails naming both' '
	lab neko-base groupadd -g 2001 zedgrp &&
	test_expect_code 1 ferry_client run --step prep.1 alice 2>err &&
	test_grep "^ferry: alice: prep.1: .*gid 2001 of alice.s group alice is taken there by group zedgrp" err &&
	! lab neko-base getent passwd alice &&
	lab neko-base groupdel zedgrp
'

test_expect_success 'prep.1: sshd there denying the user fails the verification, naming sshd' '
	lab neko-base sh -c "echo DenyUsers carol >>/etc/ssh/sshd_config.d/lab.conf" &&
	test_expect_code 1 ferry_client run --step prep.1 carol 2>err &&
	test_grep "^ferry: carol: prep.1: neko-base: sshd DenyUsers names carol" err &&
	lab neko-base sed -i "/^DenyUsers carol\$/d" /etc/ssh/sshd_config.d/lab.conf &&
	! lab neko-base grep -q DenyUsers /etc/ssh/sshd_config.d/lab.conf
'

test_expect_success 'prep.1: same getent lines and groups on both hosts, the hash equal' '
	ferry_client -v run --step prep.1 alice dave carol >out 2>&1 &&
	for u in alice dave carol; do
		lab charon getent passwd $u >old &&
		lab neko-base getent passwd $u >new &&
		test_cmp old new &&
		test "$(lab charon id $u)" = "$(lab neko-base id $u)" &&
		lab charon getent shadow $u | cut -d: -f2 | grep -q "^\\$" &&
		lab charon getent shadow $u | cut -d: -f2 |
		lab neko-base sh -c "test \"\$(cat)\" = \"\$(getent shadow $u | cut -d: -f2)\"" || return 1
	done
'

test_expect_success 'prep.1: the hash is in no command line shown by -v and not in the journal' '
	test_grep "^ferry: neko-base: .*chpasswd" out &&
	lab client sh -c "cat /root/lab/ferry.db*" >journal.db &&
	for u in alice dave carol; do
		lab charon sh -c "h=\$(getent shadow $u | cut -d: -f2); ! grep -aqF -- \"\$h\"" <out &&
		lab charon sh -c "h=\$(getent shadow $u | cut -d: -f2); ! grep -aqF -- \"\$h\"" <journal.db ||
		return 1
	done
'

test_expect_success 'prep.2: dave'\''s home arrives identical: names, types, links, sizes, sums' '
	lab charon setfacl -m u:alice:r /home/dave/files/dir01/file0001.dat &&
	lab charon setfattr -n user.ferry -v t3001 -- /home/dave/files/-rf &&
	ferry_client run --step prep.2 alice dave >out 2>err &&
	tree_of charon /home/dave >old.tree && tree_of neko-base /home/dave >new.tree &&
	test_cmp old.tree new.tree &&
	test_grep "^files/-rf f 1 " new.tree &&
	test_grep "^files/hardlink-to-0001 f 3 " new.tree &&
	test_grep "^files/symlink-dangling l 1 [0-9]* does-not-exist " new.tree &&
	test_grep "^files/café ünïcødé ☕.txt f " new.tree &&
	sums_of charon /home/dave >old.sums && sums_of neko-base /home/dave >new.sums &&
	test_cmp old.sums new.sums &&
	test "$(wc -l <new.sums)" -gt 3000
'

test_expect_success 'prep.2: an ACL and an extended attribute arrive too' '
	for h in charon neko-base; do
		lab $h sh -c "cd /home/dave/files && getfacl -p dir01/file0001.dat && getfattr -d -- -rf" \
			>acl.$h || return 1
	done &&
	test_cmp acl.charon acl.neko-base &&
	test_grep "^user:alice:r--" acl.neko-base &&
	test_grep "^user.ferry=\"t3001\"" acl.neko-base
'

test_expect_success 'prep.2: the sparse file stays sparse, hard links share one inode' '
	blocks=$(lab neko-base stat -c %b /home/dave/files/sparse.img) &&
	test "$blocks" -lt 1024 &&
	test "$(lab neko-base stat -c %i /home/dave/files/hardlink-to-0001)" = \
		"$(lab neko-base stat -c %i /home/dave/files/dir02/hardlink-too)"
'

test_expect_success 'prep.2: the DocumentRoot outside the home (/srv/www/dave-static.test) came too' '
	tree_of charon /srv/www/dave-static.test >old.tree &&
	tree_of neko-base /srv/www/dave-static.test >new.tree &&
	test_cmp old.tree new.tree && test -s new.tree &&
	sums_of charon /srv/www/dave-static.test >old.sums &&
	sums_of neko-base /srv/www/dave-static.test >new.sums &&
	test_cmp old.sums new.sums
'

test_expect_success 'prep.2: a second rsync --dry-run from charon lists nothing' '
	for d in /home/dave/ /home/alice/ /srv/www/dave-static.test/; do
		lab charon $RSYNC_DRY -e "$SSH" "$d" "root@192.0.2.20:$d" >dry || return 1
		test_cmp /dev/null dry || return 1
	done
'

test_expect_success 'prep.6 passes; the users log in over ssh from the client' '
	ferry_client run --step prep.6 alice dave >out 2>err &&
	test_grep "alice: prep.6: done: alice logged in by ssh and sftp at 192.0.2.20 port 22 and wrote files" out &&
	test "$(lab client $SSH alice@192.0.2.20 whoami)" = alice &&
	test "$(lab client $SSH dave@192.0.2.20 pwd)" = /home/dave &&
	lab neko-base sh -c "! ls -A /home/alice /home/alice/www | grep -q ferry-access-test"
'

test_expect_success 'status: prep.1, prep.2, prep.6 done for alice and dave' '
	ferry_client status --json alice dave >status.json &&
	python3 - status.json <<-\EOF
	import json, sys
	st = json.load(open(sys.argv[1]))
	for a in st["accounts"]:
	    got = {s["id"]: s["state"] for s in a["steps"]}
	    for step in ("prep.1", "prep.2", "prep.6"):
	        assert got[step] == "done", (a["name"], step, got[step])
	EOF
'

test_done
