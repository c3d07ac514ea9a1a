#!/usr/bin/env bash
# Check the stock/order invariants in the service's database (bench/invariants.sql) and print PASS/FAIL lines.
#
#   bench/check-invariants.sh          exit 0 when nothing FAILs (SKIP is not a failure), 1 otherwise
#
#   (a) every stock row has 0 <= reserved <= on_hand
#   (b) for every (sku, location): stock.reserved = sum of open allocations (orders and holds)
#   (c) no two orders share (channel, external_id)
#
# Environment: ORDO_DB (ordo), PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres).
# Table and column names are detected; override them when the schema differs:
#   ALLOC_TABLE (allocations)  ALLOC_QTY (quantity|qty)  ALLOC_SKU (sku)  ALLOC_LOC (location|location_code)
#   ALLOC_OPEN ('released_at IS NULL', raw SQL)  ORDERS_TABLE (orders)  ORDERS_CHANNEL (channel|channel_code)
#   ORDERS_EXT (external_id)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGDATABASE="${ORDO_DB:-ordo}"

case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
  '') ;;
  *) echo "usage: bench/check-invariants.sh" >&2; exit 2 ;;
esac

command -v psql >/dev/null || { echo "FAIL psql not found (apt-get install postgresql-client)"; exit 1; }
psql -qtAX -c 'SELECT 1' >/dev/null 2>&1 || { echo "FAIL cannot connect to database '$PGDATABASE' on $PGHOST:$PGPORT as $PGUSER"; exit 1; }

q() { psql -qtAX -v ON_ERROR_STOP=1 "$@"; }

# First column of $2.. that table $1 has (visible on the search_path), else empty.
first_column() {
  local table="$1" c; shift
  for c in "$@"; do
    if [ "$(q -v t="$table" -v c="$c" <<'SQL'
SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass(:'t') AND attname = :'c' AND NOT attisdropped;
SQL
    )" = 1 ]; then echo "$c"; return; fi
  done
}

ALLOC_TABLE="${ALLOC_TABLE:-}"
if [ -z "$ALLOC_TABLE" ]; then
  if [ "$(q -c "SELECT to_regclass('allocations') IS NOT NULL")" = t ]; then
    ALLOC_TABLE=allocations
  else
    # Another name? Any table with sku, location, a quantity and released_at (e.g. order_allocations).
    ALLOC_TABLE=$(q <<'SQL'
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (current_schemas(false))
   AND c.relname NOT IN ('stock', 'stock_movements')
   AND (SELECT count(DISTINCT CASE WHEN attname IN ('quantity', 'qty') THEN 'q' WHEN attname IN ('location', 'location_code') THEN 'l' ELSE attname END)
          FROM pg_attribute WHERE attrelid = c.oid AND NOT attisdropped
           AND attname IN ('sku', 'location', 'location_code', 'quantity', 'qty', 'released_at')) = 4
 ORDER BY c.relname LIMIT 1;
SQL
    )
    if [ -n "$ALLOC_TABLE" ]; then echo "note: no table 'allocations'; using '$ALLOC_TABLE' (set ALLOC_TABLE to change)"; fi
    ALLOC_TABLE="${ALLOC_TABLE:-allocations}"
  fi
fi
ALLOC_QTY="${ALLOC_QTY:-$(first_column "$ALLOC_TABLE" quantity qty)}"
ALLOC_SKU="${ALLOC_SKU:-$(first_column "$ALLOC_TABLE" sku)}"
ALLOC_LOC="${ALLOC_LOC:-$(first_column "$ALLOC_TABLE" location location_code)}"
if [ -z "${ALLOC_OPEN:-}" ]; then
  if [ -n "$(first_column "$ALLOC_TABLE" released_at)" ] || [ "$(q -c "SELECT to_regclass('$ALLOC_TABLE') IS NULL")" = t ]; then
    ALLOC_OPEN='released_at IS NULL'
  else
    echo "note: $ALLOC_TABLE has no released_at; counting every row as open (set ALLOC_OPEN to a SQL predicate)"
    ALLOC_OPEN='true'
  fi
fi
ORDERS_TABLE="${ORDERS_TABLE:-orders}"
ORDERS_CHANNEL="${ORDERS_CHANNEL:-$(first_column "$ORDERS_TABLE" channel channel_code)}"
ORDERS_EXT="${ORDERS_EXT:-$(first_column "$ORDERS_TABLE" external_id external_ref)}"

out=$(psql -qtAX -v ON_ERROR_STOP=1 \
  -v alloc_table="$ALLOC_TABLE" -v alloc_qty="${ALLOC_QTY:-quantity}" -v alloc_sku="${ALLOC_SKU:-sku}" \
  -v alloc_loc="${ALLOC_LOC:-location}" -v alloc_open="$ALLOC_OPEN" -v orders_table="$ORDERS_TABLE" \
  -v orders_channel="${ORDERS_CHANNEL:-channel}" -v orders_ext="${ORDERS_EXT:-external_id}" \
  -f "$HERE/invariants.sql" 2>&1) && rc=0 || rc=$?
echo "$out"
if [ "$rc" -ne 0 ]; then
  echo "FAIL invariants.sql stopped with an error (psql exit $rc): a table or column name may differ, see above"
  exit 1
fi
if grep -q '^FAIL' <<<"$out"; then
  echo "invariants: FAIL (database $PGDATABASE)"
  exit 1
fi
echo "invariants: OK (database $PGDATABASE)"
