#!/bin/bash
# tests/lab/endstate.sh: what a migration left on the lab's hosts, with the
# parts that differ from run to run (times, serials, pids, backup names)
# taken out -- so two runs (serial, --jobs N) can be compared with diff.
LAB=$(dirname "$0")/lab.sh
for h in charon neko-base; do
	# accounts append their lines in the order they got there: compared sorted
	for f in /usr/local/adm/mail/virtusertable /etc/mail/local-host-names; do
		echo "== $h:$f (sorted)"
		"$LAB" exec "$h" cat "$f" | sort
	done
	echo "== $h:/usr/local/adm/apache/virtual.conf"
	"$LAB" exec "$h" cat /usr/local/adm/apache/virtual.conf
	echo "== $h: homes"
	"$LAB" exec "$h" sh -c 'cd /home && find . -path "*/data.ferry-*" -prune -o -path "*/tinymux/game/*" -prune -o -print | sort'
	echo "== $h: spools"
	"$LAB" exec "$h" sh -c 'cd /var/spool/mail && for f in *; do [ -s "$f" ] && grep -c "^From " "$f" | sed "s|^|$f |"; done; true' |
		sed 's/ferry-bak\.[0-9]*/ferry-bak.T/'
done
for z in alice.test bob.test carol.test dave.test; do
	echo "== zone $z (serial left out)"
	"$LAB" exec client dig +norec +noall +answer @192.0.2.10 "$z" AXFR | awk '$4 != "SOA"' | sort
done
echo "== status"
"$LAB" exec client /ferry/ferry -c /root/lab/ferry.conf status --json |
	sed -e 's/"started": "[^"]*"/"started": T/g' -e 's/"finished": "[^"]*"/"finished": T/g' \
	    -e 's/"downtime": {[^}]*}/"downtime": D/g' -e 's/serial [0-9]*/serial S/g' \
	    -e 's/in [0-9.]* s/in N s/g' -e 's/after [0-9.]* s/after N s/g' -e 's/data\.ferry-[0-9-]*/data.ferry-D/g' \
	    -e 's/arrived in [0-9.]*/arrived in N/g' -e 's/watched [0-9]* s/watched N s/g' -e 's/"detail": "[^"]*"/"detail": X/g'
