#!/usr/bin/env bash
# Usage analytics latency for a customer with the roll-ups of 1,000,000 usage events, on SQLite and
# PostgreSQL: runs benches/usage_analytics.rs (release build) once per database. It prints p50/p99
# of the usage API, the usage page, the CSV export and the purchaser's balance page, one request at
# a time in process and over HTTP with wrk at two connections.
#
#   CARGO_TARGET_DIR=/work/target-release-analytics benches/usage_analytics.sh
#   DBS=sqlite benches/usage_analytics.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DBS="${DBS:-sqlite postgres}"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"

for db in $DBS; do
  echo "== $db"
  if [ "$db" = postgres ]; then
    FLEXPORTAL_TEST_DATABASE_URL="$PG_ADMIN" cargo bench --quiet --bench usage_analytics
  else
    FLEXPORTAL_TEST_DATABASE_URL="" cargo bench --quiet --bench usage_analytics
  fi
done
