# tests/lab/https.sh: an https site in the lab, for the stories that want one
# (sourced after tests/lib.sh; `lab.sh up` never runs it, so the other
# stories see the world unchanged).
#
# https_site ACCOUNT DOCROOT "NAME..." ["EXTRA..."]
#   The lab's own small CA (Debian's openssl, made in the client, no outside
#   service) signs a certificate for NAME... and EXTRA... (the account's
#   test-name, so that prep.4 and prep.5 can check the new host through it;
#   the first NAME is the lineage's name, as certbot names it).  On the old host: certbot's layout
#   (/etc/letsencrypt/archive/NAME/*1.pem, live/NAME/*.pem symlinks to them,
#   renewal/NAME.conf, options-ssl-apache.conf), mod_ssl enabled, and a
#   :443 VirtualHost for the names serving DOCROOT, put after the account's
#   blocks in the old host's apache-vhosts, apache-checked and reloaded.
#   Every lab host trusts the CA (/etc/ssl/certs, each host's own /etc).
#
# `lab.sh reset` takes all of it away again (every host's /etc is rebuilt).

HTTPS_CA_DIR=/root/lab/ca

# https_ca_make NAME... : CA and leaf in the client's $HTTPS_CA_DIR
https_ca_make() {
	local san="" n
	for n in "$@"; do san="$san${san:+,}DNS:$n"; done
	lab "$W_CLIENT" sh -ec '
		d=$1; san=$2; cn=$3
		rm -rf "$d"; mkdir -p "$d"; cd "$d"
		ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
		openssl req -x509 $ec -keyout ca.key -out ca.pem -days 30 \
			-subj "/CN=ferry lab CA" 2>/dev/null
		openssl req $ec -keyout privkey.pem -out leaf.csr -subj "/CN=$cn" 2>/dev/null
		printf "subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n" \
			"$san" >leaf.ext
		openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-out cert.pem -days 30 -extfile leaf.ext 2>/dev/null
		cp ca.pem chain.pem
		cat cert.pem chain.pem >fullchain.pem
	' sh "$HTTPS_CA_DIR" "$san" "$1"
}

# https_trust_ca HOST... : the lab CA in each host's system bundle
https_trust_ca() {
	local h
	for h in "$@"; do
		lab "$W_CLIENT" cat "$HTTPS_CA_DIR/ca.pem" | lab "$h" sh -ec '
			cat >/etc/ssl/certs/ferry-lab-ca.pem
			cat /etc/ssl/certs/ferry-lab-ca.pem >>/etc/ssl/certs/ca-certificates.crt
			openssl rehash /etc/ssl/certs 2>/dev/null || c_rehash /etc/ssl/certs >/dev/null'
	done
}

# https_install HOST VHOSTS ACCOUNT DOCROOT NAME... : certbot's layout and the :443 block
https_install() {
	local host=$1 vhosts=$2 account=$3 root=$4; shift 4
	lab "$W_CLIENT" tar -C "$HTTPS_CA_DIR" -cf - cert.pem chain.pem fullchain.pem privkey.pem |
	lab "$host" sh -ec '
		vhosts=$1 account=$2 root=$3 name=$4; shift 3
		le=/etc/letsencrypt
		mkdir -p $le/archive/$name $le/live/$name $le/renewal
		chmod 700 $le/archive $le/live
		tar -C $le/archive/$name -xf -
		for f in cert chain fullchain privkey; do
			mv $le/archive/$name/$f.pem $le/archive/$name/${f}1.pem
			ln -s ../../archive/$name/${f}1.pem $le/live/$name/$f.pem
		done
		chmod 644 $le/archive/$name/cert1.pem $le/archive/$name/chain1.pem \
			$le/archive/$name/fullchain1.pem
		chmod 600 $le/archive/$name/privkey1.pem
		printf "%s\n" "SSLProtocol all -SSLv3 -TLSv1 -TLSv1.1" \
			"SSLHonorCipherOrder off" "SSLSessionTickets off" \
			>$le/options-ssl-apache.conf
		{
			echo "# renewal configuration for $name (certbot)"
			echo "version = 2.1.0"
			echo "archive_dir = $le/archive/$name"
			for f in cert privkey chain fullchain; do
				echo "$f = $le/live/$name/$f.pem"
			done
			echo
			echo "[renewalparams]"
			echo "account = 0123456789abcdef0123456789abcdef"
			echo "authenticator = webroot"
			echo "webroot_path = $root,"
			echo "server = https://acme.lab.test/directory"
			echo "[[webroot_map]]"
			for n; do echo "$n = $root"; done
		} >$le/renewal/$name.conf
		{
			echo
			echo "# $account, https"
			echo "<VirtualHost *:443>"
			echo "    ServerName $name"
			shift
			[ $# -gt 0 ] && echo "    ServerAlias $*"
			echo "    DocumentRoot $root"
			echo "    ScriptAlias /cgi-bin/ $root/cgi-bin/"
			echo "    SSLEngine on"
			echo "    SSLCertificateFile $le/live/$name/fullchain.pem"
			echo "    SSLCertificateKeyFile $le/live/$name/privkey.pem"
			echo "    Include $le/options-ssl-apache.conf"
			echo "    CustomLog \${APACHE_LOG_DIR}/access.log vhost_combined"
			echo "</VirtualHost>"
		} >>"$vhosts"
		a2enmod -q ssl >/dev/null
		apache2ctl -t 2>/dev/null
		apache2ctl graceful
	' sh "$vhosts" "$account" "$root" "$@"
}

# https_site ACCOUNT DOCROOT "NAME..." ["EXTRA..."] (see the top)
https_site() {
	local account=$1 root=$2 names=$3 extra=$4
	# shellcheck disable=SC2086 # word lists
	https_ca_make $names $extra &&
	https_trust_ca "$W_OLD" "$W_NEW" "$W_NS3" "$W_CLIENT" &&
	https_install "$W_OLD" "${W_VHOST_FILES%% *}" "$account" "$root" $names &&
	# a graceful restart opens :443 a moment later
	retry_until 10 fetch_tls "$W_OLD_ADDR" "${names%% *}" / >/dev/null
}

# fetch_tls ADDR NAME PATH : body of https://NAME/PATH from ADDR, SNI NAME,
# verified against the CA the client trusts
fetch_tls() {
	lab "$W_CLIENT" curl -sS --fail --max-time 10 --resolve "$2:443:$1" "https://$2${3:-/}"
}
