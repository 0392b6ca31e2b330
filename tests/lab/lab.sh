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
#   lab.sh world              the world this lab is built with (seed, stock)
#
# LAB_MTA=postfix (default sendmail) gives charon and neko-base postfix
# (tests/lab/mta-postfix.sh); a lab up with the other MTA is rebuilt by `up`.
#
# LAB_ID (default empty) keeps parallel labs apart: netns lab$LAB_ID-HOST,
# state under /tmp/lab$LAB_ID.  LAB_WORLD (default seed) picks the world `up`
# builds: its facts in world-NAME.env, its own provisioning (if any) in
# world-NAME.sh.  A lab that is up keeps its world for every other verb;
# `up`/`reset` with another LAB_WORLD rebuild it.  `lab.sh world` prints it.
# Seed hosts: charon (old), neko-base (new), ns3, client.
set -u

LAB_ID=${LAB_ID:-}
case $LAB_ID in *[!A-Za-z0-9]*) echo "lab.sh: LAB_ID must be alphanumeric" >&2; exit 2 ;; esac
LAB=lab$LAB_ID
ROOT=/tmp/lab$LAB_ID
LABDIR=$(cd "$(dirname "$0")" && pwd)
SELF=$LABDIR/$(basename "$0")
PROJECT=$(cd "$LABDIR/../.." && pwd)
# the world asked for, and the one this lab was built with (inside a host
# there is no $ROOT: host_script passes LAB_WORLD)
WANT_WORLD=${LAB_WORLD:-}
LAB_WORLD=$(cat "$ROOT/.world" 2>/dev/null || echo "${WANT_WORLD:-seed}")
case $LAB_WORLD in *[!a-z0-9]*|'') echo "lab.sh: LAB_WORLD must be a lowercase name" >&2; exit 2 ;; esac
# inside a host the facts came in host_script's stream already
if [ -z "${W_NAME:-}" ]; then
	[ -r "$LABDIR/world-$LAB_WORLD.env" ] || { echo "lab.sh: no world '$LAB_WORLD' ($LABDIR/world-$LAB_WORLD.env)" >&2; exit 2; }
	# shellcheck source=tests/lab/world-seed.env
	. "$LABDIR/world-$LAB_WORLD.env"
fi
HOSTS="$W_OLD $W_NEW $W_NS3 $W_CLIENT"
SERVERS="$W_OLD $W_NEW $W_NS3"
SHARED_DIRS="/usr/local/adm /ferry"
MARK=.lab-mountpoint
PATHV=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PACKAGES="openssh-server openssh-client rsync apache2 sendmail sendmail-base sendmail-bin
 sendmail-cf sensible-mda procmail m4 make swaks bind9 bind9-utils bind9-dnsutils tinymux
 netcat-openbsd rsyslog curl procps iproute2 perl libcurl4-openssl-dev libldns-dev ldnsutils
 acl attr util-linux passwd inotify-tools"
MUX_PASSWORD=potrzebie

# the seed world's files and the provisioning inside hosts, then the world's
# own (it redefines what differs); a host gets them all as one stream
# (host_script), so they are already defined there
world_files() {
	echo "$LABDIR/world-$LAB_WORLD.env" "$LABDIR/seed.sh" "$LABDIR/provision.sh" "$LABDIR/mta-postfix.sh"
	[ ! -e "$LABDIR/world-$LAB_WORLD.sh" ] || echo "$LABDIR/world-$LAB_WORLD.sh"
}
if ! declare -F __provision >/dev/null; then
	for f in $(world_files | cut -d" " -f2-); do
		# shellcheck disable=SC1090
		. "$f"
	done
fi

say() { echo "$LAB: $*"; }
die() { echo "$LAB: error: $*" >&2; exit 1; }

addr_of() {
	case $1 in
	"$W_OLD") echo "$W_OLD_ADDR" ;;
	"$W_NEW") echo "$W_NEW_ADDR" ;;
	"$W_NS3") echo "$W_NS3_ADDR" ;;
	"$W_CLIENT") echo "$W_CLIENT_ADDR" ;;
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
	# shellcheck disable=SC2046
	hostenter "$h" LAB_ID="$LAB_ID" LAB_WORLD="$LAB_WORLD" LAB_MTA="$LAB_MTA" /bin/bash /dev/fd/3 "$@" \
		3< <(cat $(world_files) "$SELF")
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

