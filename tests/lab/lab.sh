#!/bin/bash
# tests/lab/lab.sh -- ferry's lab: four real hosts made of Linux namespaces
# on this one machine (see shared LAB.md for the measured recipe).
#
#   lab.sh install            apt-get the packages the lab needs (only missing ones)
#   lab.sh up                 build the hosts and the seed world (no-op when up)
#   lab.sh down               stop everything, leave nothing behind (no-op when down)
#   lab.sh reset              back to the seed world (down + up)
#   lab.sh status             per host: up/down and its daemons; exit 0 only when up
#   lab.sh exec HOST CMD...   run CMD inside HOST (stdin passed, exit status returned)
#
# LAB_ID (default empty) keeps parallel labs apart: netns lab$LAB_ID-HOST,
# state under /tmp/lab$LAB_ID.  Hosts: charon (old), neko-base (new), ns3, client.
set -u

LAB_ID=${LAB_ID:-}
case $LAB_ID in *[!A-Za-z0-9]*) echo "lab.sh: LAB_ID must be alphanumeric" >&2; exit 2 ;; esac
LAB=lab$LAB_ID
ROOT=/tmp/lab$LAB_ID
LABDIR=$(cd "$(dirname "$0")" && pwd)
SELF=$LABDIR/$(basename "$0")
PROJECT=$(cd "$LABDIR/../.." && pwd)
HOSTS="charon neko-base ns3 client"
SERVERS="charon neko-base ns3"
DOMAIN=nekodojo.test
ZONES="nekodojo.test alice.test bob.test carol.test dave.test owners.test"
SERIAL=2026112501
SHARED_DIRS="/usr/local/adm /ferry"
MARK=.lab-mountpoint
PATHV=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PACKAGES="openssh-server openssh-client rsync apache2 sendmail sendmail-base sendmail-bin
 sendmail-cf sensible-mda procmail m4 make swaks bind9 bind9-utils bind9-dnsutils tinymux
 netcat-openbsd rsyslog curl procps iproute2 perl libcurl4-openssl-dev libldns-dev ldnsutils
 acl attr util-linux passwd inotify-tools"
# seed accounts on charon: name uid
ACCOUNTS="alice:2001 bob:2002 carol:2003 dave:2004"
MUX_PASSWORD=potrzebie

say() { echo "$LAB: $*"; }
die() { echo "$LAB: error: $*" >&2; exit 1; }

addr_of() {
	case $1 in
	charon) echo 192.0.2.10 ;;
	neko-base) echo 192.0.2.20 ;;
	ns3) echo 192.0.2.30 ;;
	client) echo 192.0.2.100 ;;
	*) return 1 ;;
	esac
}

# Close every inherited fd above 2 (LAB.md pitfall 9); bash keeps 255 for itself.
close_fds() {
	local fd n
	for fd in /proc/$BASHPID/fd/*; do
		n=${fd##*/}
		case $n in 0|1|2|255) continue ;; esac
		eval "exec $n>&-" 2>/dev/null
	done
	return 0
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- entering hosts -----------------------------------------------------------

host_ok() { [ -e "$ROOT/ns/$1.pid" ] && [ -e "/run/netns/$LAB-$1" ]; }

# hostenter HOST CMD... : run CMD in all namespaces of HOST, clean environment.
hostenter() {
	local h=$1; shift
	nsenter --net="/run/netns/$LAB-$h" --mount="$ROOT/ns/$h.mnt" --uts="$ROOT/ns/$h.uts" \
		--ipc="$ROOT/ns/$h.ipc" --pid="$ROOT/ns/$h.pid" --wd=/ -- \
		env -i PATH=$PATHV HOME=/root LANG=C.UTF-8 "$@"
}

# host_script HOST VERB ARGS... : run this script's internal VERB inside HOST.
host_script() {
	local h=$1; shift
	hostenter "$h" LAB_ID="$LAB_ID" /bin/bash /dev/fd/3 "$@" 3<"$SELF"
}

