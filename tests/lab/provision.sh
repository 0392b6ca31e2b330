# tests/lab/provision.sh -- sourced by lab.sh: what runs inside a host once
# its namespaces exist (daemons, accounts, games, mail), and the settling
# checks that say the world is ready.
# shellcheck shell=bash

# --- provisioning (runs inside a host) --------------------------------------------

plog() { echo "[$(date +%T.%N | cut -c1-12)] $*"; }

# start_daemon CMD... : run with no inherited fds, stdin null, output to the log
start_daemon() {
	( close_fds; exec "$@" </dev/null >>/var/log/lab-daemons.log 2>&1 )
}

wait_tcp() {	# ADDR PORT SECONDS
	local i
	for i in $(seq $(($3 * 10))); do
		if timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	return 1
}

# soa_serial SERVER ZONE : the serial SERVER serves, or nothing
# (dig +short prints its errors on stdout, hence the check for digits)
soa_serial() {
	dig +norec +short +time=1 +tries=1 @"$1" "$2" SOA 2>/dev/null |
		awk '$3 ~ /^[0-9]+$/ { print $3; exit }'
}

wait_soa() {	# SERVER SECONDS : SERVER serves every lab zone with the seed serial
	local i z missing
	for i in $(seq $(($2 * 10))); do
		missing=""
		for z in $ZONES; do
			[ "$(soa_serial "$1" "$z")" = "$SERIAL" ] || missing="$missing $z"
		done
		[ -z "$missing" ] && return 0
		sleep 0.1
	done
	plog "$1 does not serve:$missing"
	return 1
}

# A secondary loads every zone; a failed first transfer would otherwise be
# retried only after a minute or more.
secondary_settle() {
	local i z missing
	for i in $(seq 60); do
		missing=""
		for z in $ZONES; do
			[ "$(soa_serial 127.0.0.1 "$z")" = "$SERIAL" ] || missing="$missing $z"
		done
		[ -z "$missing" ] && return 0
		if [ $((i % 5)) = 0 ]; then
			for z in $missing; do rndc retransfer "$z" >/dev/null 2>&1; done
		fi
		sleep 0.2
	done
	plog "zones not transferred:$missing"
	return 1
}

# mux_session ADDR PORT SECONDS LINE... : talk to a TinyMUX game
mux_session() {
	local a=$1 p=$2 t=$3 l rp
	shift 3
	exec 4<>"/dev/tcp/$a/$p" || return 1
	timeout "$t" cat <&4 &
	rp=$!
	sleep 0.3
	for l in "$@"; do printf '%s\r\n' "$l" >&4; sleep 0.2; done
	wait "$rp"
	exec 4>&-
}

add_user() {	# NAME UID KEYFILE  (home under the world's $W_HOME)
	groupadd -g "$2" "$1"
	mkdir -p "$W_HOME"
	useradd -m -b "$W_HOME" -u "$2" -g "$1" -s /bin/bash -c "$1 (ferry lab)" "$1"
	mkdir -p -m 700 "$W_HOME/$1/.ssh"
	install -m 600 -o "$1" -g "$1" "$3" "$W_HOME/$1/.ssh/authorized_keys"
	chown "$1:$1" "$W_HOME/$1/.ssh"
}

make_game() {	# USER PORT NAME
	local u=$1 port=$2 name=$3 home g
	home=$(getent passwd "$u" | cut -d: -f6) g=$home/tinymux/game
	runuser -u "$u" -- sh -c "cd $home && /usr/games/tinymux-install" >/dev/null 2>&1 || return 1
	sed -i -e "s/^port .*/port $port/" -e "s/^mud_name .*/mud_name $name/" "$g/netmux.conf"
	start_daemon runuser -u "$u" -- sh -c "cd $g && ./Startmux"
	wait_tcp 127.0.0.1 "$port" 15 || return 1
	mux_session 127.0.0.1 "$port" 10 "connect wizard $MUX_PASSWORD" \
		"&LABMARK me=$u-labmark-$SERIAL" "@dump" "QUIT" >"/tmp/lab-mux-$u.log" 2>&1
	grep -q 'Dumping' "/tmp/lab-mux-$u.log"
}

