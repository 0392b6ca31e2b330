# tests/lib-safety.sh -- helpers shared by the safety stories (t1001, t80xx);
# sourced after lib.sh.

SERVERS="$W_OLD $W_NEW $W_NS3"

# host_sums HOST : path, mode, owner, link target and sha256 of every file under
# /etc, /usr/local/adm, the homes, the mail spool and the zone files (the world's
# paths), leaving out only what runs by itself writes: logs, a running game's
# db and pid, named's key files
host_sums() {
	lab "$1" bash -c '
		skip() { find "$@" \( -type f -o -type l \) ! -name "*.log" ! -path "*/game/data/*" \
			! -name netmux.pid ! -name "*.mkeys*" ! -name "managed-keys*" "${extra[@]}"; }
		extra=(-printf "%p %m %u %g %l\n"); skip "$@" 2>/dev/null | sort
		extra=(-type f -print0); skip "$@" 2>/dev/null | sort -z | xargs -0 sha256sum
	' host_sums /etc /usr/local/adm "$W_HOME/" "$W_SPOOL/" /var/cache/bind "${W_ZONE_FILE%/*}"
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
	lab "$W_CLIENT" sh -c 'cd /root/lab && for f in ferry.db ferry.db-wal; do
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

MAIL_FILES="$W_VIRTUSERTABLE /etc/mail/local-host-names"
WEB_FILES="$W_VHOST_FILES"

# zone_serial ADDR ZONE : the SOA serial ADDR serves
zone_serial() {
	dig_at "$1" "$2" SOA | awk '{ print $3 }'
}

# ferry_fault PAIR ARGS... : ferry in the client with FERRY_FAULT=PAIR
ferry_fault() {
	local pair=$1
	shift
	lab "$W_CLIENT" env FERRY_FAULT="$pair" /ferry/ferry -c "$FERRY_CONF" "$@"
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
	test "$(lab "$W_CLIENT" sqlite3 /root/lab/ferry.db 'PRAGMA integrity_check')" = ok
}

# no_leftovers : no ferry and no ssh master left in the client, no mail lock on the
# hosts, no change watcher (phase1.presync's inotifywait) on the old host
no_leftovers() {
	! lab "$W_CLIENT" pgrep -x ferry &&
	! lab "$W_CLIENT" pgrep -f "ControlMaster=yes" &&
	! lab "$W_OLD" pgrep -x inotifywait &&
	for h in "$W_OLD" "$W_NEW"; do
		lab "$h" sh -c '! ls "$1"/*.lock 2>/dev/null' sh "$W_SPOOL" || return 1
	done
}
