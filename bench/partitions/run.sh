#!/usr/bin/env bash
# bench/partitions: ingest throughput and bytes per event of four raw-event layouts, and retention by DROP vs DELETE,
# on a private PostgreSQL cluster (initdb in a temp dir on PORT, default 5544). SQL only: no app in the loop, so it
# compares the layouts, not Driftwatch's end-to-end ingest (bench/ingest does that).
# usage: bash bench/partitions/run.sh [batches per client, default 1000 (2 clients × 1000 × 1000 events = 2M)]
set -euo pipefail
cd "$(dirname "$0")"
N=${1:-1000}; PORT=${PORT:-5544}
PG=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d); trap 'as_pg "$PG/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
as_pg "$PG/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
as_pg "$PG/pg_ctl" -D "$dir/data" -l "$dir/log" -o "-p $PORT -k $dir -c listen_addresses=127.0.0.1" -w start >/dev/null
P="psql -h 127.0.0.1 -p $PORT -U postgres -qtA"
$P -f setup.sql
for L in a c b d; do
  $P -c "ALTER SEQUENCE batches RESTART" -c "CHECKPOINT"
  echo "== layout $L: $(grep -m1 -o 'INSERT INTO ev_[a-z_]*' insert_$L.sql | tail -1)"
  pgbench -h 127.0.0.1 -p $PORT -U postgres -n -c 2 -j 2 -t "$N" -f insert_$L.sql postgres 2>&1 | grep -E "latency average|tps|error"
done
$P -F ' | ' -f size.sql
$P -f drop.sql
echo "-- the same 30 days removed by DELETE from today's table:"
$P -c '\timing on' -c "DELETE FROM ev_a WHERE ts < timestamptz '2026-10-31'"