dave_files() {	# a home with thousands of files, odd names, links, a sparse file
	local d=/home/dave/files
	exec >/tmp/lab-dave.log 2>&1
	mkdir -p "$d"
	perl -e '
		my $d = shift; srand(4242);
		open(my $r, "<", "/dev/urandom") or die; read($r, my $blob, 1 << 20); close $r;
		for my $i (1 .. 3000) {
			my $dir = sprintf("%s/dir%02d", $d, $i % 40);
			mkdir $dir unless -d $dir;
			my $x = rand();
			my $size = $x < 0.70 ? int(rand(4096)) : $x < 0.97 ? int(rand(65536)) : int(rand(400000));
			open(my $f, ">", sprintf("%s/file%04d.dat", $dir, $i)) or die;
			print $f substr($blob x (1 + int($size / length $blob)), ($i * 7919) % 65536, $size);
			close $f;
		}
	' "$d"
	head -c 2500000 /dev/urandom >"$d/big-2.5M.bin"
	head -c 4200000 /dev/urandom >"$d/big-4M.bin"
	head -c 1100000 /dev/urandom >"$d/dir07/big-1M.bin"
	truncate -s 64M "$d/sparse.img"
	printf 'middle of a sparse file\n' | dd of="$d/sparse.img" bs=1 seek=33554432 conv=notrunc status=none
	echo 'spaces in the name' >"$d/name with spaces.txt"
	echo 'utf-8 name' >"$d/café ünïcødé ☕.txt"
	echo 'leading dash' >"$d/-rf"
	echo 'leading dash 2' >"$d/--help"
	echo "quote's and \$dollar" >"$d/it's \$HOME & more.txt"
	ln "$d/dir01/file0001.dat" "$d/hardlink-to-0001"
	ln "$d/dir01/file0001.dat" "$d/dir02/hardlink-too"
	ln -s dir03/file0003.dat "$d/symlink-relative"
	ln -s /home/dave/public_html/index.html "$d/symlink-absolute"
	ln -s does-not-exist "$d/symlink-dangling"
	mkdir -p "$d/empty dir"
	chown -R dave:dave /home/dave
}

seed_mail() {	# three real messages for alice, delivered by charon's MTA
	local i n
	for i in 1 2 3; do
		printf '%s\n' "From: Friend $i <friend$i@owners.test>" "To: alice@alice.test" \
			"Subject: lab seed message $i" "Date: $(date -R)" \
			"Message-Id: <seed$i.$SERIAL@owners.test>" "" "Hello Alice, this is seed message $i." |
			sendmail -Am -odi -oi -f "friend$i@owners.test" alice@alice.test || return 1
	done
	# postfix delivers after sendmail(1) returns
	for i in $(seq 100); do
		n=$(grep -c '^From ' /var/mail/alice 2>/dev/null)
		[ "${n:-0}" -ge 3 ] && return 0
		sleep 0.1
	done
	return 1
}

prov_common() {
	local h=$1
	plog "provision $h"
	start_daemon rsyslogd
	[ "$h" = "$W_CLIENT" ] && return 0
	# shellcheck disable=SC2086
	a2enmod -q $W_APACHE_MODS >/dev/null
	make -s -C /etc/mail all >/dev/null 2>&1
	make -s -C /etc/mail all >/dev/null 2>&1
	test -e "$W_VIRTUSERTABLE.db" || { plog "virtusertable.db missing"; return 1; }
	start_daemon /etc/init.d/ssh start
	# cron: accounts' crontabs run on the servers (ferry's prep.cron/phase1.cron move them)
	if [ -x /etc/init.d/cron ]; then start_daemon /etc/init.d/cron start; fi
	plog "common done"
}

# bg NAME CMD... : run CMD in the background; bg_wait reports which failed
bg() {
	local name=$1; shift
	"$@" &
	BG="$BG $name:$!"
}

