#!/usr/bin/env bash
# Routing benchmark set-up (issue 15): five locations in three countries, and the bench channel's routing rules.
#
#   bench/routing.sh rules [RULES]   (after bench/setup.sh) BENCH-WH1..5 with countries, HOT-1 and SKU-1..N stocked
#                                    at the three new ones too, and the channel's rules set to RULES
#                                    (default SAME_COUNTRY,FEWEST_SHIPMENTS,PRIORITY)
#   bench/routing.sh default         the same five locations, the channel back on the default rules ([PRIORITY])
#
# Then run bench/run-orders.sh uniform|hot as usual: each order line is decided among five stock rows. Locations:
# BENCH-WH1 (priority 1, PT, 1e9 units), BENCH-WH2 (2, ES, 1000 units, from setup.sh), BENCH-WH3 (3, PT),
# BENCH-WH4 (4, FR), BENCH-WH5 (5, ES), the last three with BENCH_ROUTING_ON_HAND (1000) units of every SKU. The
# bench orders ship to PT: SAME_COUNTRY keeps WH1 and WH3, FEWEST_SHIPMENTS prefers the one that takes the whole
# order, PRIORITY decides between the rest.
# Environment: ORDO_URL (http://127.0.0.1:8080), BENCH_CHANNEL (bench-web), BENCH_SKUS (10000), BENCH_HOT_SKU
# (HOT-1), BENCH_ROUTING_ON_HAND (1000), ORDO_DB and PG* for psql.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ORDO_URL="${ORDO_URL:-http://127.0.0.1:8080}"
CHANNEL="${BENCH_CHANNEL:-bench-web}"
SKUS="${BENCH_SKUS:-10000}"
HOT_SKU="${BENCH_HOT_SKU:-HOT-1}"
ON_HAND="${BENCH_ROUTING_ON_HAND:-1000}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGDATABASE="${ORDO_DB:-ordo}"

die() { echo "bench/routing.sh: $*" >&2; exit 1; }
MODE="${1:-}"
RULES="${2:-SAME_COUNTRY,FEWEST_SHIPMENTS,PRIORITY}"
case "$MODE" in
  rules|default) ;;
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) die "usage: bench/routing.sh rules [RULES] | default (try --help)" ;;
esac
[[ "$SKUS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_SKUS must be a positive integer"
[[ "$ON_HAND" =~ ^[0-9]+$ ]] || die "BENCH_ROUTING_ON_HAND must be a number"
ADMIN="${ORDO_ADMIN_TOKEN:-$("$ROOT/bin/token" ordo-admin)}"

call() {  # method path body -> fails on anything but 2xx/409
  local code
  code=$(curl -sS -o /tmp/bench-routing.$$ -w '%{http_code}' -X "$1" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' ${3:+-d "$3"} "$ORDO_URL$2") || die "cannot reach $ORDO_URL"
  [[ "$code" == 2?? || "$code" == 409 ]] || die "$1 $2: HTTP $code: $(head -c 300 /tmp/bench-routing.$$)"
  rm -f /tmp/bench-routing.$$
}

call PATCH /v1/locations/BENCH-WH1 '{"country":"PT"}'
call PATCH /v1/locations/BENCH-WH2 '{"country":"ES"}'
for spec in WH3:3:PT WH4:4:FR WH5:5:ES; do
  IFS=: read -r name priority country <<<"$spec"
  call POST /v1/locations "{\"code\":\"BENCH-$name\",\"name\":\"Benchmark $name\",\"type\":\"WAREHOUSE\",\"priority\":$priority,\"country\":\"$country\"}"
done
psql -qtAX -v ON_ERROR_STOP=1 -v skus="$SKUS" -v hot="$HOT_SKU" -v on_hand="$ON_HAND" <<'SQL'
INSERT INTO stock (sku, location, on_hand, reserved)
SELECT sku, loc, :on_hand, 0
  FROM (SELECT 'SKU-' || g AS sku FROM generate_series(1, :skus) g UNION ALL SELECT :'hot') s,
       unnest(ARRAY['BENCH-WH3', 'BENCH-WH4', 'BENCH-WH5']) AS loc
ON CONFLICT (sku, location) DO NOTHING;
SQL
if [ "$MODE" = rules ]; then
  json=$(awk -v r="$RULES" 'BEGIN { n = split(r, a, ","); s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") "\"" a[i] "\""; print s }')
  call PUT "/v1/channels/$CHANNEL/routing" "{\"rules\":[$json],\"allowSplit\":true}"
  echo "bench/routing.sh: five locations; channel $CHANNEL routes with [$RULES]"
else
  call DELETE "/v1/channels/$CHANNEL/routing"
  echo "bench/routing.sh: five locations; channel $CHANNEL routes with the default [PRIORITY]"
fi
