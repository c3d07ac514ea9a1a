#!/usr/bin/env bash
# Prepare the catalogue the order-intake benchmark needs, on a running Ordo service.
#
#   bench/setup.sh               create channel, locations and stock (idempotent; safe to rerun)
#   bench/setup.sh --if-needed   do nothing when everything is already in place (used by run-orders.sh)
#   bench/setup.sh --check       only report whether everything is in place (exit 0 yes, 1 no)
#
# Through the API (admin token from bin/token, or ORDO_ADMIN_TOKEN):
#   channel  bench-web (WEB)                      409 "already exists" is fine
#   location BENCH-WH1 (WAREHOUSE, priority 1)    409 is fine
#   location BENCH-WH2 (WAREHOUSE, priority 2)    409 is fine
#   stock    HOT-1 at BENCH-WH1 = BENCH_ON_HAND   PUT /v1/stock/HOT-1/BENCH-WH1
# Straight into the service's database with psql (10,000 PUTs would take minutes):
#   stock    SKU-1..SKU-N at BENCH-WH1 = BENCH_ON_HAND, and HOT-1 + SKU-1..SKU-N at BENCH-WH2 = BENCH_WH2_ON_HAND
#   (INSERT ... ON CONFLICT (sku, location) DO UPDATE SET on_hand = ...; reserved is never touched, so runs are
#   additive: reservations from earlier runs stay, and 1e9 on hand lasts for a very long time)
# BENCH_SEED=api seeds the SKUs with PUTs instead (4 in parallel) when the database is not reachable with psql.
#
# Environment:
#   ORDO_URL (http://127.0.0.1:8080)  BENCH_SKUS (10000)  BENCH_ON_HAND (1000000000, the schema's maximum)
#   BENCH_WH2_ON_HAND (1000; 0 = no WH2 rows)  BENCH_CHANNEL (bench-web)  BENCH_HOT_SKU (HOT-1)
#   ORDO_DB (ordo)  PGHOST (127.0.0.1)  PGPORT (5432)  PGUSER (postgres)  BENCH_SEED (sql | api)
#   ORDO_ADMIN_TOKEN (default: bin/token ordo-admin)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

ORDO_URL="${ORDO_URL:-http://127.0.0.1:8080}"
ORDO_URL="${ORDO_URL%/}"
SKUS="${BENCH_SKUS:-10000}"
ON_HAND="${BENCH_ON_HAND:-1000000000}"
WH2_ON_HAND="${BENCH_WH2_ON_HAND:-1000}"
CHANNEL="${BENCH_CHANNEL:-bench-web}"
HOT_SKU="${BENCH_HOT_SKU:-HOT-1}"
SEED="${BENCH_SEED:-sql}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGDATABASE="${ORDO_DB:-ordo}"
# Enough spare stock that "already set up" still means "a benchmark will not run out".
MIN_AVAILABLE="${BENCH_MIN_AVAILABLE:-1000000}"

die() { echo "bench/setup.sh: $*" >&2; exit 1; }
log() { echo "bench/setup.sh: $*"; }

MODE=setup
case "${1:-}" in
  '') ;;
  --if-needed) MODE=if-needed ;;
  --check) MODE=check ;;
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) die "unknown argument '$1' (try --help)" ;;
esac

[[ "$SKUS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_SKUS must be a positive integer, got '$SKUS'"
[[ "$ON_HAND" =~ ^[0-9]+$ ]] || die "BENCH_ON_HAND must be a number, got '$ON_HAND'"
[[ "$WH2_ON_HAND" =~ ^[0-9]+$ ]] || die "BENCH_WH2_ON_HAND must be a number, got '$WH2_ON_HAND'"
[[ "$SEED" == sql || "$SEED" == api ]] || die "BENCH_SEED must be sql or api, got '$SEED'"
command -v curl >/dev/null || die "curl is required"

psql_ok() { command -v psql >/dev/null && psql -qtAX -c 'SELECT 1' >/dev/null 2>&1; }

# Everything in place? Exact count with psql; a spot check through the API otherwise.
is_ready() {
  if psql_ok; then
    local n
    n=$(psql -qtAX -v ON_ERROR_STOP=1 -v skus="$SKUS" -v hot="$HOT_SKU" -v ch="$CHANNEL" -v min="$MIN_AVAILABLE" <<'SQL' 2>/dev/null
SELECT CASE WHEN (SELECT count(*) FROM channels WHERE code = :'ch') = 1
             AND (SELECT count(*) FROM locations WHERE code IN ('BENCH-WH1', 'BENCH-WH2')) = 2
            THEN (SELECT count(*) FROM stock
                   WHERE location = 'BENCH-WH1' AND on_hand - reserved >= :min
                     AND (sku = :'hot' OR sku IN (SELECT 'SKU-' || g FROM generate_series(1, :skus) g)))
            ELSE -1 END;
SQL
    ) || return 1
    [ "$n" = "$((SKUS + 1))" ]
  else
    local s body
    for s in "$HOT_SKU" SKU-1 "SKU-$SKUS"; do
      body=$(curl -fsS -H "Authorization: Bearer $ADMIN" "$ORDO_URL/v1/stock/$s" 2>/dev/null) || return 1
      if command -v jq >/dev/null; then
        jq -e --argjson min "$MIN_AVAILABLE" \
          'any(.locations[]; .location == "BENCH-WH1" and .available >= $min)' <<<"$body" >/dev/null || return 1
      else
        grep -q '"BENCH-WH1"' <<<"$body" || return 1
      fi
    done
  fi
}

# POST a JSON body; 2xx and 409 (already exists) are fine.
post_idempotent() {
  local path="$1" body="$2" what="$3" out code
  out=$(mktemp)
  code=$(curl -sS -o "$out" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' -d "$body" "$ORDO_URL$path") || { rm -f "$out"; die "cannot reach $ORDO_URL"; }
  case "$code" in
    2??) log "$what: created" ;;
    409) log "$what: already exists" ;;
    *) echo "bench/setup.sh: $what: HTTP $code: $(head -c 500 "$out")" >&2; rm -f "$out"; exit 1 ;;
  esac
  rm -f "$out"
}

