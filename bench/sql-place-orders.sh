#!/usr/bin/env bash
# The intake SQL alone: pgbench calling place_orders with batches of 32 one-line orders on one connection, no HTTP,
# no service (its CPU is not in the figure), so that two builds' SQL can be compared within a minute, precisely.
#
#   bench/sql-place-orders.sh DB [hot|uniform] [seconds=10]
#
# DB: a database migrated and seeded by the build to measure (start that build with ORDO_DB_NAME=DB, run
# bench/setup.sh against it with ORDO_DB=DB, stop it). hot: every line HOT-1; uniform: SKU-1..SKU-10000 at random.
# Prints batches/s (x32 = orders/s). With track_functions = all on the database (ALTER DATABASE DB SET
# track_functions = 'all'), pg_stat_user_functions then gives each function's self time per call.
set -euo pipefail
DB="${1:?usage: bench/sql-place-orders.sh DB [hot|uniform] [seconds]}"
MODE="${2:-hot}"
SECONDS_="${3:-10}"
case "$MODE" in
  hot) SKU="'HOT-1'" ;;
  uniform) SKU="'SKU-' || (1 + floor(random() * 10000))::int" ;;
  *) echo "bench/sql-place-orders.sh: mode must be hot or uniform" >&2; exit 2 ;;
esac
script=$(mktemp)
trap 'rm -f "$script"' EXIT
cat > "$script" <<SQL
SELECT place_orders((SELECT jsonb_agg(jsonb_build_object('id', gen_random_uuid(), 'channel', 'bench-web', 'externalId', gen_random_uuid()::text, 'currency', 'EUR', 'currencyDigits', 2, 'customer', jsonb_build_object('email', 'a@example.com', 'name', 'A'), 'shippingAddress', jsonb_build_object('line1', 'Rua A 1', 'city', 'Lisboa', 'country', 'PT'), 'total', '10.00', 'holdId', null, 'actor', 'bench', 'lines', jsonb_build_array(jsonb_build_object('sku', $SKU, 'quantity', 1, 'unitPrice', '10.00')))) FROM generate_series(1, 32)));
SQL
pgbench -h "${PGHOST:-127.0.0.1}" -U "${PGUSER:-postgres}" -n -c 1 -T "$SECONDS_" -f "$script" "$DB" 2>&1 \
  | sed -n 's/^tps = \([0-9.]*\).*/batches\/s \1 (32 orders each, one connection, '"$MODE"')/p'
