# tests/lab/world-stock.sh -- sourced by lab.sh after seed.sh and
# provision.sh when LAB_WORLD=stock: the world "someone else" set up the plain
# Debian 12 way (shared LAB.md, fact 24).  It redefines the seed world's
# functions where this world differs; the facts are in world-stock.env.
#
#   hosts      hermes .41 (old), athena .57 (new), dns3 .63, laptop .199 (client)
#   homes      /srv/home; alice's site in ~/web, her ~user pages in ~/public_html
#   apache     Debian's 000-default.conf (no ServerName) serves ~user for every
#              unclaimed name; alice's vhost in sites-available/alice.conf,
#              enabled with a2ensite; only userdir enabled (no proxy, no cgid);
#              no global ServerName
#   bind       zones in /var/lib/bind/ZONE.hosts, written with $ORIGIN, relative
#              names, several records per name, one-line SOA; `type master`
#   mail       sendmail, virtusertable in /etc/mail (Debian's default), spool /var/mail
#   firewall   athena's /srv/admin/firewall filters nothing (exit 0)
#   accounts   alice 3101 (web, local mail, ~alice), bob 3102 (TinyMUX on 4201,
#              play.bob.test), carol 3103 (mail forwarded to carol@owners.test)
# shellcheck shell=bash

# zone_head ZONE : $ORIGIN, $TTL, a one-line SOA and the three NS records
# (plain here-documents: a record line that starts with a blank continues
# the owner name above it)
zone_head() {
	cat <<EOF
; $1 -- written by hand on hermes, served to ns2 and dns3
\$ORIGIN $1.
\$TTL 6
@	SOA	ns.$DOMAIN. hostmaster.$DOMAIN. $SERIAL 3600 600 604800 6
	NS	ns.$DOMAIN.
	NS	ns2.$DOMAIN.
	NS	dns3.$DOMAIN.
EOF
}

# stock_zone ZONE : the zone file's text
stock_zone() {
	zone_head "$1"
	case $1 in
	"$DOMAIN") cat <<EOF
	A	$W_OLD_ADDR
	MX	10 hermes
	TXT	"v=spf1 mx -all"
hermes	A	$W_OLD_ADDR
ns	A	$W_OLD_ADDR
athena	A	$W_NEW_ADDR
ns2	A	$W_NEW_ADDR
dns3	A	$W_NS3_ADDR
laptop	A	$W_CLIENT_ADDR
www	CNAME	hermes
EOF
		;;
	alice.test) cat <<EOF
	A	$W_OLD_ADDR
	MX	10 hermes.$DOMAIN.
	TXT	"v=spf1 mx -all"
www	A	$W_OLD_ADDR
	TXT	"alice's pages"
ftp	CNAME	www
\$ORIGIN lists.alice.test.
@	TXT	"the lists moved to owners.test"
archive	TXT	"none kept"
EOF
		;;
	bob.test) cat <<EOF
	A	$W_OLD_ADDR
play	A	$W_OLD_ADDR
	TXT	"BobMUSH on port 4201"
EOF
		;;
	carol.test) cat <<EOF
	MX	10 hermes.$DOMAIN.
	TXT	"v=spf1 mx -all"
EOF
		;;
	owners.test) cat <<EOF
	MX	10 dns3.$DOMAIN.
EOF
		;;
	esac
}

write_bind() {
	local h=$1 L=$ROOT/$1 z a
	if [ "$h" = "$W_CLIENT" ]; then
		write_resolver "$h"
		return 0
	fi
	cat >"$L/etc/bind/named.conf.options" <<-'EOF'
	options {
		directory "/var/cache/bind";
		listen-on { any; };
		listen-on-v6 { none; };
		recursion no;
		dnssec-validation no;
	};
	EOF
	if [ "$h" = "$W_OLD" ]; then
		for z in $ZONES; do
			stock_zone "$z" >"$L/var/lib/bind/$z.hosts"
			chgrp bind "$L/var/lib/bind/$z.hosts"
			cat <<-EOF
			zone "$z" {
				type master;
				file "/var/lib/bind/$z.hosts";
				allow-transfer { $W_NEW_ADDR; $W_NS3_ADDR; 127.0.0.1; };
				also-notify { $W_NEW_ADDR; $W_NS3_ADDR; };
			};
			EOF
		done >"$L/etc/bind/named.conf.local"
	else
		for z in $ZONES; do
			cat <<-EOF
			zone "$z" {
				type slave;
				masters { $W_OLD_ADDR; };
				file "/var/cache/bind/$z.saved";
			};
			EOF
		done >"$L/etc/bind/named.conf.local"
	fi
}

write_apache() {
	local h=$1 L=$ROOT/$1
	# homes are not under /home here: the admin moved userdir.conf along
	sed -i "s|<Directory /home/\*/public_html>|<Directory $W_HOME/*/public_html>|" \
		"$L/etc/apache2/mods-available/userdir.conf"
	echo "<html><body><h1>It works on $h</h1></body></html>" >"$L/var/www/html/index.html"
	case $h in
	"$W_OLD") cat >"$L/etc/apache2/sites-available/alice.conf" <<EOF
