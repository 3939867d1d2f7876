#!/usr/bin/env bash
# HTTP load benchmark of order placement: 16 concurrent clients each place orders from distinct
# accepted quotes (every order numbers and renders its invoice and delivery note, writes its pack,
# ledger entry and mail), against the bare-Rocket baseline measured in the same run. SQLite and
# PostgreSQL. Prints orders/s, p50, p99, the ratio to the baseline and the errors, then checks that
# the portal holds exactly one order per 2xx answer and that reconciliation passes.
#
#   benches/orders.sh                      # 3,000 accepted quotes per database, 8 s of load
#   QUOTES_PER_DB=1500 DURATION=5 DBS=sqlite benches/orders.sh
#   PARTNERS=8 benches/orders.sh           # the quotes spread over 8 partners (default: all one
#                                          # partner's, the worst case for its document counters)
set -euo pipefail
cd "$(dirname "$0")/.."

DBS="${DBS:-sqlite postgres}"
DURATION="${DURATION:-8}"
QUOTES_PER_DB="${QUOTES_PER_DB:-3000}"
PARTNERS="${PARTNERS:-1}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
PORT=8198
BASELINE_PORT=8112
WORK="$(mktemp -d)"
TARGET="${CARGO_TARGET_DIR:-target}"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }

echo "building release binaries…" >&2
cargo build --release --quiet
cargo build --release --quiet --manifest-path ../shared/bench/baseline/Cargo.toml --target-dir "$TARGET/baseline"

wait_for() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

# wrk -t2 -c16: 16 connections, i.e. 16 clients each waiting for its answer before the next order.
run_wrk() {
  local url="$1" out
  out="$(wrk -t2 -c16 -d"${DURATION}s" --latency ${SCRIPT:+-s "$SCRIPT"} "$url")"
  local rps p50 p99 errors requests
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")"
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  echo "$rps $p50 $p99 ${errors:-0} $requests"
}

BASELINE_PORT=$BASELINE_PORT "$TARGET/baseline/release/rocket-baseline" >/dev/null 2>&1 &
BASELINE_PID=$!
wait_for "http://127.0.0.1:$BASELINE_PORT/hello"
read -r base_rps base_p50 base_p99 _ _ < <(run_wrk "http://127.0.0.1:$BASELINE_PORT/json")
kill $BASELINE_PID; wait $BASELINE_PID 2>/dev/null || true

printf '\n%-9s %-52s %10s %9s %9s %7s %7s %8s\n' db endpoint "req/s" p50 p99 ratio errors orders
printf '%-9s %-52s %10s %9s %9s %7s %7s %8s\n' - "baseline: bare Rocket GET /json, 16 connections" "$base_rps" "$base_p50" "$base_p99" "1.00" - -

for db in $DBS; do
  data="$WORK/$db"
  mkdir -p "$data"
  # The development profile seeds the showcase partner and its sales login on the empty database;
  # logs at error level so logging is not what is measured; mail goes to files.
  export FLEXPORTAL_DATA_DIR="$data" FLEXPORTAL_PORT=$PORT FLEXPORTAL_ADDRESS=127.0.0.1 \
    FLEXPORTAL_PROFILE=development FLEXPORTAL_LOG=error FLEXPORTAL_MAIL_TRANSPORT=file \
    FLEXPORTAL_JOBS_INTERVAL_SECONDS=0
  if [ "$db" = postgres ]; then
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS flexportal_bench_orders WITH (FORCE)" -qc "CREATE DATABASE flexportal_bench_orders" >/dev/null
    export FLEXPORTAL_DATABASE_URL="${PG_ADMIN%/*}/flexportal_bench_orders"
  else
    export FLEXPORTAL_DATABASE_URL=""
  fi
  "$TARGET/release/flexportal" serve >"$data/serve.log" 2>&1 &
  SERVER_PID=$!
  wait_for "http://127.0.0.1:$PORT/readyz"
  read -r _ email password < <(awk -F'\t' '$1=="partner_sales" {print $1, $2, $3; exit}' "$data/demo-logins.txt")
  read -r _ admin_email admin_password < <(awk -F'\t' '$1=="admin" {print $1, $2, $3; exit}' "$data/demo-logins.txt")
  echo "preparing $QUOTES_PER_DB accepted quotes of $PARTNERS partner(s) on $db…" >&2
  fixture="$(ADMIN_EMAIL="$admin_email" ADMIN_PASSWORD="$admin_password" python3 benches/orders_fixture.py "http://127.0.0.1:$PORT" "$email" "$password" "$QUOTES_PER_DB" "$data/quotes.txt" "$PARTNERS")"
  # Orders placed so far, summed over the partners.
  placed() {
    python3 - "$fixture" "http://127.0.0.1:$PORT" <<'PY'
import json, sys, urllib.request
tokens, base = json.loads(sys.argv[1])["tokens"], sys.argv[2]
total = 0
for token in tokens:
    request = urllib.request.Request(base + "/api/v1/orders?per_page=1", headers={"Authorization": "Bearer " + token})
    total += json.load(urllib.request.urlopen(request))["total"]
print(total)
PY
  }
  before="$(placed)"
  read -r rps p50 p99 errors requests < <(QUOTES="$data/quotes.txt" THREADS=2 SCRIPT=benches/orders.lua run_wrk "http://127.0.0.1:$PORT")
  after="$(placed)"
  ratio="$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {printf "%.4f", a/b}')"
  printf '%-9s %-52s %10s %9s %9s %7s %7s %8s\n' "$db" "POST /api/v1/orders, $PARTNERS partner(s)" "$rps" "$p50" "$p99" "$ratio" "$errors" "$((after - before))"
  kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true
  # Every answered order exists once and the books agree.
  FLEXPORTAL_PROFILE=development "$TARGET/release/flexportal" sweep | grep -E '^reconciliation' || { echo "sweep failed" >&2; exit 1; }
  if [ "$db" = postgres ]; then
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS flexportal_bench_orders WITH (FORCE)" >/dev/null
  fi
done