cmd_exec() {
	[ $# -ge 2 ] || die "usage: lab.sh exec HOST CMD..."
	local h=$1; shift
	addr_of "$h" >/dev/null || die "no host '$h' (hosts: $HOSTS)"
	host_ok "$h" || die "$h is not up"
	close_fds
	hostenter "$h" "$@"
}

# --- install ------------------------------------------------------------------

cmd_install() {
	local p missing=""
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		say "install: all packages present"
		return 0
	fi
	# Daemons must not start in the root namespace during postinst; lab hosts
	# (marked by /etc/lab-host) may use invoke-rc.d.  Keep an existing policy.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\n# written by ferry tests/lab/lab.sh\n[ -e /etc/lab-host ] && exit 0\nexit 101\n' \
			>/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
	fi
	say "install:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q || die "apt-get update failed"
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing || die "apt-get install failed"
}

# --- shared mountpoints on the real file system --------------------------------

global_lock() { exec 8</usr/local; flock 8; }
global_unlock() { exec 8>&-; }

shared_dirs_create() {
	local d
	global_lock
	for d in $SHARED_DIRS; do
		if [ ! -d "$d" ]; then
			mkdir -p "$d" && : >"$d/$MARK"
		fi
	done
	: >"$ROOT/.lab-root"
	global_unlock
}

shared_dirs_remove() {
	local d other
	global_lock
	for other in /tmp/lab*/.lab-root; do
		[ -e "$other" ] && [ "$other" != "$ROOT/.lab-root" ] && { global_unlock; return 0; }
	done
	for d in $SHARED_DIRS; do
		if [ -e "$d/$MARK" ] && ! mountpoint -q "$d"; then
			rm -f "$d/$MARK" && rmdir "$d" 2>/dev/null
		fi
	done
	# `ip netns add` bind-mounts /run/netns on itself and never undoes it
	if mountpoint -q /run/netns && [ -z "$(ls -A /run/netns)" ]; then
		umount /run/netns 2>/dev/null && rmdir /run/netns 2>/dev/null
	fi
	global_unlock
	return 0
}

# --- seeding the host trees (root namespace) -----------------------------------

seed_tree() {
	local h=$1 L=$ROOT/$1
	mkdir -p "$L"/{etc,var,home,root,srv,tmp,adm}
	chmod 1777 "$L/tmp"
	rsync -a --exclude='/ssh/ssh_host_*' /etc/ "$L/etc/"
	rsync -a --exclude=/cache/apt/ --exclude=/cache/man/ --exclude=/lib/apt/lists/ \
		--exclude=/lib/postgresql/ --exclude=/lib/dpkg/ --exclude=/tmp/ \
		--exclude='/mail/*' --exclude='/spool/mqueue/*' --exclude='/spool/mqueue-client/*' \
		--exclude='/cache/bind/*' --exclude='/lib/sendmail/*' \
		--include='/log/**/' --exclude='/log/**' /var/ "$L/var/"
	mkdir -p "$L/var/lib/dpkg" "$L/var/cache/apt" "$L/var/cache/man"
	mkdir -m 1777 -p "$L/var/tmp"
	install -m 664 -g utmp /dev/null "$L/var/log/wtmp"
	install -m 660 -g utmp /dev/null "$L/var/log/btmp"
	install -m 664 -g utmp /dev/null "$L/var/log/lastlog"
	cp -a /etc/skel/. "$L/root/"
	chmod 700 "$L/root"
}

write_hosts_files() {
	local h=$1 L=$ROOT/$1 x
	echo "$h" >"$L/etc/hostname"
	{
		echo "127.0.0.1	localhost"
		for x in $HOSTS; do echo "$(addr_of "$x")	$x.$DOMAIN $x"; done
	} >"$L/etc/hosts"
	printf 'search %s\nnameserver 127.0.0.1\noptions timeout:1 attempts:2\n' "$DOMAIN" \
		>"$L/etc/resolv.conf"
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$L/etc/machine-id"
	echo >>"$L/etc/machine-id"
	echo "$h $LAB" >"$L/etc/lab-host"
	sed -i 's/^module(load="imklog")/#&/' "$L/etc/rsyslog.conf"
	echo 'OPTIONS="-u bind -4"' >>"$L/etc/default/named"
}

write_ssh() {
	local h=$1 L=$ROOT/$1 K=$ROOT/keys x
	cat >"$L/etc/ssh/sshd_config.d/lab.conf" <<-EOF
	# ferry lab
	HostKey /etc/ssh/ssh_host_ed25519_key
	PermitRootLogin prohibit-password
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	UseDNS no
	EOF
	ssh-keygen -q -t ed25519 -N '' -C "root@$h" -f "$L/etc/ssh/ssh_host_ed25519_key" </dev/null
	mkdir -p -m 700 "$L/root/.ssh"
	if [ "$h" = client ]; then
		cp "$K/lab_ed25519" "$L/root/.ssh/id_ed25519"
		cp "$K/lab_ed25519.pub" "$L/root/.ssh/id_ed25519.pub"
	else
		ssh-keygen -q -t ed25519 -N '' -C "root@$h" -f "$L/root/.ssh/id_ed25519" </dev/null
	fi
}

write_ssh_trust() {
	local L x
	: >"$ROOT/keys/known_hosts"
	for x in $SERVERS; do
		local names="$x,$x.$DOMAIN,$(addr_of "$x")"
		case $x in charon) names="$names,ns1.$DOMAIN" ;; neko-base) names="$names,ns2.$DOMAIN" ;; esac
		echo "$names $(cut -d' ' -f1,2 "$ROOT/$x/etc/ssh/ssh_host_ed25519_key.pub")" >>"$ROOT/keys/known_hosts"
	done
	cat "$ROOT/keys/lab_ed25519.pub" >"$ROOT/keys/authorized_keys"
	for x in $SERVERS; do cat "$ROOT/$x/root/.ssh/id_ed25519.pub" >>"$ROOT/keys/authorized_keys"; done
	for x in $HOSTS; do
		L=$ROOT/$x
		cp "$ROOT/keys/known_hosts" "$L/etc/ssh/ssh_known_hosts"
		chmod 644 "$L/etc/ssh/ssh_known_hosts"
		[ "$x" = client ] || install -m 600 "$ROOT/keys/authorized_keys" "$L/root/.ssh/authorized_keys"
	done
}

