#!/bin/sh
# Drivers call no other driver (issue 18).  A driver is src/svc/svc-NAME.c;
# the helpers beside it (web-apache.c, mta.c, web-vfile.c, ...) are shared.
# Fails when a driver
#  - includes another driver's header (NAME.h or NAME-priv.h of a driver
#    NAME other than its own), or
#  - references a symbol another driver's object defines: measured with nm
#    on the objects make built (build/svc/svc-*.o), so a call through a
#    header of any name, or an extern written in place, is found too.
# services.c, the registry, names every driver's struct service: it is
# not a driver.  Run after make (make check builds first).
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-drivers.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
bad=0 n=0

drivers=$(ls src/svc/svc-*.c 2>/dev/null | sed 's|^src/svc/svc-||; s|\.c$||')
[ -n "$drivers" ] || { echo "check-drivers: no src/svc/svc-*.c"; exit 2; }

for d in $drivers; do
	src=src/svc/svc-$d.c obj=build/svc/svc-$d.o
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ]; then
		echo "check-drivers: $obj missing or older than $src (run make first)"
		exit 2
	fi
	n=$((n + 1))
	# the headers of other drivers
	for h in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$src"); do
		for o in $drivers; do
			[ "$o" = "$d" ] && continue
			if [ "$h" = "$o.h" ] || [ "$h" = "$o-priv.h" ]; then
				echo "check-drivers: $src includes $h, the $o driver's header"
				bad=1
			fi
		done
	done
	# what each driver's object defines and needs
	nm --defined-only -g "$obj" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/def.$d"
	nm -u "$obj" | awk '{ print $NF }' | sort -u >"$tmp/use.$d"
done

for d in $drivers; do
	for o in $drivers; do
		[ "$o" = "$d" ] && continue
		for sym in $(comm -12 "$tmp/use.$d" "$tmp/def.$o"); do
			echo "check-drivers: src/svc/svc-$d.c uses $sym of src/svc/svc-$o.c"
			bad=1
		done
	done
done

[ "$bad" = 0 ] || exit 1
echo "check-drivers: ok ($n drivers, none includes another's header or uses its symbols)"