bg_wait() {
	local j rc=0
	for j in $BG; do
		wait "${j#*:}" || { plog "failed: ${j%%:*}"; rc=1; }
	done
	BG=""
	return $rc
}

prov_charon() {
	local a u uid
	for a in $ACCOUNTS; do
		u=${a%%:*} uid=${a##*:}
		add_user "$u" "$uid" /tmp/lab-seed/tester.pub || return 1
		if [ -d "/tmp/lab-seed/home/$u" ]; then cp -a "/tmp/lab-seed/home/$u/." "/home/$u/"; fi
		chown -R "$u:$u" "/home/$u"
	done
	chmod 711 /home/alice /home/dave
	printf '%s\n' alice:alice-lab-pw bob:bob-lab-pw carol:carol-lab-pw dave:dave-lab-pw | chpasswd
	mkdir -p /srv/www
	cp -a /tmp/lab-seed/srv/www/. /srv/www/
	chown -R dave:dave /srv/www/dave-static.test
	BG=""
	bg dave-files dave_files
	bg named start_daemon /etc/init.d/named start
	bg apache2 start_daemon /etc/init.d/apache2 start
	bg mta start_mta
	bg bob-game make_game bob 2860 BobMUSH
	bg dave-game make_game dave 2861 DaveMUSH
	bg_wait || return 1
	plog "daemons and games up"
	wait_tcp 127.0.0.1 25 10 || { plog "the MTA is not listening"; return 1; }
	seed_mail || { plog "seed mail not delivered"; return 1; }
	rm -rf /tmp/lab-seed
}

prov_neko_base() {
	BG=""
	bg apache2 start_daemon /etc/init.d/apache2 start
	bg mta start_mta
	wait_soa "$W_OLD_ADDR" 20 || { plog "$W_OLD's named not answering"; return 1; }
	start_daemon /etc/init.d/named start
	secondary_settle || return 1
	bg_wait
}

prov_ns3() {
	add_user owners 2100 /tmp/tester.pub || return 1
	rm -f /tmp/tester.pub
	BG=""
	bg sendmail start_daemon /etc/init.d/sendmail start
	wait_soa "$W_OLD_ADDR" 20 || { plog "$W_OLD's named not answering"; return 1; }
	start_daemon /etc/init.d/named start
	secondary_settle || return 1
	bg_wait
}

prov_client() {
	start_daemon /etc/init.d/named start
}

__provision() {
	local h=$1
	close_fds
	exec </dev/null >>/var/log/lab-provision.log 2>&1
	prov_common "$h" || return 1
	# by role: a world names its hosts its own way (world-NAME.env)
	case $h in
	"$W_OLD") prov_charon ;;
	"$W_NEW") prov_neko_base ;;
	"$W_NS3") prov_ns3 ;;
	"$W_CLIENT") prov_client ;;
	esac || return 1
	plog "provision $h done"
}

# Run inside the client once every host is provisioned: DNS agrees everywhere.
__settle() {
	local z s a ok i t0=$SECONDS
	exec 2>>/var/log/lab-provision.log
	for i in $(seq 150); do
		ok=1
		for z in $ZONES; do
			for a in "$W_OLD_ADDR" "$W_NEW_ADDR" "$W_NS3_ADDR"; do
				s=$(soa_serial "$a" "$z")
				[ "$s" = "$SERIAL" ] || { ok=0; break 2; }
			done
		done
		if [ $ok = 1 ]; then
			s=$(dig +short +time=1 +tries=1 @127.0.0.1 www.alice.test A 2>&1)
			if [ "$s" = "$W_OLD_ADDR" ]; then
				plog "DNS settled after $i rounds, $((SECONDS - t0)) s" >&2
				return 0
			fi
			z=www.alice.test a=resolver
		fi
		[ $((i % 10)) = 1 ] && plog "settle round $i ($((SECONDS - t0)) s): $z at $a says '$s'" >&2
		sleep 0.1
	done
	plog "DNS did not settle: $z at $a says '$s'" >&2
	return 1
}
