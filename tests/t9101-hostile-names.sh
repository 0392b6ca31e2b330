#!/bin/bash
# t9101: hostile names (issue 9).  A ferry.conf whose accounts, domains and
# paths hold ; $() backticks quotes blanks and a leading '-' is refused with
# FILE:LINE, exit 2, before any host is contacted; file names like those in
# a home (newlines too), and a GECOS field full of them, are carried over by
# prep.1 and prep.2 byte for byte; no injected command ran: its marker file
# appears on no host.  Starts with a reset (a fresh world).
. "$(dirname "$0")/lib.sh"
require_lab

M=ferry-pwned-9101
CONF=/root/lab/t9101.conf
HOSTS="charon neko-base ns3"

# every "Accepted" ssh login so far, over all three servers
accepted() {
	local h n=0 c
	for h in $HOSTS; do
		c=$(lab "$h" grep -c 'sshd.*Accepted' /var/log/auth.log) || c=0
		n=$((n + c))
	done
	echo "$n"
}

test_expect_success 'reset to the seed world' '
	"$LAB_SH" reset >reset.log 2>&1
'

# KEY-REGEX <TAB> NEW LINE <TAB> message after "FILE:LINE: "; the first line
# matching the regex is replaced
cat >cases <<EOF
^\[account alice\]	[account a;touch_$M]	bad account name 'a;touch_$M' (a login name: [a-z_][a-z0-9_-]{0,31})
^\[account carol\]	[account -rf]	bad account name '-rf' (a login name: [a-z_][a-z0-9_-]{0,31})
^ssh = root@192.0.2.10	ssh = -oProxyCommand=touch_$M	ssh: '-oProxyCommand=touch_$M' starts with '-'
^ssh = root@192.0.2.20	ssh = root@192.0.2.20;touch_$M	ssh: 'root@192.0.2.20;touch_$M' is not an ssh destination ([user@]host or local)
^rsync-to =	rsync-to = -oProxyCommand=touch_$M	rsync-to: '-oProxyCommand=touch_$M' starts with '-'
^home =	home = /home;touch_$M	home: '/home;touch_$M' is not a valid path
^virtusertable =	virtusertable = /usr/local/adm/\$(touch_$M)	virtusertable: '/usr/local/adm/\$(touch_$M)' is not a valid path
^mail-spool =	mail-spool = /var/spool/\`touch_$M\`	mail-spool: '/var/spool/\`touch_$M\`' is not a valid path
^domains = alice.test	domains = alice.test;touch_$M	domains: 'alice.test;touch_$M' is not a valid domain name
^web = alice.test	web = \$(touch_$M).alice.test	web: '\$(touch_$M).alice.test' is not a valid domain name
^test-name = test.alice.test	test-name = "test.alice.test"	test-name: '"test.alice.test"' is not a valid domain name
^owner = alice@	owner = \`touch_$M\`@owners.test	owner: '\`touch_$M\`@owners.test' is not a valid email address
^mush-admin = bob	mush-admin = b'ob.connect	mush-admin: 'b'ob.connect' is not a valid path
^mush-start =	mush-start = ./Startmux;touch_$M	mush-start: './Startmux;touch_$M' is shell syntax; commands run without a shell (name a script instead)
^zone-file =	zone-file = /etc/bind/zones/db.%z;touch_$M	zone-file: '/etc/bind/zones/db.%z;touch_$M' is not a valid path
^admin =	admin = -oQ@x.test	admin: '-oQ@x.test' starts with '-'
^domains = carol.test	domains = -carol.test	domains: '-carol.test' starts with '-'
^mush-dir = tinymux/game	mush-dir = -rf/game	mush-dir: '-rf/game' starts with '-'
^journal =	journal = /root/lab/x y.db	journal: '/root/lab/x y.db' holds a blank (one value expected)
^web = dave.test	web = dave.test www.dave.test\$(touch_$M)	web: 'www.dave.test\$(touch_$M)' is not a valid domain name
EOF

test_expect_success 'hostile config values: exit 2, FILE:LINE and the message, nothing contacted' '
	before=$(accepted) &&
	while IFS="	" read -r re new msg; do
		lab client awk -v re="$re" -v new="$new" \
			"!done && \$0 ~ re { print new; done = 1; next } { print }" \
			/root/lab/ferry.conf >conf &&
		line=$(grep -n -x -F -e "$new" conf | cut -d: -f1) &&
		test -n "$line" &&
		lab client sh -c "cat >$CONF" <conf &&
		rc=0 && { lab client /ferry/ferry -c $CONF check >out 2>err || rc=$?; } &&
		test "$rc" = 2 &&
		grep -v "^+" err | head -n 1 >actual &&
		printf "%s\n" "ferry: $CONF:$line: $msg" >expect &&
		test_cmp expect actual && test ! -s out || return 1
	done <cases &&
	test "$(accepted)" = "$before"
'

test_expect_success 'the auth logs do record logins: a good check adds some' '
	before=$(accepted) &&
	ferry_client check alice >out 2>err &&
	test "$(accepted)" -gt "$before"
'

# hostile names in alice's home on the old host, and in her GECOS field
cat >mkhostile.sh <<EOF
set -e
cd /home/alice
mkdir -p -- 'hostile;dir' '-rf' '\$(touch $M)'
for n in "a;touch $M" "\\\$(touch $M)" "\\\`touch $M\\\`" "it's \\"quoted\\"" "sp ace" "new
line" "-rf" "--delete" "-e touch $M" "back\\\\slash" "tab	x" "*" "?" "trailing " ".."x; do
	printf 'content of %s\n' "\$n" >"hostile;dir/\$n"
done
printf 'x\n' >'./-rf/--files-from=-'
printf 'y\n' >"\\\$(touch $M)/\\\`touch $M\\\`"
chown -R alice:alice /home/alice
usermod -c "Alice;touch /tmp/$M \\\$(touch /tmp/$M) \\\`touch /tmp/$M\\\`" alice
EOF

# name, size, owner and mode of everything in alice's home, and the contents
home_listing() {
	lab "$1" sh -c 'cd /home/alice && find . -print0 | LC_ALL=C sort -z |
		xargs -0 stat -c "%n|%s|%U|%a" && find . -type f -print0 | LC_ALL=C sort -z |
		xargs -0 cat'
}

test_expect_success 'hostile file names and GECOS set up on charon' '
	lab charon bash <mkhostile.sh &&
	lab charon find /home/alice -name "*$M*" >made &&
	test "$(grep -c . made)" -ge 5 &&
	lab charon ls "/home/alice/hostile;dir" >names &&
	test_grep "^new$" names && test_grep "^-rf$" names
'

test_expect_success 'prep.1 and prep.2 carry them byte for byte' '
	ferry_client run --step prep.1 alice >out 2>err &&
	ferry_client run --step prep.2 alice >>out 2>>err &&
	home_listing charon >old &&
	home_listing neko-base >new &&
	test_grep "hostile;dir/new$" old &&
	test_cmp old new
'

test_expect_success 'the GECOS field arrives as it was' '
	lab charon getent passwd alice >old.pw &&
	lab neko-base getent passwd alice >new.pw &&
	test_grep "touch /tmp/$M" new.pw &&
	test_cmp old.pw new.pw
'

# the search also looks for a probe file put on charon, to show it can find one
test_expect_success 'no injected command ran: no marker file on any host' '
	lab charon touch /root/$M.probe &&
	for h in $HOSTS client; do
		lab "$h" find / \( -path /proc -o -path /sys -o -path /dev \) -prune -o \
			\( -name "$M" -o -name "$M.probe" \) -print >"found.$h" 2>/dev/null &
	done &&
	wait &&
	lab charon rm /root/$M.probe &&
	echo /root/$M.probe >expect &&
	cat found.* >found &&
	test_cmp expect found
'

test_done
