#!/usr/bin/env bash
# make bench: generates once (cached in bench/cache/) the national sample with a fixed
# seed, then times `spie run` with --jobs 1 and --jobs 2 against `gzip -dc` of the same
# files and against the physical floor of reading (build/spie-floor, bench/floor.c: the same
# files inflated with ISA-L and split in place into lines and fields, nothing validated),
# with one thread and two, and prints persons/s, step rows/s, decompressed MB/s, peak
# memory and the ratios (spie run --jobs N to the N-thread floor).
# On the national sample it also times `spie check` (the reading alone) the same way.
# Then "nation grown by adding territories": the shipped table's 72 territories plus the 29
# départements it lacks (every French département, 101; the 29 are written here at run time
# from engine/core/geo.c, wave AMI2, the shipped AMI2 allocation), generated with
# `spie sample --territories` so that every territory keeps the national sample's persons.
# Then the nation doubled (and more) by adding territories: a nation of about half the
# persons (each région's largest territory, then every other one by size) against all 101
# départements. Memory holds the largest territory's persons and one set of accumulators
# per région, so it stays put while territories are added. Last the same 72 territories
# with twice the persons (4 000 000): memory then grows with the largest territory.
set -euo pipefail
cd "$(dirname "$0")/.."
SPIE=${SPIE:-build/spie}
FLOOR=${FLOOR:-build/spie-floor}
RUNS=${BENCH_RUNS:-1} # each figure is the best of RUNS runs (BENCH_RUNS=3 on a busy machine)
CACHE=bench/cache
PERIOD=2023-12
mkdir -p "$CACHE"

gen() { # dir scale [territories table]
    local table=${3:-}
    if [ ! -f "$1/.done" ] || { [ -n "$table" ] && ! cmp -s "$table" "$1/.table"; }; then
        rm -rf "$1"
        echo "bench: generating $2 sample in $1 (once)..." >&2
        "$SPIE" sample --out "$1" --scale "$2" --seed 20261122 --until "$PERIOD" --history 1 \
            ${table:+--territories "$table"} >/dev/null
        if [ -n "$table" ]; then cp "$table" "$1/.table"; fi
        touch "$1/.done"
    fi
}

# The 101 départements: the shipped table, then every département of engine/core/geo.c's list
# that it lacks, wave AMI2 with the allocation of the shipped table's first AMI2 row.
write_table_101() { # out
    local shipped=samples/territoires-defaut.csv alloc
    alloc=$(awk -F, '$2 == "AMI2" { print $3; exit }' "$shipped")
    if [ -z "$alloc" ]; then echo "bench: no AMI2 row in $shipped" >&2; exit 1; fi
    awk -F, -v alloc="$alloc" '
        NR == FNR { if (FNR > 1) have[$1] = 1; print; next }
        /^static const spie_dept depts\[\]/ { in_list = 1; next }
        in_list && /^};/ { in_list = 0 }
        in_list && match($0, /\{"[0-9AB]+"/) {
            code = substr($0, RSTART + 2, RLENGTH - 3)
            if (!(code in have)) print code ",AMI2," alloc
        }' "$shipped" engine/core/geo.c >"$1.tmp"
    local n
    n=$(($(wc -l <"$1.tmp") - 1))
    if [ "$n" -ne 101 ]; then echo "bench: $1 has $n territories, not 101" >&2; exit 1; fi
    mv "$1.tmp" "$1"
}

measure() { python3 bench/measure.py "$@"; }

# best RUNS: the least wall time of $RUNS runs of a command, with the largest peak memory
# and the last exit status ("<seconds> <peak_kib> <rc>").
best() {
    local i w p rc bw="" bp=0 brc=0
    for ((i = 0; i < RUNS; i++)); do
        read -r w p rc < <(measure "$@")
        if [ -z "$bw" ] || python3 -c "import sys; sys.exit(0 if $w < $bw else 1)"; then bw=$w; fi
        if [ "$p" -gt "$bp" ]; then bp=$p; fi
        brc=$rc
    done
    echo "$bw $bp $brc"
}

