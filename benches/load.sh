#!/usr/bin/env bash
# HTTP load benchmark of the public partner search against the bare-Rocket baseline, measured in
# the same run on the same machine. Builds release binaries, generates deterministic directories
# with `flexportal demo-data`, serves them on SQLite and PostgreSQL, and drives each endpoint with
# wrk (2 threads, 64 connections). Prints a table: endpoint, requests/s, p50, p99, ratio to the
# baseline (measured again before each database and size), resident memory of the server
# afterwards; after the mixed JSON and HTML load, the server's resident and peak memory.
#
# Release binaries go to $CARGO_TARGET_DIR (default target/) and are copied into a private folder
# before anything runs, so a build someone else starts in a shared target folder cannot swap them.
#
#   benches/load.sh                 # 10,000 and 100,000 partners, SQLite and PostgreSQL
#   SIZES="10000" DBS="sqlite" DURATION=5 benches/load.sh
#   FLEXPORTAL_BIN=/path/to/flexportal benches/load.sh   # a release binary built beforehand
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-10000 100000}"
DBS="${DBS:-sqlite postgres}"
DURATION="${DURATION:-10}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
PORT=8197
BASELINE_PORT=8111
TARGET="${CARGO_TARGET_DIR:-target}"
# Production refuses a passphrase: 32 random bytes in base64, new for every run.
SECRET_KEY="$(head -c 32 /dev/urandom | base64)"
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }

echo "building release binaries…" >&2
if [ -n "${FLEXPORTAL_BIN:-}" ]; then
  cp "$FLEXPORTAL_BIN" "$WORK/flexportal"
else
  nice -n 19 cargo build --release --quiet
  cp "$TARGET/release/flexportal" "$WORK/flexportal"
fi
nice -n 19 cargo build --release --quiet --manifest-path ../shared/bench/baseline/Cargo.toml --target-dir target/baseline
cp target/baseline/release/rocket-baseline "$WORK/rocket-baseline"

wait_for() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

# wrk prints "Requests/sec: N" and, with --latency, percentile lines "50% 1.23ms".
run_wrk() {
  local url="$1" out
  out="$(wrk -t2 -c64 -d"${DURATION}s" --latency ${SCRIPT:+-s "$SCRIPT"} "$url" ${SCRIPT_ARG:+-- "$SCRIPT_ARG"})"
  local rps p50 p99 errors
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")"
  echo "$rps $p50 $p99 ${errors:-0}"
}

# The baseline is measured again before each database and size, so a ratio compares figures taken
# minutes apart, not the whole run apart: this machine's speed drifts over a run of twenty minutes.
measure_baseline() {
  BASELINE_PORT=$BASELINE_PORT "$WORK/rocket-baseline" >/dev/null 2>&1 &
  local pid=$!
  wait_for "http://127.0.0.1:$BASELINE_PORT/hello"
  read -r base_rps base_p50 base_p99 _ < <(run_wrk "http://127.0.0.1:$BASELINE_PORT/json")
  kill $pid; wait $pid 2>/dev/null || true
  printf '%-9s %-8s %-58s %10s %9s %9s %7s %8s %7s\n' - - "baseline: bare Rocket GET /json (20 objects)" "$base_rps" "$base_p50" "$base_p99" "1.00" - -
}

printf '\n%-9s %-8s %-58s %10s %9s %9s %7s %8s %7s\n' db partners endpoint "req/s" p50 p99 ratio "rss MiB" errors

ENDPOINTS=(
  "/api/v1/partners"
  "/api/v1/partners?q=%E6%9D%B1%E4%BA%AC"
  "/api/v1/partners?q=tokyo"
  "/api/v1/partners?q=%E3%82%BD%E3%83%AA%E3%83%A5"
  "/api/v1/partners?region=JP-27&language=en&service=flex_tokens"
  "/partners?region=JP-13&q=%E6%9D%B1%E4%BA%AC"
)