# alice's site (a2ensite alice)
<VirtualHost *:80>
	ServerName alice.test
	ServerAlias www.alice.test
	ServerAdmin alice@alice.test
	DocumentRoot $W_HOME/alice/web
	<Directory $W_HOME/alice/web>
		Options FollowSymLinks
		AllowOverride None
		Require all granted
	</Directory>
	ErrorLog \${APACHE_LOG_DIR}/error.log
	CustomLog \${APACHE_LOG_DIR}/access.log combined
</VirtualHost>
EOF
		;;
	"$W_NEW") printf '%s\n' "# sites moved from hermes (a2ensite hosted)" \
			"<Directory $W_HOME>" "	Require all granted" "</Directory>" \
			>"$L/etc/apache2/sites-available/hosted.conf"
		;;
	esac
}

write_sendmail() {
	local h=$1 L=$ROOT/$1
	sed -i -e '/Name=MTA-v4/s/, *Addr=127\.0\.0\.1//' \
		-e "/^MAILER_DEFINITIONS/i FEATURE(\`virtusertable')dnl" "$L/etc/mail/sendmail.mc"
	# lab traffic: relay for the lab's range, no greeting pause (as the seed world)
	sed -i -e '/^Connect:192\.0\.2[[:space:]]/d' "$L/etc/mail/access"
	printf '%s\n' "Connect:192.0.2			RELAY" "GreetPause:192.0.2		0" \
		"ClientRate:192.0.2		0" "ClientConn:192.0.2		0" >>"$L/etc/mail/access"
	{
		echo localhost
		echo "$h.$DOMAIN"
		case $h in
		"$W_OLD") printf '%s\n' "$DOMAIN" alice.test carol.test ;;
		"$W_NS3") echo owners.test ;;
		esac
	} >"$L/etc/mail/local-host-names"
	echo "SLEEPTIME=1" >"$L/etc/procmailrc"
	case $h in
	"$W_OLD") printf '%s\t%s\n' postmaster@alice.test alice @alice.test alice \
		@carol.test carol@owners.test ;;
	"$W_NS3") printf '%s\t%s\n' @owners.test owners ;;
	*) echo "# virtual addresses of $h" ;;
	esac >"$L/etc/mail/virtusertable"
}

# athena, as its admin left it: /srv/home made, and a "firewall" script
# that filters nothing
write_firewall() {
	local L=$ROOT/$W_NEW
	mkdir -p "$L/srv/admin" "$L/srv/home"
	cat >"$L/srv/admin/firewall" <<-'EOF'
	#!/bin/sh
	# athena: no packet filter yet.  Open: 22 (ssh), 25 (smtp), 53 (dns),
	# 80 (http), 4201 (games).  Filters nothing.
	exit 0
	EOF
	chmod 755 "$L/srv/admin/firewall"
}

stage_seed() {
	local L=$ROOT/$W_OLD S=$LABDIR/seed/home
	mkdir -p "$L/tmp/lab-seed/home/alice/web" "$L/tmp/lab-seed/home/alice/public_html" \
		"$L/tmp/lab-seed/home/bob" "$L/tmp/lab-seed/home/carol"
	# alice's site without its CGI: this host runs no cgid
	cp -a "$S/alice/public_html/." "$L/tmp/lab-seed/home/alice/web/"
	rm -rf "$L/tmp/lab-seed/home/alice/web/cgi-bin"
	cp -a "$S/alice/www/." "$L/tmp/lab-seed/home/alice/public_html/"
	cp -a "$S/bob/." "$L/tmp/lab-seed/home/bob/"
	cp -a "$S/carol/." "$L/tmp/lab-seed/home/carol/"
	install -m 644 "$ROOT/keys/lab_ed25519.pub" "$L/tmp/lab-seed/tester.pub"
	install -m 644 "$ROOT/keys/lab_ed25519.pub" "$ROOT/$W_NS3/tmp/tester.pub"
	write_firewall
}

prov_charon() {
	local a u uid
	for a in $ACCOUNTS; do
		u=${a%%:*} uid=${a##*:}
		add_user "$u" "$uid" /tmp/lab-seed/tester.pub || return 1
		cp -a "/tmp/lab-seed/home/$u/." "$W_HOME/$u/"
		chown -R "$u:$u" "$W_HOME/$u"
	done
	chmod 711 "$W_HOME/alice"
	printf '%s\n' alice:alice-lab-pw bob:bob-lab-pw carol:carol-lab-pw | chpasswd
	a2ensite -q alice >/dev/null
	BG=""
	bg named start_daemon /etc/init.d/named start
	bg apache2 start_daemon /etc/init.d/apache2 start
	bg sendmail start_daemon /etc/init.d/sendmail start
	bg bob-game make_game bob 4201 HermesMUSH
	bg_wait || return 1
	plog "daemons and games up"
	wait_tcp 127.0.0.1 25 10 || { plog "sendmail not listening"; return 1; }
	seed_mail || { plog "seed mail not delivered"; return 1; }
	rm -rf /tmp/lab-seed
}

prov_neko_base() {
	a2ensite -q hosted >/dev/null
	/srv/admin/firewall || return 1
	BG=""
	bg apache2 start_daemon /etc/init.d/apache2 start
	bg sendmail start_daemon /etc/init.d/sendmail start
	wait_soa "$W_OLD_ADDR" 20 || { plog "$W_OLD's named not answering"; return 1; }
	start_daemon /etc/init.d/named start
	secondary_settle || return 1
	bg_wait
}
