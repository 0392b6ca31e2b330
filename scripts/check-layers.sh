#!/bin/sh
# Fails when a file in src/LAYER/ includes a header of a higher layer: the
# layers, lowest first, are the Makefile's LAYERS (src/ has one folder each).
# A header is found by its name in whichever layer folder holds it.
cd "$(dirname "$0")/.." || exit 2
layers=$(sed -n 's/^LAYERS = //p' Makefile)
[ -n "$layers" ] || { echo "check-layers: no LAYERS line in Makefile"; exit 2; }
rank() {
	i=0
	for l in $layers; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}
bad=0 n=0
for dir in src/*/; do
	layer=$(basename "$dir")
	mine=$(rank "$layer")
	if [ "$mine" -lt 0 ]; then
		echo "check-layers: $dir is not a layer named in the Makefile's LAYERS"
		bad=1
		continue
	fi
	for f in "$dir"*; do
		sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | while read -r h; do
			at=$(ls src/*/"$h" 2>/dev/null | head -n 1)
			if [ -z "$at" ]; then
				echo "check-layers: $f includes \"$h\", found in no layer"
				echo x
				continue
			fi
			theirs=$(rank "$(basename "$(dirname "$at")")")
			if [ "$theirs" -gt "$mine" ]; then
				echo "check-layers: $f ($layer) includes $at, a higher layer"
				echo x
			fi
		done
		n=$((n + 1))
	done
done >"${TMPDIR:-/tmp}/check-layers.$$"
if grep -q '^x$' "${TMPDIR:-/tmp}/check-layers.$$"; then
	grep -v '^x$' "${TMPDIR:-/tmp}/check-layers.$$"
	rm -f "${TMPDIR:-/tmp}/check-layers.$$"
	exit 1
fi
rm -f "${TMPDIR:-/tmp}/check-layers.$$"
[ "$bad" = 0 ] || exit 1
echo "check-layers: ok ($(ls src/*/* | wc -l) files in $(echo $layers | wc -w) layers, no include points up)"