for size in $SIZES; do
  for db in $DBS; do
    data="$WORK/$db-$size"
    mkdir -p "$data"
    # Served with the production profile (JSON logs at error level, secure cookies); the mail
    # transport is the file one since nothing here sends mail. The search limit stays on, set
    # high enough for one load generator, so its cost is part of what is measured.
    export FLEXPORTAL_DATA_DIR="$data" FLEXPORTAL_PORT=$PORT FLEXPORTAL_ADDRESS=127.0.0.1 \
      FLEXPORTAL_SECRET_KEY="$SECRET_KEY" \
      FLEXPORTAL_MAIL_TRANSPORT=file FLEXPORTAL_SEARCH_REQUESTS_PER_CLIENT_PER_MINUTE=1000000000
    if [ "$db" = postgres ]; then
      name="flexportal_bench_$size"
      psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" -qc "CREATE DATABASE $name" >/dev/null
      export FLEXPORTAL_DATABASE_URL="${PG_ADMIN%/*}/$name"
    else
      export FLEXPORTAL_DATABASE_URL=""
    fi
    FLEXPORTAL_PROFILE=test "$WORK/flexportal" demo-data --partners "$size" --seed 7 >/dev/null 2>&1
    # The command above saves the index it opened with (the empty directory); start without it.
    rm -f "$data/directory.index"
    # First start on the new database: loads every partner and builds the index, then saves it to
    # the data folder in the background. The restart after it reads the saved index back.
    for start in first restart; do
      started=$(date +%s.%N)
      FLEXPORTAL_PROFILE=production "$WORK/flexportal" serve >"$data/serve.log" 2>&1 &
      SERVER_PID=$!
      wait_for "http://127.0.0.1:$PORT/readyz"
      ready=$(date +%s.%N)
      label="restart (reads the saved index)"
      [ "$start" = first ] && label="first start (loads and indexes every partner)"
      printf '%-9s %-8s %-58s %s s\n' "$db" "$size" "start to ready: $label" "$(awk -v a="$started" -v b="$ready" 'BEGIN {printf "%.2f", b-a}')"
      if [ "$start" = first ]; then
        for _ in $(seq 1 600); do [ -e "$data/directory.index" ] && break; sleep 0.1; done
        kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true
      fi
    done
    measure_baseline
    for endpoint in "${ENDPOINTS[@]}"; do
      curl -fs "http://127.0.0.1:$PORT$endpoint" >/dev/null   # warm up and check it answers 200
      read -r rps p50 p99 errors < <(run_wrk "http://127.0.0.1:$PORT$endpoint")
      ratio="$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {printf "%.2f", a/b}')"
      rss="$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$SERVER_PID/status)"
      printf '%-9s %-8s %-58s %10s %9s %9s %7s %8s %7s\n' "$db" "$size" "$endpoint" "$rps" "$p50" "$p99" "$ratio" "$rss" "$errors"
    done
    # A different search on every request (benches/mixed.lua), so per-query caches see real misses:
    # the JSON API, the search page in Japanese and in English, then all three in turn.
    for mix in "json|mixed JSON: 1,974 distinct searches (benches/mixed.lua)" \
               "html|mixed HTML ja: the same searches as pages, Japanese" \
               "html-en|mixed HTML en: the same searches as pages, English" \
               "all|mixed JSON + HTML ja + HTML en in turn"; do
      arg="${mix%%|*}"
      [ "$arg" = json ] && arg=""
      read -r rps p50 p99 errors < <(SCRIPT=benches/mixed.lua SCRIPT_ARG="$arg" run_wrk "http://127.0.0.1:$PORT")
      ratio="$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {printf "%.2f", a/b}')"
      rss="$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$SERVER_PID/status)"
      printf '%-9s %-8s %-58s %10s %9s %9s %7s %8s %7s\n' "$db" "$size" "${mix#*|}" "$rps" "$p50" "$p99" "$ratio" "$rss" "$errors"
    done
    printf '%-9s %-8s %-58s %s\n' "$db" "$size" "memory after the mixed JSON and HTML load" \
      "$(awk '/VmRSS/ {rss=$2} /VmHWM/ {hwm=$2} END {printf "RSS %.0f MiB, peak %.0f MiB", rss/1024, hwm/1024}' /proc/$SERVER_PID/status)"
    kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true
    if [ "$db" = postgres ]; then psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS flexportal_bench_$size WITH (FORCE)" >/dev/null; fi
  done
done