# t3004 runs a real packet filter script in a host; t3005 a real cron
PACKAGES_EXTRA="iptables cron"

cmd_install() {
	local p missing=""
	pf_fetch || die "cannot fetch postfix for LAB_MTA=postfix"
	for p in $PACKAGES $PACKAGES_EXTRA; do
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
	pf_mount_usr "$h"
	mount --bind -o ro /var/lib/dpkg "$L/var/lib/dpkg"
	if [ "$h" = "$W_CLIENT" ]; then
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

# --- verbs ------------------------------------------------------------------------

lab_is_up() {
	local h
	[ -e "$ROOT/.up" ] || return 1
	[ "$(cat "$ROOT/.mta" 2>/dev/null)" = "$LAB_MTA" ] || return 1
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
	if [ "$LAB_MTA" = postfix ]; then pf_fetch || die "cannot fetch postfix"; fi
	mkdir -p "$ROOT"
	mountpoint -q "$ROOT" || mount -t tmpfs -o mode=755,size=4g "$LAB-state" "$ROOT" ||
		die "cannot mount a tmpfs on $ROOT"
	mkdir -p "$ROOT/ns" "$ROOT/keys" "$ROOT/log"
	echo "$LAB_WORLD" >"$ROOT/.world"
	shared_dirs_create
	mount --bind "$ROOT/ns" "$ROOT/ns" && mount --make-private "$ROOT/ns" || die "cannot make $ROOT/ns private"
	ssh-keygen -q -t ed25519 -N '' -C "tester@client.$DOMAIN" -f "$ROOT/keys/lab_ed25519" </dev/null
	for h in $HOSTS; do
		( seed_tree "$h" && write_hosts_files "$h" && write_ssh "$h" && write_bind "$h" &&
		  if [ "$h" != "$W_CLIENT" ]; then write_apache "$h" && write_sendmail "$h" && write_postfix "$h"; fi ) &
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
	host_script "$W_CLIENT" __settle || { up_failed "DNS did not settle"; return 1; }
	echo "$LAB_MTA" >"$ROOT/.mta"
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
	[ -s "$ROOT/log/$W_OLD.log" ] && { echo "--- hostinit log" >&2; tail -n 5 "$ROOT"/log/*.log >&2; }
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
			line=$(hostenter "$h" sh -c 'for d in rsyslogd sshd named apache2 sendmail-mta master netmux; do
				n=$(pgrep -c -x "$d" 2>/dev/null); [ "${n:-0}" -gt 0 ] && printf " %s" "$d"; done' 2>/dev/null)
			echo "$h	up	$(addr_of "$h")	$line"
			up=$((up + 1))
		else
			echo "$h	down"
			down=$((down + 1))
		fi
	done
	if [ $down = 0 ] && [ -e "$ROOT/.up" ] && [ "$(cat "$ROOT/.mta" 2>/dev/null)" != "$LAB_MTA" ]; then
		say "up with MTA $(cat "$ROOT/.mta" 2>/dev/null), not LAB_MTA=$LAB_MTA (lab.sh up rebuilds it)"
		return 2
	elif [ $down = 0 ] && [ -e "$ROOT/.up" ]; then
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

# world_switch : `up`/`reset` asked for another world than the one up: take
# that one down with its own host names, then go on with the one asked for
world_switch() {
	[ -n "$WANT_WORLD" ] && [ -e "$ROOT/.world" ] && [ "$WANT_WORLD" != "$LAB_WORLD" ] || return 0
	say "switching from the $LAB_WORLD world to $WANT_WORLD"
	env -u LAB_WORLD "$SELF" down || exit 1
	exec env LAB_WORLD="$WANT_WORLD" "$SELF" "$@"
}

usage() {
	sed -n '3,18p' "$SELF" | sed 's/^# \{0,1\}//'
	exit 2
}

main() {
	[ $# -ge 1 ] || usage
	local verb=$1; shift
	case $verb in
	install) cmd_install ;;
	up) [ "$(id -u)" = 0 ] || die "must run as root"; world_switch up; cmd_up ;;
	down) cmd_down ;;
	reset) world_switch reset; cmd_reset ;;
	world) echo "$LAB_WORLD" ;;
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
