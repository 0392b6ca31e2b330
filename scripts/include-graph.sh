#!/bin/sh
# scripts/include-graph.sh [--dot] [TREE]: the #include "..." edges of
# TREE's src/ (default: this tree) counted between the layers of its
# Makefile's LAYERS line, lowest first.  An edge goes from the layer of the
# including file to the layer whose folder holds the header (found by name,
# as scripts/check-layers.sh does).  Prints per layer its files, lines and
# the edges that stay in it, go down or point up; then every layer pair;
# then the includes of another driver's header (src/svc/svc-NAME.c
# including OTHER.h or OTHER-priv.h of a driver svc-OTHER.c) and the files
# over 600 lines.  --dot prints the layer graph for graphviz instead.
dot=0
[ "$1" = --dot ] && { dot=1; shift; }
tree=${1:-$(dirname "$0")/..}
cd "$tree" || exit 2
layers=$(sed -n 's/^LAYERS = //p' Makefile)
[ -n "$layers" ] || { echo "include-graph: no LAYERS line in $tree/Makefile"; exit 2; }

# one line per edge: "FROM_LAYER TO_LAYER FILE HEADER"; "FROM ? FILE HEADER"
# for a header found in no layer (a system header in quotes, a .def)
edges() {
	for f in src/*/*.c src/*/*.h; do
		from=$(basename "$(dirname "$f")")
		sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | while read -r h; do
			at=$(ls src/*/"$h" 2>/dev/null | head -n 1)
			if [ -z "$at" ]; then
				echo "$from ? $f $h"
			else
				echo "$from $(basename "$(dirname "$at")") $f $h"
			fi
		done
	done
}
tmp=$(mktemp "${TMPDIR:-/tmp}/include-graph.XXXXXX") || exit 2
trap 'rm -f "$tmp"' EXIT
edges >"$tmp"

if [ "$dot" = 1 ]; then
	printf 'digraph layers {\n\trankdir=BT;\n'
	awk -v layers="$layers" '
	BEGIN { n = split(layers, L, " "); for (i = 1; i <= n; i++) rank[L[i]] = i }
	$2 != "?" && $1 != $2 { e[$1 " " $2]++ }
	END {
		for (k in e) {
			split(k, p, " ")
			up = rank[p[2]] > rank[p[1]]
			printf "\t\"%s\" -> \"%s\" [label=%d%s];\n", p[1], p[2], e[k],
			    up ? ",color=red" : ""
		}
	}' "$tmp" | sort
	echo "}"
	exit 0
fi

echo "include-graph: $(cd "$tree" && pwd)/src, layers lowest first: $layers"
printf '%-10s %5s %6s %8s %8s %8s %8s\n' layer files lines includes in-layer down up
for l in $layers; do
	files=$(ls src/"$l"/*.c src/"$l"/*.h 2>/dev/null | wc -l)
	lines=$(cat src/"$l"/*.c src/"$l"/*.h 2>/dev/null | wc -l)
	awk -v me="$l" -v layers="$layers" -v files="$files" -v lines="$lines" '
	BEGIN { n = split(layers, L, " "); for (i = 1; i <= n; i++) rank[L[i]] = i }
	$1 == me && $2 != "?" {
		all++
		if ($2 == me) own++
		else if (rank[$2] < rank[me]) down++
		else up++
	}
	END { printf "%-10s %5d %6d %8d %8d %8d %8d\n", me, files, lines, all, own, down, up }
	' "$tmp"
done
awk -v layers="$layers" '
BEGIN { n = split(layers, L, " "); for (i = 1; i <= n; i++) rank[L[i]] = i }
$2 == "?" { next }
{ all++; if ($1 == $2) own++; else if (rank[$2] < rank[$1]) down++; else { up++; ups = ups "\n  " $3 " -> " $4 } }
END {
	printf "total: %d includes of project headers: %d in a layer, %d down, %d up\n", all, own, down, up
	if (up) printf "pointing up:%s\n", ups
}' "$tmp"
echo "between layers (from -> to: includes):"
awk '$2 != "?" && $1 != $2 { e[$1 " -> " $2]++ } END { for (k in e) printf "  %-24s %d\n", k, e[k] }' "$tmp" |
	sort
drivers=$(ls src/svc/svc-*.c 2>/dev/null | sed 's|^src/svc/svc-||; s|\.c$||')
n=0
for d in $drivers; do
	for h in $(awk -v f="src/svc/svc-$d.c" '$3 == f { print $4 }' "$tmp"); do
		for o in $drivers; do
			[ "$o" = "$d" ] && continue
			if [ "$h" = "$o.h" ] || [ "$h" = "$o-priv.h" ]; then
				echo "  driver -> driver: svc-$d.c includes $h"
				n=$((n + 1))
			fi
		done
	done
done
echo "driver -> driver header includes: $n"
over=$(wc -l src/*/*.c src/*/*.h | awk '$2 != "total" && $1 > 600 { printf " %s(%d)", $2, $1 }')
echo "files over 600 lines:${over:- none}"