# time_spie COMMAND J: `spie COMMAND --jobs J` on the nation of bench_one (its inbox, terr,
# f1_wall and f2_wall), best of RUNS, into a scratch folder; sets wall, peak, rc, and floor
# (the J-thread floor's time).
time_spie() {
    rm -rf "$CACHE/out"
    read -r wall peak rc < <(best "$SPIE" "$1" --period "$PERIOD" --inbox "$inbox" --territories "$terr" \
        --out "$CACHE/out" --jobs "$2" --quiet)
    floor=$f1_wall
    if [ "$2" = 2 ]; then floor=$f2_wall; fi
}

bench_one() { # dir label [check]
    local dir=$1 label=$2 wall peak rc floor
    local inbox="$dir/inbox" terr="$dir/territoires.csv"
    local bytes persons steps
    bytes=$(cat "$inbox"/*.csv.gz | gzip -dc | wc -c)
    bytes=$((bytes + $(cat "$inbox"/*.csv 2>/dev/null | wc -c)))
    persons=$(cat "$inbox"/*_beneficiaires.csv.gz | gzip -dc | grep -c . || true)
    steps=$(cat "$inbox"/*_etapes.csv.gz | gzip -dc | grep -c . || true)
    local mb
    mb=$(python3 -c "print(f'{$bytes/1e6:.1f}')")
    # gzip -dc of the same files, one process per file as spie reads them
    read -r g_wall _ _ < <(best bash -c "for f in '$inbox'/*.csv.gz; do gzip -dc \"\$f\" >/dev/null; done")
    # the floor: ISA-L inflate and an in-place split of every file spie reads, 1 and 2 threads
    local files=("$inbox"/*.csv.gz)
    if compgen -G "$inbox/*.csv" >/dev/null; then files+=("$inbox"/*.csv); fi
    read -r f1_wall _ _ < <(best "$FLOOR" "${files[@]}")
    read -r f2_wall _ _ < <(best "$FLOOR" --threads 2 "${files[@]}")
    printf '%s: %s MB decompressed, ~%s persons, ~%s step rows (best of %s runs)\n' "$label" "$mb" "$persons" "$steps" "$RUNS"
    printf '  gzip -dc               %7.2f s  %7.1f MB/s\n' "$g_wall" "$(python3 -c "print($bytes/1e6/$g_wall)")"
    printf '  floor, 1 thread        %7.2f s  %7.1f MB/s  ratio to gzip -dc %4.2f\n' "$f1_wall" \
        "$(python3 -c "print($bytes/1e6/$f1_wall)")" "$(python3 -c "print($f1_wall/$g_wall)")"
    printf '  floor, 2 threads       %7.2f s  %7.1f MB/s  ratio to gzip -dc %4.2f\n' "$f2_wall" \
        "$(python3 -c "print($bytes/1e6/$f2_wall)")" "$(python3 -c "print($f2_wall/$g_wall)")"
    TERRS=$(($(wc -l <"$terr") - 1))
    PERSONS=$persons
    for j in 1 2; do
        time_spie run "$j"
        python3 - "$wall" "$peak" "$rc" "$bytes" "$persons" "$steps" "$g_wall" "$j" "$floor" <<'PY'
import sys
wall, peak, rc, b, p, s, g, j, f = sys.argv[1:]
wall, b, p, s, g, f = float(wall), int(b), int(p), int(s), float(g), float(f)
print(f"  spie run --jobs {j}      {wall:7.2f} s  {b/1e6/wall:7.1f} MB/s  {p/wall:10.0f} persons/s  "
      f"{s/wall:10.0f} step rows/s  peak {int(peak)/1024:6.1f} MiB  ratio to gzip -dc {wall/g:4.2f}, "
      f"to the {j}-thread floor {wall/f:4.2f}  (exit {rc})")
PY
        PEAK[$j]=$peak
    done
    # The reading alone (spie check: the files read and their rows judged, no figures nor
    # workbooks), to tell how much of the ratio to the floor is reading and how much the rest.
    if [ "${3:-}" = check ]; then
        for j in 1 2; do
            time_spie check "$j"
            python3 - "$wall" "$peak" "$rc" "$g_wall" "$j" "$floor" <<'PY'
import sys
wall, peak, rc, g, j, f = sys.argv[1:]
wall, g, f = float(wall), float(g), float(f)
print(f"  spie check --jobs {j}    {wall:7.2f} s  (reading only)  peak {int(peak)/1024:6.1f} MiB  "
      f"ratio to gzip -dc {wall/g:4.2f}, to the {j}-thread floor {wall/f:4.2f}  (exit {rc})")
PY
        done
    fi
}

declare -a PEAK

make -s all "$FLOOR"
gen "$CACHE/national" national
bench_one "$CACHE/national" "national sample" check
nat_terrs=$TERRS nat_persons=$PERSONS nat_peak1=${PEAK[1]} nat_peak2=${PEAK[2]}
write_table_101 "$CACHE/territoires-101.csv"
gen "$CACHE/national-101" national "$CACHE/territoires-101.csv"
bench_one "$CACHE/national-101" "nation grown by adding territories (every département)"
python3 - "$nat_terrs" "$TERRS" "$nat_persons" "$PERSONS" "$nat_peak1" "${PEAK[1]}" "$nat_peak2" "${PEAK[2]}" <<'PY'
import sys
t0, t1, p0, p1, a1, b1, a2, b2 = map(int, sys.argv[1:])
print(f"  {t0} -> {t1} territories (France has 101 départements: x{t1/t0:.2f} territories is the most "
      f"adding territories can show, not x2): persons x{p1/p0:.2f}, peak memory x{b1/a1:.2f} "
      f"(--jobs 1), x{b2/a2:.2f} (--jobs 2)")
PY
# The nation doubled by adding territories: about half of the persons of the 101
# départements against all of them, each territory with the same persons in both. The
# half holds each région's largest territory (so both runs have the same largest
# territory and the same régions: memory holds one set of accumulators per région), then
# every other remaining territory by size until half of the persons (file sizes stand for
# persons).
write_table_half() { # out
    python3 - "$CACHE/national-101/inbox" "$CACHE/territoires-101.csv" engine/core/geo.c >"$1.tmp" <<'PY'
import glob, os, re, sys
inbox, table, geo = sys.argv[1:]
region = {m[0]: m[2] for m in re.findall(r'\{"([0-9AB]+)", "([^"]*)", "([0-9]+)"\}', open(geo).read())}
size = {}
for f in glob.glob(os.path.join(inbox, "spie_*_beneficiaires.csv.gz")):
    size[os.path.basename(f).split("_")[1]] = os.path.getsize(f)
keep = set()
for r in set(region[c] for c in size):
    keep.add(max((s, c) for c, s in size.items() if region[c] == r)[1])
rest = sorted(((s, c) for c, s in size.items() if c not in keep), reverse=True)
total, half = sum(size.values()), sum(size.values()) / 2
for i, (s, c) in enumerate(rest):
    if sum(size[k] for k in keep) >= half:
        break
    if i % 2 == 0:
        keep.add(c)
lines = open(table).read().splitlines()
print(lines[0])
for line in lines[1:]:
    if line.split(",")[0] in keep:
        print(line)
PY
    mv "$1.tmp" "$1"
}
all_terrs=$TERRS all_persons=$PERSONS all_peak1=${PEAK[1]} all_peak2=${PEAK[2]}
write_table_half "$CACHE/territoires-half.csv"
gen "$CACHE/national-half" national "$CACHE/territoires-half.csv"
bench_one "$CACHE/national-half" "half of the persons (each région's largest territory, then every other one by size)"
python3 - "$TERRS" "$all_terrs" "$PERSONS" "$all_persons" "${PEAK[1]}" "$all_peak1" "${PEAK[2]}" "$all_peak2" <<'PY'
import sys
t0, t1, p0, p1, a1, b1, a2, b2 = map(int, sys.argv[1:])
print(f"  nation doubled by adding territories, {t0} -> {t1} territories: persons x{p1/p0:.2f}, "
      f"peak memory x{b1/a1:.2f} (--jobs 1), x{b2/a2:.2f} (--jobs 2)")
PY

gen "$CACHE/double" 4000000
bench_one "$CACHE/double" "doubled nation (4 000 000 persons)"
