#!/usr/bin/env bash
# make bench: generates once (cached in bench/cache/) the national sample with a fixed
# seed, then times `spie run` with --jobs 1 and --jobs 2 against `gzip -dc` of the same
# files, and prints persons/s, step rows/s, decompressed MB/s, peak memory and the ratios.
# Then the same with twice the persons (4 000 000, the same 72 territories): memory grows
# with the largest territory, not with the nation (the shipped table has every programme
# territory, so the nation cannot be doubled by adding territories here).
set -euo pipefail
cd "$(dirname "$0")/.."
SPIE=${SPIE:-build/spie}
CACHE=bench/cache
PERIOD=2023-12
mkdir -p "$CACHE"

gen() { # dir scale
    if [ ! -f "$1/.done" ]; then
        rm -rf "$1"
        echo "bench: generating $2 sample in $1 (once)..." >&2
        "$SPIE" sample --out "$1" --scale "$2" --seed 20261122 --until "$PERIOD" --history 1 >/dev/null
        touch "$1/.done"
    fi
}

measure() { python3 bench/measure.py "$@"; }

bench_one() { # dir label
    local dir=$1 label=$2
    local inbox="$dir/inbox" terr="$dir/territoires.csv"
    local bytes persons steps
    bytes=$(cat "$inbox"/*.csv.gz | gzip -dc | wc -c)
    bytes=$((bytes + $(cat "$inbox"/*.csv 2>/dev/null | wc -c)))
    persons=$(cat "$inbox"/*_beneficiaires.csv.gz | gzip -dc | grep -c . || true)
    steps=$(cat "$inbox"/*_etapes.csv.gz | gzip -dc | grep -c . || true)
    local mb
    mb=$(python3 -c "print(f'{$bytes/1e6:.1f}')")
    # gzip -dc of the same files, one process per file as spie reads them
    read -r g_wall g_peak _ < <(measure bash -c "for f in '$inbox'/*.csv.gz; do gzip -dc \"\$f\" >/dev/null; done")
    printf '%s: %s MB decompressed, ~%s persons, ~%s step rows\n' "$label" "$mb" "$persons" "$steps"
    printf '  gzip -dc            %7.2f s  %7.1f MB/s\n' "$g_wall" "$(python3 -c "print($bytes/1e6/$g_wall)")"
    for j in 1 2; do
        rm -rf "$CACHE/out"
        read -r wall peak rc < <(measure "$SPIE" run --period "$PERIOD" --inbox "$inbox" --territories "$terr" \
            --out "$CACHE/out" --jobs "$j" --quiet)
        python3 - "$wall" "$peak" "$rc" "$bytes" "$persons" "$steps" "$g_wall" "$j" <<'PY'
import sys
wall, peak, rc, b, p, s, g, j = sys.argv[1:]
wall, b, p, s, g = float(wall), int(b), int(p), int(s), float(g)
print(f"  spie run --jobs {j}   {wall:7.2f} s  {b/1e6/wall:7.1f} MB/s  {p/wall:10.0f} persons/s  "
      f"{s/wall:10.0f} step rows/s  peak {int(peak)/1024:6.1f} MiB  ratio to gzip -dc {wall/g:4.2f}  (exit {rc})")
PY
    done
}

make -s all
gen "$CACHE/national" national
bench_one "$CACHE/national" "national sample"
gen "$CACHE/double" 4000000
bench_one "$CACHE/double" "doubled nation (4 000 000 persons)"
