#!/bin/bash
# bench/gen-config.sh BASE N PREFIX [SERVICES...] : BASE's [migration], [host]
# and [dns] sections, then N generated [account PREFIXi] sections.  SERVICES
# cycles over the accounts ("files" = no services); default: web+mail, mail,
# files.  The journal key is left out: the caller appends its own.
base=$1 n=$2 prefix=$3
shift 3
[ $# -gt 0 ] || set -- "web mail" mail files
awk '/^\[account /{exit} /^journal *=/{next} {print}' "$base"
i=1
while [ "$i" -le "$n" ]; do
	for svc in "$@"; do
		[ "$i" -le "$n" ] || break
		a=$prefix$i
		printf '\n[account %s]\nowner = %s@owners.test\n' "$a" "$a"
		case $svc in
		files) ;;
		*) printf 'services = %s\ndomains = %s.test\n' "$svc" "$a" ;;
		esac
		case " $svc " in *" web "*)
			printf 'web = %s.test www.%s.test\ntest-name = test.%s.test\n' "$a" "$a" "$a" ;;
		esac
		case " $svc " in *" mail "*) printf 'mail = local\n' ;; esac
		i=$((i + 1))
	done
done