write_apache() {
	local h=$1 L=$ROOT/$1
	cat >>"$L/etc/apache2/apache2.conf" <<-EOF

	# ferry lab
	ServerName $h.$DOMAIN
	Include /usr/local/adm/apache/virtual.conf
	EOF
	cat >"$L/etc/apache2/mods-available/userdir.conf" <<-'EOF'
	<IfModule mod_userdir.c>
		UserDir www
		UserDir disabled root
		<Directory /home/*/www>
			AllowOverride FileInfo AuthConfig Limit Indexes
			Options MultiViews Indexes SymLinksIfOwnerMatch IncludesNoExec
			Require method GET POST OPTIONS
		</Directory>
	</IfModule>
	EOF
	# The default site must not claim HOST.nekodojo.test (the global ServerName),
	# or it would shadow the VirtualHost that names it (charon's nekodojo.test).
	sed -i 's/^\(\s*\)#\?ServerName .*/\1ServerName localhost/' "$L/etc/apache2/sites-available/000-default.conf"
	echo "<html><body><h1>$h.$DOMAIN</h1><p>default page served by $h</p></body></html>" \
		>"$L/var/www/html/index.html"
	mkdir -p "$L/adm/apache"
	cat >"$L/adm/apache/virtual.conf" <<-'EOF'
	# /usr/local/adm/apache/virtual.conf -- the VirtualHosts of this machine

	<Directory /srv/www>
	    Options FollowSymLinks
	    AllowOverride None
	    Require all granted
	</Directory>

	<Directory /home/*/public_html>
	    Options FollowSymLinks
	    AllowOverride FileInfo AuthConfig Limit Indexes
	    Require all granted
	</Directory>
	EOF
	[ "$h" = charon ] || return 0
	cat >>"$L/adm/apache/virtual.conf" <<-'EOF'

	# the admin's own domain (userdir: http://charon.nekodojo.test/~user/)
	<VirtualHost *:80>
	    ServerName www.nekodojo.test
	    ServerAlias nekodojo.test charon.nekodojo.test
	    DocumentRoot /srv/www/www.nekodojo.test
	    CustomLog ${APACHE_LOG_DIR}/access.log vhost_combined
	</VirtualHost>

	# alice
	<VirtualHost *:80>
	    ServerName alice.test
	    ServerAlias www.alice.test
	    DocumentRoot /home/alice/public_html
	    ScriptAlias /cgi-bin/ /home/alice/public_html/cgi-bin/
	    CustomLog ${APACHE_LOG_DIR}/access.log vhost_combined
	</VirtualHost>

	# dave
	<VirtualHost *:80>
	    ServerName dave.test
	    ServerAlias www.dave.test
	    DocumentRoot /home/dave/public_html
	    CustomLog ${APACHE_LOG_DIR}/access.log vhost_combined
	</VirtualHost>

	<VirtualHost *:80>
	    ServerName static.dave.test
	    DocumentRoot /srv/www/dave-static.test
	    CustomLog ${APACHE_LOG_DIR}/access.log vhost_combined
	</VirtualHost>
	EOF
}

write_sendmail() {
	local h=$1 L=$ROOT/$1
	sed -i -e '/Name=MTA-v4/s/, *Addr=127\.0\.0\.1//' \
		-e "/^MAILER_DEFINITIONS/i FEATURE(\`virtusertable', \`hash -o /usr/local/adm/mail/virtusertable')dnl" \
		"$L/etc/mail/sendmail.mc"
	sed -i -e '/^Connect:192\.0\.2[[:space:]]/d' "$L/etc/mail/access"
	printf '%s\n' "Connect:192.0.2			RELAY" "GreetPause:192.0.2		0" \
		"ClientRate:192.0.2		0" "ClientConn:192.0.2		0" >>"$L/etc/mail/access"
	{
		echo localhost
		echo "$h"
		echo "$h.$DOMAIN"
		case $h in
		charon) printf '%s\n' "$DOMAIN" alice.test carol.test dave.test ;;
		ns3) echo owners.test ;;
		esac
	} >"$L/etc/mail/local-host-names"
	printf '%s\n' "# /etc/aliases (ferry lab)" "mailer-daemon: postmaster" "postmaster: root" \
		"hostmaster: root" "webmaster: root" "abuse: root" "nobody: root" >"$L/etc/aliases"
	# procmail waits 8 s between tries of a held spool lock; under the load tests'
	# message every 0.2 s that stretches deliveries to minutes on 2 cores
	echo "SLEEPTIME=1" >"$L/etc/procmailrc"
	mkdir -p "$L/adm/mail"
	{
		echo "# /usr/local/adm/mail/virtusertable -- address<TAB>delivery"
		case $h in
		charon) printf '%s\t%s\n' \
			postmaster@$DOMAIN root admin@$DOMAIN root alice@$DOMAIN alice \
			@alice.test alice @carol.test carol@owners.test @dave.test dave ;;
		ns3) printf '%s\t%s\n' @owners.test owners ;;
		esac
	} >"$L/adm/mail/virtusertable"
}

write_bind() {
	local h=$1 L=$ROOT/$1 z
	if [ "$h" = client ]; then
		cat >"$L/etc/bind/named.conf.options" <<-'EOF'
		// ferry lab: the client's caching resolver
		options {
			directory "/var/cache/bind";
			listen-on { 127.0.0.1; 192.0.2.100; };
			listen-on-v6 { none; };
			recursion yes;
			allow-recursion { 127.0.0.1; 192.0.2.0/24; };
			allow-query { any; };
			dnssec-validation no;
		};
		EOF
		: >"$L/etc/bind/named.conf.local"
		for z in $ZONES; do
			echo "zone \"$z\" { type static-stub; server-addresses { 192.0.2.10; 192.0.2.20; 192.0.2.30; }; };"
		done >"$L/etc/bind/named.conf.local"
		return 0
	fi
	cat >"$L/etc/bind/named.conf.options" <<-'EOF'
	// ferry lab: authoritative only
	options {
		directory "/var/cache/bind";
		listen-on { any; };
		listen-on-v6 { none; };
		recursion no;
		allow-query { any; };
		dnssec-validation no;
		masterfile-format text;
	};
	EOF
	if [ "$h" = charon ]; then
		install -d -m 2775 -g bind "$L/etc/bind/zones"
		for z in $ZONES; do
			install -m 644 "$LABDIR/zones/db.$z" "$L/etc/bind/zones/db.$z"
			cat <<-EOF
			zone "$z" {
				type primary;
				file "/etc/bind/zones/db.$z";
				allow-transfer { 192.0.2.20; 192.0.2.30; 127.0.0.1; };
				notify explicit;
				also-notify { 192.0.2.20; 192.0.2.30; };
			};
			EOF
		done >"$L/etc/bind/named.conf.local"
	else
		for z in $ZONES; do
			cat <<-EOF
			zone "$z" {
				type secondary;
				primaries { 192.0.2.10; };
				file "/var/cache/bind/db.$z";
				allow-notify { 192.0.2.10; };
				notify no;
			};
			EOF
		done >"$L/etc/bind/named.conf.local"
	fi
}

stage_seed() {
	local L=$ROOT/charon
	mkdir -p "$L/tmp/lab-seed"
	cp -a "$LABDIR/seed/." "$L/tmp/lab-seed/"
	install -m 644 "$ROOT/keys/lab_ed25519.pub" "$L/tmp/lab-seed/tester.pub"
	install -m 644 "$ROOT/keys/lab_ed25519.pub" "$ROOT/ns3/tmp/tester.pub"
}

write_client_files() {
	local D=$ROOT/client/root/lab g
	mkdir -p -m 700 "$D"
	install -m 644 "$LABDIR/ferry.conf" "$D/ferry.conf"
	for g in bob dave; do
		printf 'connect wizard %s\n' "$MUX_PASSWORD" >"$D/$g.connect"
		chmod 600 "$D/$g.connect"
	done
}

# --- network and namespaces -----------------------------------------------------

net_up() {
	local h
	ip netns add "$LAB-sw"
	nsenter --net="/run/netns/$LAB-sw" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$LAB-sw" link set lo up
	ip -n "$LAB-sw" link add br0 type bridge
	ip -n "$LAB-sw" link set br0 up
	for h in $HOSTS; do
		ip netns add "$LAB-$h"
		nsenter --net="/run/netns/$LAB-$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ip -n "$LAB-sw" link add "v-$h" type veth peer name eth0 netns "$LAB-$h"
		ip -n "$LAB-sw" link set "v-$h" master br0 up
		ip -n "$LAB-$h" addr add "$(addr_of "$h")/24" dev eth0
		ip -n "$LAB-$h" link set eth0 up
		ip -n "$LAB-$h" link set lo up
	done
}

host_start() {
	local h=$1 f
	for f in mnt uts ipc pid; do : >"$ROOT/ns/$h.$f"; done
	(
		close_fds
		exec setsid nsenter --net="/run/netns/$LAB-$h" \
			unshare --mount="$ROOT/ns/$h.mnt" --uts="$ROOT/ns/$h.uts" --ipc="$ROOT/ns/$h.ipc" \
			--pid="$ROOT/ns/$h.pid" --fork --propagation private \
			/bin/bash "$SELF" __hostinit "$h" "$PROJECT" </dev/null >>"$ROOT/log/$h.log" 2>&1
	) &
}

host_wait() {
	local h=$1 i
	for i in $(seq 400); do
		if [ -e "$ROOT/$h/tmp/.lab-ready" ] && hostenter "$h" test -e /etc/lab-host 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# Runs as pid 1 of a new pid namespace, in new mount/uts/ipc namespaces.
__hostinit() {
	local h=$1 project=$2 L=$ROOT/$1 m
	if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]; then
		echo "__hostinit: refusing to run in the root mount namespace" >&2
		exit 1
	fi
	set -e
	hostname "$h"
	# Copies of nsfs mounts (ours and other labs') would pin those namespaces.
	for m in $(awk '{ for (i = 7; $i != "-"; i++); if ($(i+1) == "nsfs") print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	# Other labs' state (and /run/netns): not ours to pin.
	for m in $(awk -v r="$ROOT" '($5 ~ "^/tmp/lab[A-Za-z0-9]*(/|$)" && $5 != r && index($5, r "/") != 1) ||
			$5 == r "/ns" || $5 == "/run/netns" { print $5 }' /proc/self/mountinfo | sort -ru); do
		umount -l "$m" 2>/dev/null || true
	done
	mount --bind -o ro /var/lib/dpkg "$L/var/lib/dpkg"
	if [ "$h" = client ]; then
		mount --bind "$project" /ferry
	fi
	mount --bind "$L/etc" /etc
	mount --rbind "$L/var" /var
	mount --bind "$L/home" /home
	mount --bind "$L/root" /root
	mount --bind "$L/srv" /srv
	mount --bind "$L/adm" /usr/local/adm
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t tmpfs -o mode=755,size=16m labdev /dev
	mknod -m 666 /dev/null c 1 3
	mknod -m 666 /dev/zero c 1 5
	mknod -m 666 /dev/full c 1 7
	mknod -m 666 /dev/random c 1 8
	mknod -m 666 /dev/urandom c 1 9
	mknod -m 666 /dev/tty c 5 0
	ln -s /proc/self/fd /dev/fd
	ln -s /proc/self/fd/0 /dev/stdin
	ln -s /proc/self/fd/1 /dev/stdout
	ln -s /proc/self/fd/2 /dev/stderr
	mkdir /dev/pts /dev/shm
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts
	ln -s pts/ptmx /dev/ptmx
	mount -t tmpfs -o mode=1777 shm /dev/shm
	mount -t tmpfs -o mode=755,size=64m labrun /run
	mkdir -m 1777 /run/lock
	install -m 664 -g utmp /dev/null /run/utmp
	# /tmp last; our own state tmpfs is detached once everything is bound.
	mkdir /run/.labtmp
	mount --bind "$L/tmp" /run/.labtmp
	umount -l "$ROOT"
	mount --move /run/.labtmp /tmp
	rmdir /run/.labtmp
	: >/tmp/.lab-ready
	set +e
	exec perl -MPOSIX=:sys_wait_h -e '
		$0 = "lab-init $ARGV[0]";
		$SIG{TERM} = sub {
			kill "TERM", -1;
			for (1 .. 20) {
				1 while waitpid(-1, WNOHANG) > 0;
				exit 0 if waitpid(-1, WNOHANG) < 0;
				select(undef, undef, undef, 0.05);
			}
			exit 0;
		};
		while (1) { sleep 1 if waitpid(-1, 0) < 0 }
	' "$h"
}

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

add_user() {	# NAME UID
	groupadd -g "$2" "$1"
	useradd -m -u "$2" -g "$1" -s /bin/bash -c "$1 (ferry lab)" "$1"
	mkdir -p -m 700 "/home/$1/.ssh"
	install -m 600 -o "$1" -g "$1" "$3" "/home/$1/.ssh/authorized_keys"
	chown "$1:$1" "/home/$1/.ssh"
}

make_game() {	# USER PORT NAME
	local u=$1 port=$2 name=$3 g=/home/$1/tinymux/game
	runuser -u "$u" -- sh -c "cd /home/$u && /usr/games/tinymux-install" >/dev/null 2>&1 || return 1
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

seed_mail() {	# three real messages for alice, delivered by charon's sendmail (MTA config)
	local i
	for i in 1 2 3; do
		printf '%s\n' "From: Friend $i <friend$i@owners.test>" "To: alice@alice.test" \
			"Subject: lab seed message $i" "Date: $(date -R)" \
			"Message-Id: <seed$i.$SERIAL@owners.test>" "" "Hello Alice, this is seed message $i." |
			sendmail -Am -odi -oi -f "friend$i@owners.test" alice@alice.test || return 1
	done
	[ "$(grep -c '^From ' /var/mail/alice 2>/dev/null)" -ge 3 ]
}

prov_common() {
	local h=$1
	plog "provision $h"
	start_daemon rsyslogd
	[ "$h" = client ] && return 0
	a2enmod -q userdir cgid proxy proxy_http >/dev/null
	make -s -C /etc/mail all >/dev/null 2>&1
	make -s -C /etc/mail all >/dev/null 2>&1
	test -e /usr/local/adm/mail/virtusertable.db || { plog "virtusertable.db missing"; return 1; }
	start_daemon /etc/init.d/ssh start
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
	bg sendmail start_daemon /etc/init.d/sendmail start
	bg bob-game make_game bob 2860 BobMUSH
	bg dave-game make_game dave 2861 DaveMUSH
	bg_wait || return 1
	plog "daemons and games up"
	wait_tcp 127.0.0.1 25 10 || { plog "sendmail not listening"; return 1; }
	seed_mail || { plog "seed mail not delivered"; return 1; }
	rm -rf /tmp/lab-seed
}

prov_neko_base() {
	BG=""
	bg apache2 start_daemon /etc/init.d/apache2 start
	bg sendmail start_daemon /etc/init.d/sendmail start
	wait_soa 192.0.2.10 20 || { plog "charon's named not answering"; return 1; }
	start_daemon /etc/init.d/named start
	secondary_settle || return 1
	bg_wait
}

prov_ns3() {
	add_user owners 2100 /tmp/tester.pub || return 1
	rm -f /tmp/tester.pub
	BG=""
	bg sendmail start_daemon /etc/init.d/sendmail start
	wait_soa 192.0.2.10 20 || { plog "charon's named not answering"; return 1; }
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
	case $h in
	charon) prov_charon ;;
	neko-base) prov_neko_base ;;
	ns3) prov_ns3 ;;
	client) prov_client ;;
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
			for a in 192.0.2.10 192.0.2.20 192.0.2.30; do
				s=$(soa_serial "$a" "$z")
				[ "$s" = "$SERIAL" ] || { ok=0; break 2; }
			done
		done
		if [ $ok = 1 ]; then
			s=$(dig +short +time=1 +tries=1 @127.0.0.1 www.alice.test A 2>&1)
			if [ "$s" = 192.0.2.10 ]; then
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

# --- verbs ------------------------------------------------------------------------

lab_is_up() {
	local h
	[ -e "$ROOT/.up" ] || return 1
	for h in $HOSTS; do
		host_ok "$h" && hostenter "$h" true 2>/dev/null || return 1
	done
}

LOCK=/tmp/$LAB.lock
lock_lab() {
	exec 9>>"$LOCK"
	flock 9
}

cmd_up() {
	local t0 h pids="" rc=0 fail=""
	lock_lab
	if lab_is_up; then
		say "already up"
		return 0
	fi
	if [ -e "$ROOT/.lab-root" ] || [ -e "/run/netns/$LAB-sw" ]; then
		say "cleaning up a half-built lab first"
		teardown
		lock_lab
	fi
	t0=$(now)
	mkdir -p "$ROOT"
	mountpoint -q "$ROOT" || mount -t tmpfs -o mode=755,size=4g "$LAB-state" "$ROOT" ||
		die "cannot mount a tmpfs on $ROOT"
	mkdir -p "$ROOT/ns" "$ROOT/keys" "$ROOT/log"
	shared_dirs_create
	mount --bind "$ROOT/ns" "$ROOT/ns" && mount --make-private "$ROOT/ns" || die "cannot make $ROOT/ns private"
	ssh-keygen -q -t ed25519 -N '' -C "tester@client.$DOMAIN" -f "$ROOT/keys/lab_ed25519" </dev/null
	for h in $HOSTS; do
		( seed_tree "$h" && write_hosts_files "$h" && write_ssh "$h" && write_bind "$h" &&
		  if [ "$h" != client ]; then write_apache "$h" && write_sendmail "$h"; fi ) &
		pids="$pids $!"
	done
	for h in $pids; do wait "$h" || rc=1; done
	[ $rc = 0 ] || { up_failed "seeding the host trees"; return 1; }
	write_ssh_trust && stage_seed && write_client_files || { up_failed "writing keys"; return 1; }
	say "trees ready ($(elapsed "$t0") s)"
	net_up || { up_failed "network"; return 1; }
	for h in $HOSTS; do host_start "$h"; done
	for h in $HOSTS; do host_wait "$h" || { up_failed "host $h did not start"; return 1; }; done
	say "hosts started ($(elapsed "$t0") s)"
	pids=""
	for h in $HOSTS; do
		host_script "$h" __provision "$h" &
		pids="$pids $h:$!"
	done
	for h in $pids; do wait "${h#*:}" || fail="$fail ${h%%:*}"; done
	[ -z "$fail" ] || { up_failed "provisioning failed on:$fail"; return 1; }
	say "daemons started ($(elapsed "$t0") s)"
	host_script client __settle || { up_failed "DNS did not settle"; return 1; }
	: >"$ROOT/.up"
	say "up in $(elapsed "$t0") s"
}

up_failed() {
	local h
	echo "$LAB: up failed: $1" >&2
	for h in $HOSTS; do
		[ -s "$ROOT/$h/var/log/lab-provision.log" ] || continue
		echo "--- $h: /var/log/lab-provision.log" >&2
		tail -n 15 "$ROOT/$h/var/log/lab-provision.log" >&2
	done
	[ -s "$ROOT/log/charon.log" ] && { echo "--- hostinit log" >&2; tail -n 5 "$ROOT"/log/*.log >&2; }
	if [ "${LAB_KEEP_FAILED:-}" = 1 ]; then
		echo "$LAB: LAB_KEEP_FAILED=1: leaving the lab as it is" >&2
	else
		teardown
	fi
	exit 1
}

host_down() {
	local h=$1 i pids
	if host_ok "$h"; then
		( close_fds; hostenter "$h" kill -TERM 1 ) >/dev/null 2>&1
	fi
	if [ -e "/run/netns/$LAB-$h" ]; then
		for i in $(seq 60); do
			pids=$(ip netns pids "$LAB-$h" 2>/dev/null)
			[ -z "$pids" ] && break
			[ "$i" -ge 40 ] && kill -KILL $pids 2>/dev/null
			sleep 0.05
		done
	fi
	for i in mnt uts ipc pid; do
		umount "$ROOT/ns/$h.$i" 2>/dev/null
	done
	ip netns del "$LAB-$h" 2>/dev/null
	return 0
}

teardown() {
	local h m
	for h in $HOSTS; do host_down "$h" & done
	wait
	ip netns del "$LAB-sw" 2>/dev/null
	# whatever is still mounted below the state root (deepest first)
	for m in $(awk -v r="$ROOT/" 'index($5, r) == 1 || $5 == r "ns" { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	mountpoint -q "$ROOT/ns" && umount -l "$ROOT/ns"
	rm -f "$ROOT/.up" "$ROOT/.lab-root"
	shared_dirs_remove
	mountpoint -q "$ROOT" && umount -l "$ROOT"
	rm -rf --one-file-system "$ROOT"
	rm -f "$LOCK"
	exec 9>&-
	return 0
}

cmd_down() {
	local t0
	t0=$(now)
	if [ ! -e "$ROOT" ] && [ ! -e "/run/netns/$LAB-sw" ]; then
		local h found=0
		for h in $HOSTS; do [ -e "/run/netns/$LAB-$h" ] && found=1; done
		if [ $found = 0 ]; then
			shared_dirs_remove
			say "already down"
			return 0
		fi
	fi
	lock_lab
	teardown
	say "down in $(elapsed "$t0") s"
}

cmd_status() {
	local h up=0 down=0 line
	for h in $HOSTS; do
		if host_ok "$h" && hostenter "$h" true 2>/dev/null; then
			line=$(hostenter "$h" sh -c 'for d in rsyslogd sshd named apache2 sendmail-mta netmux; do
				n=$(pgrep -c -x "$d" 2>/dev/null); [ "${n:-0}" -gt 0 ] && printf " %s" "$d"; done' 2>/dev/null)
			echo "$h	up	$(addr_of "$h")	$line"
			up=$((up + 1))
		else
			echo "$h	down"
			down=$((down + 1))
		fi
	done
	if [ $down = 0 ] && [ -e "$ROOT/.up" ]; then
		say "up"
		return 0
	elif [ $up = 0 ]; then
		say "down"
		return 1
	fi
	say "broken (run lab.sh down)"
	return 2
}

cmd_reset() {
	cmd_down && cmd_up
}

usage() {
	sed -n '3,13p' "$SELF" | sed 's/^# \{0,1\}//'
	exit 2
}

main() {
	[ $# -ge 1 ] || usage
	local verb=$1; shift
	case $verb in
	install) cmd_install ;;
	up) [ "$(id -u)" = 0 ] || die "must run as root"; cmd_up ;;
	down) cmd_down ;;
	reset) cmd_reset ;;
	status) cmd_status ;;
	exec) cmd_exec "$@" ;;
	__hostinit) __hostinit "$@" ;;
	__provision) __provision "$@" ;;
	__settle) __settle "$@" ;;
	-h|--help|help) usage ;;
	*) echo "lab.sh: unknown verb '$verb'" >&2; usage ;;
	esac
}

main "$@"
