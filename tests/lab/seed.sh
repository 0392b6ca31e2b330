# tests/lab/seed.sh -- sourced by lab.sh: the seed world's files, written
# into each host's tree from the root namespace before the hosts start.
# shellcheck shell=bash

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
	if [ "$h" = "$W_CLIENT" ]; then
		cp "$K/lab_ed25519" "$L/root/.ssh/id_ed25519"
		cp "$K/lab_ed25519.pub" "$L/root/.ssh/id_ed25519.pub"
	else
		ssh-keygen -q -t ed25519 -N '' -C "root@$h" -f "$L/root/.ssh/id_ed25519" </dev/null
	fi
}

write_ssh_trust() {
	local L x a
	: >"$ROOT/keys/known_hosts"
	for x in $SERVERS; do
		local names="$x,$x.$DOMAIN,$(addr_of "$x")"
		for a in $W_NS_ALIASES; do
			[ "${a%%=*}" = "$x" ] && names="$names,${a#*=}.$DOMAIN"
		done
		echo "$names $(cut -d' ' -f1,2 "$ROOT/$x/etc/ssh/ssh_host_ed25519_key.pub")" >>"$ROOT/keys/known_hosts"
	done
	cat "$ROOT/keys/lab_ed25519.pub" >"$ROOT/keys/authorized_keys"
	for x in $SERVERS; do cat "$ROOT/$x/root/.ssh/id_ed25519.pub" >>"$ROOT/keys/authorized_keys"; done
	for x in $HOSTS; do
		L=$ROOT/$x
		cp "$ROOT/keys/known_hosts" "$L/etc/ssh/ssh_known_hosts"
		chmod 644 "$L/etc/ssh/ssh_known_hosts"
		[ "$x" = "$W_CLIENT" ] || install -m 600 "$ROOT/keys/authorized_keys" "$L/root/.ssh/authorized_keys"
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

# the client's caching resolver, pointed at the world's three nameservers
write_resolver() {
	local L=$ROOT/$1 z
	cat >"$L/etc/bind/named.conf.options" <<-EOF
	// ferry lab: the client's caching resolver
	options {
		directory "/var/cache/bind";
		listen-on { 127.0.0.1; $W_CLIENT_ADDR; };
		listen-on-v6 { none; };
		recursion yes;
		allow-recursion { 127.0.0.1; 192.0.2.0/24; };
		allow-query { any; };
		dnssec-validation no;
	};
	EOF
	for z in $ZONES; do
		echo "zone \"$z\" { type static-stub; server-addresses { $W_OLD_ADDR; $W_NEW_ADDR; $W_NS3_ADDR; }; };"
	done >"$L/etc/bind/named.conf.local"
}

write_bind() {
	local h=$1 L=$ROOT/$1 z
	if [ "$h" = "$W_CLIENT" ]; then
		write_resolver "$h"
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
	local L=$ROOT/$W_OLD
	mkdir -p "$L/tmp/lab-seed"
	cp -a "$LABDIR/seed/." "$L/tmp/lab-seed/"
	install -m 644 "$ROOT/keys/lab_ed25519.pub" "$L/tmp/lab-seed/tester.pub"
	install -m 644 "$ROOT/keys/lab_ed25519.pub" "$ROOT/$W_NS3/tmp/tester.pub"
}

write_client_files() {
	local D=$ROOT/$W_CLIENT/root/lab g
	mkdir -p -m 700 "$D"
	pf_conf <"$LABDIR/$W_CONF" >"$D/ferry.conf" && chmod 644 "$D/ferry.conf"
	for g in bob dave; do
		printf 'connect wizard %s\n' "$MUX_PASSWORD" >"$D/$g.connect"
		chmod 600 "$D/$g.connect"
	done
}
