# tests/lib-safety.sh -- helpers shared by the safety stories (t1001, t80xx);
# sourced after lib.sh.

SERVERS="charon neko-base ns3"

# host_sums HOST : path, mode, owner, link target and sha256 of every file under
# /etc, /usr/local/adm, /home, /var/spool/mail and the zone files, leaving out
# only what runs by itself writes: logs, a running game's db and pid, named's key files
host_sums() {
	lab "$1" bash -c '
		set -- /etc /usr/local/adm /home /var/spool/mail /var/cache/bind
		skip() { find "$@" \( -type f -o -type l \) ! -name "*.log" ! -path "/home/*/game/data/*" \
			! -name netmux.pid ! -name "*.mkeys*" ! -name "managed-keys*" "${extra[@]}"; }
		extra=(-printf "%p %m %u %g %l\n"); skip "$@" 2>/dev/null | sort
		extra=(-type f -print0); skip "$@" 2>/dev/null | sort -z | xargs -0 sha256sum
	'
}

# sums_all SUFFIX : host_sums of every server into sums.HOST.SUFFIX
sums_all() {
	local h
	for h in $SERVERS; do
		host_sums "$h" >"sums.$h.$1" || return 1
		test -s "sums.$h.$1" || return 1
	done
}

# sums_same A B : every server's sums taken as A equal those taken as B
sums_same() {
	local h
	for h in $SERVERS; do
		test_cmp "sums.$h.$1" "sums.$h.$2" || return 1
	done
}

# journal_sum : sha256 of the client's journal and its -wal ("none" when missing)
journal_sum() {
	lab client sh -c 'cd /root/lab && for f in ferry.db ferry.db-wal; do
		if [ -e "$f" ]; then sha256sum "$f"; else echo "none $f"; fi; done'
}

# save_files HOST SUFFIX PATH... : copies of PATH on HOST as HOST.BASENAME.SUFFIX
save_files() {
	local h=$1 s=$2 p
	shift 2
	for p in "$@"; do
		lab "$h" cat "$p" >"$h.${p##*/}.$s" || return 1
	done
}

# same_files HOST A B PATH... : the copies taken as A and as B are equal
same_files() {
	local h=$1 a=$2 b=$3 p
	shift 3
	for p in "$@"; do
		test_cmp "$h.${p##*/}.$a" "$h.${p##*/}.$b" || return 1
	done
}

MAIL_FILES="/usr/local/adm/mail/virtusertable /etc/mail/local-host-names"
WEB_FILES="/usr/local/adm/apache/virtual.conf"

# zone_serial ADDR ZONE : the SOA serial ADDR serves
zone_serial() {
	dig_at "$1" "$2" SOA | awk '{ print $3 }'
}

# ferry_fault PAIR ARGS... : ferry in the client with FERRY_FAULT=PAIR
ferry_fault() {
	local pair=$1
	shift
	lab client env FERRY_FAULT="$pair" /ferry/ferry -c "$FERRY_CONF" "$@"
}

# no_dup_lines HOST FILE [ERE] : no line twice in FILE (blank lines and comments
# aside); with ERE only the lines matching it (a vhost file repeats its directives)
no_dup_lines() {
	lab "$1" cat "$2" | grep -v -e '^[[:space:]]*$' -e '^[[:space:]]*;' |
		grep -E -e "${3:-^[^#]}" | sort | uniq -d >dups &&
	if [ -s dups ]; then echo "lines twice in $1:$2:"; cat dups; return 1; fi
}

# journal_ok : PRAGMA integrity_check of the client's journal says ok
journal_ok() {
	test "$(lab client sqlite3 /root/lab/ferry.db 'PRAGMA integrity_check')" = ok
}

# no_leftovers : no ferry and no ssh master left in the client, no mail lock on the
# hosts, no change watcher (phase1.presync's inotifywait) on the old host
no_leftovers() {
	! lab client pgrep -x ferry &&
	! lab client pgrep -f "ControlMaster=yes" &&
	! lab charon pgrep -x inotifywait &&
	for h in charon neko-base; do
		lab "$h" sh -c '! ls /var/spool/mail/*.lock 2>/dev/null' || return 1
	done
}
