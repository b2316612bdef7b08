#!/bin/bash
# Section citations of the project's documents (README.md, "Documentation"). The contract
# documents of docs/ keep fixed section numbers, and code comments, tests and documents cite
# them by number. Checked here:
#   - every citation of a file of docs/ with a section sign, in the code (engine/,
#     reports/, samples/, include/, bench/), the tests, the documents and the README,
#     names a file that exists and has a "## N." heading; inside docs/, a citation
#     without the docs/ prefix is checked the same way when docs/ has that file. Lists are
#     understood: "§3-§5" (3, 4 and 5), "§1, §6", "§1 et §6";
#   - the contract documents have exactly the sections of the contract they restate;
#   - the checker itself finds broken citations in a planted tree (so a pass means
#     something).
. "$(dirname "$0")/lib/tap.sh"

# check_citations ROOT: prints one line per citation that does not resolve
# ("file:line: docs/NAME.md §N: why") and, last, "checked N"; exits 1 when one is broken.
check_citations() {
    local root=$1
    (
        cd "$root" || exit 2
        find engine reports samples include tests docs bench README.md Makefile -type f \
            \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' -o -name '*.md' -o -name Makefile \) \
            2>/dev/null | LC_ALL=C sort | perl -e '
            use strict; use warnings;
            my $sec = "\xC2\xA7";                      # the section sign, as UTF-8 bytes
            my $sep = qr/\s*(?:-|\xE2\x80\x93|,|et|and)\s*/;
            my $list = qr/$sec(\d+)((?:$sep$sec\d+)*)/;
            my ($checked, $bad) = (0, 0);
            my %heads;
            sub sections {                              # the "## N." headings of a document
                my ($doc) = @_;
                return $heads{$doc} if exists $heads{$doc};
                my %h;
                if (open(my $f, "<", "docs/$doc.md")) {
                    while (<$f>) { $h{$1} = 1 if /^## (\d+)\. / }
                    close $f;
                    return $heads{$doc} = \%h;
                }
                return $heads{$doc} = undef;
            }
            sub numbers {                              # "3", "-§5, §7" -> 3, 4, 5, 7
                my ($first, $rest) = @_;
                my @n = ($first);
                while ($rest =~ /($sep)$sec(\d+)/g) {
                    my ($how, $k) = ($1, $2);
                    if ($how =~ /-|\xE2\x80\x93/ && $k > $n[-1]) { push @n, ($n[-1] + 1) .. $k }
                    else { push @n, $k }
                }
                return @n;
            }
            while (my $file = <STDIN>) {
                chomp $file;
                next if $file eq "tests/e2e/90_doc_sections.sh";
                open(my $f, "<", $file) or next;
                my $in_docs = $file =~ m{^docs/};
                while (my $line = <$f>) {
                    my $ln = $.;                        # (reading a document resets $.)
                    my @cites;
                    while ($line =~ m{docs/([a-z][a-z0-9_-]*)\.md\)?[ \t]+$list}g) { push @cites, [$1, $2, $3, 1] }
                    if ($in_docs) {
                        while ($line =~ m{(?<![\w/.-])([a-z][a-z0-9_-]*)\.md\)?[ \t]+$list}g) {
                            push @cites, [$1, $2, $3, 0] if -f "docs/$1.md";
                        }
                    }
                    for my $c (@cites) {
                        my ($doc, $first, $rest) = @$c;
                        my $h = sections($doc);
                        for my $n (numbers($first, $rest)) {
                            $checked++;
                            if (!defined $h) { print "$file:$ln: docs/$doc.md $sec$n: no such document\n"; $bad++ }
                            elsif (!$h->{$n}) { print "$file:$ln: docs/$doc.md $sec$n: no \"## $n.\" heading\n"; $bad++ }
                        }
                    }
                }
                close $f;
            }
            print "checked $checked\n";
            exit($bad ? 1 : 0);
        '
    )
}

# ---- the checker finds what it must find --------------------------------------------------
FAKE=$TAP_TMP/fake
mkdir -p "$FAKE/docs" "$FAKE/engine" "$FAKE/tests"
printf '# A\n\n## 1. One\n\n## 2. Two\n\n## 4. Four\n' >"$FAKE/docs/a.md"
printf '/* docs/a.md \xc2\xa71 and docs/a.md \xc2\xa71-\xc2\xa74 */\n/* docs/gone.md \xc2\xa71 */\n' >"$FAKE/engine/x.c"
printf '# see [a.md](a.md) \xc2\xa72, \xc2\xa74 et \xc2\xa75, and spec.md \xc2\xa79\n' >"$FAKE/docs/b.md"
check_citations "$FAKE" >"$TAP_TMP/fake.out"
fake_st=$?
is "a planted tree: the checker fails" "$fake_st" 1
is "a planted tree: the broken citations, one line each" "$(grep -v '^checked' "$TAP_TMP/fake.out")" \
"docs/b.md:1: docs/a.md §5: no \"## 5.\" heading
engine/x.c:1: docs/a.md §3: no \"## 3.\" heading
engine/x.c:2: docs/gone.md §1: no such document"
is "a planted tree: every number of the lists checked" "$(grep '^checked' "$TAP_TMP/fake.out")" "checked 9"

# ---- the project ----------------------------------------------------------------------------
check_citations "$SRCDIR" >"$TAP_TMP/real.out"
real_st=$?
sed 's/^/# /' "$TAP_TMP/real.out" | tail -n 20
is "every section cited in the code, the tests and the documents exists" "$real_st" 0

# ---- the contract documents keep the contract's numbering ---------------------------------
headings() { # document -> its section numbers, space-separated
    sed -n 's/^## \([0-9][0-9]*\)\. .*/\1/p' "$SRCDIR/docs/$1.md" | tr '\n' ' ' | sed 's/ $//'
}
is "docs/format-extraits.md has sections 1 to 7" "$(headings format-extraits)" "1 2 3 4 5 6 7"
is "docs/methodologie.md has sections 0 to 9 (v1), 10 to 12 (v2)" "$(headings methodologie)" \
    "0 1 2 3 4 5 6 7 8 9 10 11 12"
is "docs/sorties.md has sections 1 to 6" "$(headings sorties)" "1 2 3 4 5 6"
is "docs/references.md has numbered sections" "$(headings references)" "1 2 3 4 5"

done_testing