put_stock() {
  local sku="$1" loc="$2" qty="$3" code
  code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' -d "{\"onHand\":$qty}" "$ORDO_URL/v1/stock/$sku/$loc") || code=000
  [[ "$code" == 2?? ]] || { echo "bench/setup.sh: PUT /v1/stock/$sku/$loc: HTTP $code" >&2; return 1; }
}

ADMIN="${ORDO_ADMIN_TOKEN:-$("$ROOT/bin/token" ordo-admin)}"

if [ "$MODE" != setup ]; then
  if is_ready; then
    log "catalogue already in place (channel $CHANNEL, BENCH-WH1/2, $HOT_SKU and SKU-1..SKU-$SKUS)"
    exit 0
  fi
  [ "$MODE" = check ] && { log "catalogue not (fully) in place"; exit 1; }
fi

curl -fsS -o /dev/null "$ORDO_URL/q/health/ready" || die "$ORDO_URL/q/health/ready is not 200: is the service running (bin/run-local)?"

post_idempotent /v1/channels "{\"code\":\"$CHANNEL\",\"name\":\"Benchmark web shop\",\"type\":\"WEB\"}" "channel $CHANNEL"
post_idempotent /v1/locations '{"code":"BENCH-WH1","name":"Benchmark warehouse 1","type":"WAREHOUSE","priority":1}' "location BENCH-WH1"
post_idempotent /v1/locations '{"code":"BENCH-WH2","name":"Benchmark warehouse 2","type":"WAREHOUSE","priority":2}' "location BENCH-WH2"
# The priorities matter (WH1 must be preferred); a location that already existed may have others.
if locs=$(curl -fsS -H "Authorization: Bearer $ADMIN" "$ORDO_URL/v1/locations" 2>/dev/null) && command -v jq >/dev/null; then
  p1=$(jq -r '(.items? // .)[] | select(.code == "BENCH-WH1") | .priority' <<<"$locs" 2>/dev/null || true)
  p2=$(jq -r '(.items? // .)[] | select(.code == "BENCH-WH2") | .priority' <<<"$locs" 2>/dev/null || true)
  if [ -n "$p1" ] && [ -n "$p2" ] && [ "$p1" -ge "$p2" ]; then
    echo "bench/setup.sh: warning: BENCH-WH1 priority $p1 is not below BENCH-WH2 priority $p2" >&2
  fi
fi

put_stock "$HOT_SKU" BENCH-WH1 "$ON_HAND" || exit 1
log "stock $HOT_SKU at BENCH-WH1: onHand $ON_HAND (API)"

start=$(date +%s)
if [ "$SEED" = sql ]; then
  psql_ok || die "cannot connect with psql to database '$PGDATABASE' on $PGHOST:$PGPORT as $PGUSER (set ORDO_DB/PG*, or BENCH_SEED=api)"
  psql -qtAX -v ON_ERROR_STOP=1 -v skus="$SKUS" -v hot="$HOT_SKU" -v on_hand="$ON_HAND" -v wh2="$WH2_ON_HAND" <<'SQL'
BEGIN;
INSERT INTO stock (sku, location, on_hand, reserved)
SELECT 'SKU-' || g, 'BENCH-WH1', :on_hand, 0 FROM generate_series(1, :skus) g
ON CONFLICT (sku, location) DO UPDATE SET on_hand = GREATEST(EXCLUDED.on_hand, stock.reserved), updated_at = now();
INSERT INTO stock (sku, location, on_hand, reserved)
SELECT sku, 'BENCH-WH2', :wh2, 0
  FROM (SELECT :'hot' AS sku UNION ALL SELECT 'SKU-' || g FROM generate_series(1, :skus) g) s
 WHERE :wh2 > 0
ON CONFLICT (sku, location) DO UPDATE SET on_hand = GREATEST(EXCLUDED.on_hand, stock.reserved), updated_at = now();
COMMIT;
ANALYZE stock;
SQL
  log "stock SKU-1..SKU-$SKUS at BENCH-WH1: onHand $ON_HAND; $HOT_SKU and SKUs at BENCH-WH2: onHand $WH2_ON_HAND (psql, db $PGDATABASE, $(( $(date +%s) - start ))s)"
else
  export -f put_stock
  export ADMIN ORDO_URL
  { seq 1 "$SKUS" | sed "s/.*/SKU-& BENCH-WH1 $ON_HAND/"
    if [ "$WH2_ON_HAND" -gt 0 ]; then
      echo "$HOT_SKU BENCH-WH2 $WH2_ON_HAND"
      seq 1 "$SKUS" | sed "s/.*/SKU-& BENCH-WH2 $WH2_ON_HAND/"
    fi
  } | xargs -P 4 -n 3 bash -c 'put_stock "$@"' _ || die "some stock PUTs failed"
  log "stock SKU-1..SKU-$SKUS at BENCH-WH1: onHand $ON_HAND; BENCH-WH2: $WH2_ON_HAND (API, $(( $(date +%s) - start ))s)"
fi

if is_ready; then
  log "done: channel $CHANNEL, BENCH-WH1 (1), BENCH-WH2 (2), $HOT_SKU and SKU-1..SKU-$SKUS"
else
  die "stock is not in place after seeding (check the output above)"
fi
