#!/bin/bash
# tests/lab/mta-postfix.sh -- LAB_MTA=postfix: charon and neko-base run
# Debian's postfix instead of sendmail (ns3, the owners' mail host, keeps
# sendmail).  Sourced by lab.sh; run by itself it knows one verb:
#
#   mta-postfix.sh fetch     apt-get download postfix and unpack it once into
#                            $LAB_PF_CACHE (make deps; idempotent)
#
# Debian's postfix and sendmail packages conflict and every host shares the
# machine's /usr (shared LAB.md pitfall 23), so the package is never
# installed: its files are unpacked with dpkg -x, and each postfix host
# mounts them over /usr in its own mount namespace (an overlay).  What the
# maintainer scripts would do is done by hand: /etc/postfix from the
# package's copy, master.cf from master.cf.dist, the postfix user and the
# postdrop group, the spool laid out by `postfix post-install`.
# shellcheck shell=bash

LAB_MTA=${LAB_MTA:-sendmail}
LAB_PF_CACHE=${LAB_PF_CACHE:-/var/cache/ferry-lab}
PF_ROOT=$LAB_PF_CACHE/postfix
PF_HOSTS="charon neko-base"

# pf_host HOST: HOST runs postfix in this world
pf_host() {
	[ "$LAB_MTA" = postfix ] || return 1
	case " $PF_HOSTS " in *" $1 "*) return 0 ;; esac
	return 1
}

# --- root namespace ---------------------------------------------------------------

pf_fetch() {
	local deb
	if [ -x "$PF_ROOT/usr/sbin/postfix" ]; then
		return 0
	fi
	mkdir -p "$LAB_PF_CACHE/debs" || return 1
	# apt-get download writes into the current folder
	# a fresh machine may have no package lists yet
	( cd "$LAB_PF_CACHE/debs" && { apt-get download -q postfix || { apt-get update -q && apt-get download -q postfix; }; } ) ||
		{ echo "mta-postfix: apt-get download postfix failed" >&2; return 1; }
	deb=$(ls -t "$LAB_PF_CACHE"/debs/postfix_*.deb | head -n 1)
	rm -rf "$PF_ROOT.new"
	dpkg -x "$deb" "$PF_ROOT.new" && mv "$PF_ROOT.new" "$PF_ROOT" && echo "mta-postfix: $deb unpacked in $PF_ROOT"
}

# __hostinit, before anything else is mounted: postfix's /usr over the machine's
pf_mount_usr() {
	pf_host "$1" || return 0
	[ -x "$PF_ROOT/usr/sbin/postfix" ] || { echo "no $PF_ROOT: run mta-postfix.sh fetch" >&2; return 1; }
	mount -t overlay overlay -o "lowerdir=$PF_ROOT/usr:/usr" /usr
}

# the host's tree, from the root namespace (after write_sendmail: same map, same domains)
write_postfix() {
	local h=$1 L=$ROOT/$1
	pf_host "$h" || return 0
	mkdir -p "$L/etc/postfix"
	cp -a "$PF_ROOT/etc/postfix/." "$L/etc/postfix/"
	cp "$PF_ROOT/usr/share/postfix/master.cf.dist" "$L/etc/postfix/master.cf"
	cp "$L/etc/mail/local-host-names" "$L/etc/postfix/local-domains"
	cat >"$L/etc/postfix/main.cf" <<-EOF2
	# /etc/postfix/main.cf (ferry lab, LAB_MTA=postfix)
	myhostname = $h.$DOMAIN
	mydomain = $DOMAIN
	myorigin = \$myhostname
	mydestination = /etc/postfix/local-domains
	mynetworks = 127.0.0.0/8 192.0.2.0/24
	inet_interfaces = all
	inet_protocols = ipv4
	smtpd_relay_restrictions = permit_mynetworks reject_unauth_destination
	virtual_alias_maps = hash:/usr/local/adm/mail/virtusertable
	alias_maps = hash:/etc/aliases
	alias_database = hash:/etc/aliases
	mail_spool_directory = /var/mail
	append_dot_mydomain = no
	biff = no
	readme_directory = no
	compatibility_level = 3.6
	EOF2
}

# --- inside a host ----------------------------------------------------------------

pf_start() {
	getent group postfix >/dev/null || groupadd -r postfix
	getent group postdrop >/dev/null || groupadd -r postdrop
	getent passwd postfix >/dev/null ||
		useradd -r -g postfix -d /var/spool/postfix -s /usr/sbin/nologin postfix
	mkdir -p /var/spool/postfix /var/lib/postfix
	# no chroot: the spool would need copies of /etc files the lab edits
	postconf -F '*/*/chroot = n'
	postfix post-install create-missing >/dev/null 2>&1
	postfix set-permissions >/dev/null 2>&1
	# postalias by name: sendmail's newaliases comes first in PATH (/usr/sbin)
	postalias /etc/aliases || return 1
	postmap /usr/local/adm/mail/virtusertable || return 1
	postfix check || return 1
	start_daemon postfix start
}

# the MTA of this host, started
start_mta() {
	if pf_host "$(hostname)"; then
		pf_start
	else
		start_daemon /etc/init.d/sendmail start
	fi
}

# ferry.conf's MTA keys for a postfix host
pf_conf() {
	[ "$LAB_MTA" = postfix ] || { cat; return 0; }
	sed -e 's|^mta = sendmail|mta = postfix|' \
	    -e 's|^mta-domains = /etc/mail/local-host-names|mta-domains = /etc/postfix/local-domains|' \
	    -e 's|^mta-reload = /etc/init.d/sendmail reload|mta-reload = postfix reload|'
}

if [ "${0##*/}" = mta-postfix.sh ]; then
	case ${1:-} in
	fetch) pf_fetch ;;
	*) echo "usage: mta-postfix.sh fetch" >&2; exit 2 ;;
	esac
fi
