#!/usr/bin/env bash
# make bench-instr: the instructions `spie run --jobs 1` executes, stage by stage, and those
# of the physical floor of reading (build/spie-floor, one thread), on a sample of 200 000
# persons generated once (bench/cache/instr/, the seed of make bench), counted by valgrind's
# callgrind. Unlike wall times, these counts are the same on every run, whatever else the
# machine does: on a shared machine, where a run varies by 10 % or more, they tell whether a
# change of a few percent did what it meant to. They do not see cache misses: a change that
# saves instructions but waits on memory shows here and not in make bench, so both are read.
#
# What is counted: the main process (the workbook writer is another process, not followed:
# the main process writes its own share of the workbooks, and indicateurs_<P>.csv). Under
# valgrind the C library and OpenSSL see a processor without SHA extensions, so hashing
# the inputs costs more instructions here than on the real machine: it is printed apart.
# Needs valgrind (Debian package valgrind, not in DEBIAN_PACKAGES: make bench-instr says so).
# Takes about two minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
SPIE=${SPIE:-build/spie}
FLOOR=${FLOOR:-build/spie-floor}
CACHE=bench/cache
PERIOD=2023-12
DIR=$CACHE/instr
PERSONS=${INSTR_PERSONS:-200000}

if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
    echo "bench-instr: valgrind is missing (apt-get install -y valgrind)" >&2
    exit 1
fi
if [ ! -f "$DIR/.done" ] || [ "$(cat "$DIR/.done")" != "$PERSONS" ]; then
    rm -rf "$DIR"
    echo "bench-instr: generating a sample of $PERSONS persons in $DIR (once)..." >&2
    "$SPIE" sample --out "$DIR" --scale "$PERSONS" --seed 20261122 --until "$PERIOD" --history 1 >/dev/null
    echo "$PERSONS" >"$DIR/.done"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=("$DIR"/inbox/*.csv.gz)
if compgen -G "$DIR/inbox/*.csv" >/dev/null; then files+=("$DIR"/inbox/*.csv); fi
rows=$(cat "$DIR"/inbox/*_beneficiaires.csv.gz "$DIR"/inbox/*_etapes.csv.gz | gzip -dc | grep -c . || true)

valgrind --tool=callgrind --callgrind-out-file="$tmp/floor.out" "$FLOOR" "${files[@]}" >/dev/null 2>"$tmp/floor.err"
rc=0
valgrind --tool=callgrind --callgrind-out-file="$tmp/run.out" "$SPIE" run --period "$PERIOD" --inbox "$DIR/inbox" \
    --territories "$DIR/territoires.csv" --out "$tmp/out" --jobs 1 --quiet >/dev/null 2>"$tmp/run.err" || rc=$?
if [ "$rc" -gt 1 ]; then
    echo "bench-instr: spie run failed (exit $rc):" >&2
    tail -5 "$tmp/run.err" >&2
    exit 1
fi
callgrind_annotate --inclusive=yes "$tmp/floor.out" >"$tmp/floor.txt"
callgrind_annotate --inclusive=yes --threshold=100 "$tmp/run.out" >"$tmp/run.txt"

python3 - "$tmp/floor.txt" "$tmp/run.txt" "$rows" "$PERSONS" <<'PY'
import re, sys
floor_txt, run_txt, rows, persons = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def counts(path):
    """Inclusive instructions by function name (the largest line of each), and the total."""
    total, by = 0, {}
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*([\d,]+)\s+\([^)]*\)\s+(\S+)", line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        if m.group(2) == "PROGRAM":
            total = n
            continue
        name = m.group(2).rsplit(":", 1)[-1]
        by[name] = max(by.get(name, 0), n)
    return total, by

f_total, _ = counts(floor_txt)
total, by = counts(run_txt)
g = lambda name: by.get(name, 0)
reading = g("spie_read_group")
inflate = g("isal_inflate")
hashing = g("spie_sha256_update")
feed = g("spie_rd_feed")
rules = g("spie_rd_data_record")
ring = g("spie_rd_pipe_push")
stages = [
    ("total (main process)", total, None),
    ("reading: spie_read_group", reading, rows),
    ("  inflate (ISA-L)", inflate, rows),
    ("  hashing the inputs (no SHA extensions under valgrind)", hashing, rows),
    ("  lines and fields split, rows judged: spie_rd_feed", feed, rows),
    ("    of which the row rules: spie_rd_data_record", rules, rows),
    ("      of which etapes rows and their persons: spie_rd_pipe_push", ring, rows),
    ("folding the persons: spie_cube_fold_deferred", g("spie_cube_fold_deferred"), persons),
    ("merging the territories: spie_cube_add, spie_cube_settle", g("spie_cube_add") + g("spie_cube_settle"), None),
    ("figures: spie_figures_build", g("spie_figures_build"), None),
    ("secret: spie_secret_apply", g("spie_secret_apply"), None),
    ("indicateurs_<P>.csv: spie_table_write_csv", g("spie_table_write_csv"), None),
    ("workbooks, the main process's share: spie_workbooks_write", g("spie_workbooks_write"), None),
]
print(f"instructions (callgrind), sample of {persons} persons, {rows} rows of beneficiaires and etapes, "
      f"spie run --jobs 1")
print(f"  {'floor of reading: build/spie-floor, 1 thread':64s} {f_total/1e6:10.1f} M  {f_total/rows:7.0f} a row")
for label, n, per in stages:
    unit = "a row" if per == rows else "a person" if per == persons else ""
    each = f"{n/per:7.0f} {unit}" if per else ""
    print(f"  {label:64s} {n/1e6:10.1f} M  {each}")
print(f"  ratio to the floor: reading {reading/f_total:.2f} ({(reading-hashing)/f_total:.2f} without hashing), "
      f"the whole run {total/f_total:.2f} ({(total-hashing)/f_total:.2f} without hashing)")
PY
