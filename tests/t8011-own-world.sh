#!/bin/bash
# t8011: a world named by its admin, not by the lab: host sections called
# something else every run, the journal at a path relative to the config
# (the config's own name has a blank), a new account whose name and tree (file count and
# sizes) are drawn at random; alice and that account migrated with --jobs 2.
# Starts from a fresh seed world (lab reset).
. "$(dirname "$0")/lib.sh"
require_lab
seed=${T8011_SEED:-$$}
RANDOM=$seed
OLD=old-$RANDOM NEW=New.$RANDOM NS=dns_$RANDOM
ACCT=u$((RANDOM % 9000 + 1000))x
NFILES=$((RANDOM % 400 + 50))
DIR=/root/lab/own.$seed
CONF="$DIR/my ferry.conf"
say() { echo "# $*"; }
say "seed $seed: hosts $OLD $NEW $NS, account $ACCT with $NFILES files"

# files of random sizes and modes in directories with blanks in their names
MKTREE='srand($ARGV[1]); my $home = "/home/$ARGV[0]";
	for my $i (1 .. $ARGV[2]) {
		my $d = "$home/d" . int(rand(7)) . "/sub " . int(rand(3));
		system("mkdir", "-p", $d) == 0 or die;
		open my $fh, ">", "$d/f$i" or die; print $fh chr(65 + $i % 26) x int(rand(200000));
		close $fh; chmod(0600 + int(rand(2)) * 044, "$d/f$i");
	}'

# a listing of a tree that changes when any byte, mode, owner or time does
tree_sums() {	# HOST DIR
	lab "$1" sh -c 'cd "$1" && find . -printf "%P %y %m %U %G %s %T@ %l\n" | sort &&
		find . -type f -print0 | sort -z | xargs -0 sha256sum' sh "$2"
}

test_expect_success 'seed world; an account of random name and size on the old host' '
	"$LAB_SH" reset >reset.out 2>&1 &&
	lab charon sh -c "groupadd -g 4321 $ACCT && useradd -m -u 4321 -g $ACCT -s /bin/bash $ACCT" &&
	lab charon runuser -u "$ACCT" -- perl -e "$MKTREE" "$ACCT" "$seed" "$NFILES" &&
	tree_sums charon "/home/$ACCT" >before &&
	test "$(grep -c "^d[0-9]/sub [0-9]/f[0-9]* f " before)" -eq "$NFILES"
'

# a page of alice's written only on the old host, fetched from it before the move
MARK="t8011 seed $seed mark $RANDOM$RANDOM"
test_expect_success 'alice'\''s pages as the old host serves them; the new host has none' '
	lab charon runuser -u alice -- sh -c "echo \"\$1\" >~/public_html/t8011.html" sh "$MARK" &&
	fetch_pinned 192.0.2.10 www.alice.test /t8011.html >old-mark &&
	echo "$MARK" >expect && test_cmp expect old-mark &&
	fetch_pinned 192.0.2.10 www.alice.test / >old-index &&
	test -s old-index &&
	! fetch_pinned 192.0.2.20 www.alice.test /t8011.html >new-before 2>&1
'

test_expect_success 'the config names its hosts its own way; the journal path is relative' '
	lab client mkdir -p "$DIR/state" &&
	lab client sh -c "sed -e \"s/^\\[host charon\\]/[host $OLD]/; s/^\\[host neko-base\\]/[host $NEW]/\" \
		-e \"s/^\\[host ns3\\]/[host $NS]/; s/^from = charon/from = $OLD/; s/^to = neko-base/to = $NEW/\" \
		-e \"s/^primary = charon/primary = $OLD/; s/^secondaries = .*/secondaries = $NEW $NS/\" \
		-e \"s|^journal = .*|journal = state/ferry.db|\" /root/lab/ferry.conf >\"\$1\" &&
		printf \"\\n[account %s]\\nowner = %s@owners.test\\n\" $ACCT $ACCT >>\"\$1\"" sh "$CONF" &&
	! lab client grep -q -e charon\\] -e neko-base\\] -e ns3\\] "$CONF" &&
	lab client /ferry/ferry -c "$CONF" check >check.out 2>&1 &&
	lab client /ferry/ferry -c "$CONF" plan alice "$ACCT" >plan.out 2>&1 &&
	test_grep "$ACCT" plan.out
'

test_expect_success 'alice and the new account migrate side by side' '
	lab client /ferry/ferry -c "$CONF" run --yes --jobs 2 alice "$ACCT" >run.out 2>&1 &&
	lab client /ferry/ferry -c "$CONF" status --json >status.json &&
	python3 -c "
import json, sys
s = json.load(open(\"status.json\"))
assert s[\"migration\"] == {\"from\": \"$OLD\", \"to\": \"$NEW\"}, s[\"migration\"]
for a in s[\"accounts\"]:
    if a[\"name\"] in (\"alice\", \"$ACCT\"):
        bad = [st[\"id\"] for st in a[\"steps\"] if st[\"state\"] not in (\"done\", \"skipped\")]
        assert not bad, (a[\"name\"], bad)
"
'

test_expect_success 'the journal is where the config said, 0600' '
	test "$(lab client stat -c %a "$DIR/state/ferry.db")" = 600
'

test_expect_success 'the account'\''s tree is on the new host as it was, byte for byte' '
	tree_sums neko-base "/home/$ACCT" >after &&
	test_cmp before after
'

test_expect_success 'alice'\''s site answers from the new host on every nameserver' '
	for ns in 192.0.2.10 192.0.2.20 192.0.2.30; do
		test "$(dig_at $ns www.alice.test A)" = 192.0.2.20 || return 1
	done &&
	fetch_pinned 192.0.2.20 www.alice.test /t8011.html >new-mark &&
	test_cmp old-mark new-mark &&
	fetch_pinned 192.0.2.20 www.alice.test / >new-index &&
	test_cmp old-index new-index
'

lab client rm -rf "$DIR"
test_done
