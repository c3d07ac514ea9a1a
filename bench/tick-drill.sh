#!/usr/bin/env bash
# Scale-to-zero drill, with figures: while no timer runs (as if no pod ran), work piles up -- orders whose events
# are not relayed, holds past their expiry, webhook deliveries due -- then external ticks do it, each item once.
#
#   bench/tick-drill.sh [seconds of orders=10] [holds=300] [ticks at once=3]
#
# Start the service with every timer off and http webhooks allowed first:
#   ORDO_OUTBOX_RELAY_ENABLED=false ORDO_WEBHOOKS_WORKERS_ENABLED=false QUARKUS_SCHEDULER_ENABLED=false \
#   ORDO_WEBHOOKS_ALLOW_HTTP=true ORDO_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true bin/run-local
#
#   1. bench/webhook-receiver.py on 127.0.0.1:$BENCH_RECEIVER_PORT (18092), subscribed once to order.created and
#      hold.expired of channel bench-web
#   2. bench/run-orders.sh uniform 64 <seconds> (no warm-up, no event figures): the orders' events stay unpublished
#   3. <holds> holds of one unit of SKU-1 with ttlSeconds 1 (8 curl at a time), then waits until they are due
#   4. GET /v1/ops/due, then <ticks> POST /v1/ops/tick at once (role ordo-ops), each one's wall time and per-duty
#      figures, then a last tick and GET /v1/ops/due again
#   5. checks: every hold EXPIRED with exactly one hold.expired event, no outbox event left unpublished, every
#      delivery of the subscription DELIVERED, the receiver saw each webhook-id once with a good signature, and
#      bench/check-invariants.sh
# Exit status 1 when a check fails. Environment: ORDO_URL, ORDO_DB (ordo), PG*, BENCH_RECEIVER_PORT.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
die() { echo "bench/tick-drill.sh: $*" >&2; exit 1; }
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
SECONDS_OF_ORDERS="${1:-10}"
HOLDS="${2:-300}"
TICKS="${3:-3}"
for n in "$SECONDS_OF_ORDERS" "$HOLDS" "$TICKS"; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "arguments are positive integers"; done
ORDO_URL="${ORDO_URL:-http://127.0.0.1:8080}"
ORDO_URL="${ORDO_URL%/}"
DB="${ORDO_DB:-ordo}"
PORT="${BENCH_RECEIVER_PORT:-18092}"
CHANNEL=bench-web
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}"
psqlq() { psql -X -q -At -d "$DB" -v ON_ERROR_STOP=1 -c "$1"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

curl -sf -o /dev/null "$ORDO_URL/q/health/ready" || die "no service ready at $ORDO_URL (see the header)"
ADMIN=$("$ROOT/bin/token" ordo-admin)
OPS=$("$ROOT/bin/token" ordo-ops)
SHOP=$("$ROOT/bin/token" ordo-channel "$CHANNEL")
"$HERE/setup.sh" --if-needed >/dev/null

python3 "$HERE/webhook-receiver.py" "$PORT" &
RECEIVER=$!
SUB=""
cleanup() {
  [ -z "$SUB" ] || curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $ADMIN" "$ORDO_URL/v1/webhooks/$SUB" || true
  kill "$RECEIVER" 2>/dev/null || true
}
trap cleanup EXIT
sleep 0.5
kill -0 "$RECEIVER" 2>/dev/null || die "the receiver did not start (port $PORT taken?)"
# subscriptions of an earlier run cut short would post to the same receiver with other secrets
psqlq "DELETE FROM webhook_subscriptions WHERE url = 'http://127.0.0.1:$PORT/hook/drill'" >/dev/null
answer=$(curl -s -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d "{\"url\":\"http://127.0.0.1:$PORT/hook/drill\",\"events\":[\"order.created\",\"hold.expired\"],\"channel\":\"$CHANNEL\"}" \
  "$ORDO_URL/v1/webhooks")
SUB=$(echo "$answer" | json 'd["id"]') || die "could not subscribe: $answer"
echo "$answer" | json 'd["secret"]' | curl -s -o /dev/null --data-binary @- "http://127.0.0.1:$PORT/secrets"
SINCE=$(psqlq "SELECT now()")
[ "$(psqlq "SELECT count(*) FROM outbox WHERE published_at IS NULL AND created_at < '$SINCE'")" = 0 ] \
  || echo "note: older unpublished events exist; the ticks relay them too"

echo "== 1. $SECONDS_OF_ORDERS s of orders with no relay =="
BENCH_EVENTS=0 BENCH_WARMUP= "$HERE/run-orders.sh" uniform 64 "${SECONDS_OF_ORDERS}s" | grep -E "orders/s|invariants" || true

echo "== 2. $HOLDS holds with ttlSeconds 1 =="
seq 1 "$HOLDS" | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $SHOP" \
  -H 'Content-Type: application/json' -d '{"lines":[{"sku":"SKU-1","quantity":1}],"ttlSeconds":1}' \
  "$ORDO_URL/v1/holds" | sort | uniq -c
sleep 2
sleep_more=0
while [ "$(psqlq "SELECT count(*) FROM holds WHERE created_at >= '$SINCE' AND status = 'ACTIVE' AND expires_at > now()")" != 0 ]; do
  sleep 1; sleep_more=$((sleep_more + 1)); [ $sleep_more -lt 30 ] || die "holds never fell due"
done
sleep 3
echo "still active after 3 s past expiry (nothing runs by itself): $(psqlq "SELECT count(*) FROM holds WHERE created_at >= '$SINCE' AND status = 'ACTIVE'")"

echo "== 3. due before the ticks =="
curl -s -H "Authorization: Bearer $OPS" "$ORDO_URL/v1/ops/due"; echo
echo "== 4. $TICKS ticks at once =="
OUT=$(mktemp -d)
TICK_PIDS=()
for i in $(seq 1 "$TICKS"); do
  curl -s -o "$OUT/$i.json" -w "tick $i: HTTP %{http_code} in %{time_total} s\n" -X POST \
    -H "Authorization: Bearer $OPS" "$ORDO_URL/v1/ops/tick" > "$OUT/$i.time" &
  TICK_PIDS+=($!)
done
wait "${TICK_PIDS[@]}"
for i in $(seq 1 "$TICKS"); do cat "$OUT/$i.time"; done
python3 - "$OUT"/*.json <<'PY'
import json, sys
rounds = [json.load(open(f)) for f in sys.argv[1:]]
for i, r in enumerate(rounds, 1):
    parts = [f"{o['duty']} {o['done']} in {o['millis']} ms" + (f" ERROR {o['error']}" if o.get("error") else "")
             for o in r["duties"] if o["done"] or o.get("error") or o["millis"] > 50]
    print(f"  tick {i}: complete={r['complete']} {r['millis']} ms: " + ", ".join(parts))
totals = {d: sum(o["done"] for r in rounds for o in r["duties"] if o["duty"] == d)
          for d in ("hold-expiry", "outbox-relay", "webhook-deliveries", "availability-feed")}
print("  done by the ticks together:", totals)
PY
rm -rf "$OUT"
echo "a last tick: $(curl -s -X POST -H "Authorization: Bearer $OPS" "$ORDO_URL/v1/ops/tick" | json '{o["duty"]: o["done"] for o in d["duties"] if o["done"]}')" \
  "(events the ticks' own work wrote meanwhile: stock.changed of the expired holds)"
echo "due after: $(curl -s -H "Authorization: Bearer $OPS" "$ORDO_URL/v1/ops/due")"

echo "== 5. checks =="
fail=0
check() { if [ "$2" = "$3" ]; then echo "ok   $1: $2"; else echo "FAIL $1: $2 (expected $3)"; fail=1; fi; }
check "holds still ACTIVE" "$(psqlq "SELECT count(*) FROM holds WHERE created_at >= '$SINCE' AND status = 'ACTIVE'")" 0
check "holds with other than one hold.expired" "$(psqlq "SELECT count(*) FROM holds h WHERE created_at >= '$SINCE' AND (SELECT count(*) FROM outbox o WHERE o.aggregate_id = h.id AND o.type = 'hold.expired') <> 1")" 0
check "events unpublished" "$(psqlq "SELECT count(*) FROM outbox WHERE published_at IS NULL")" 0
check "deliveries not DELIVERED" "$(psqlq "SELECT count(*) FROM webhook_deliveries WHERE subscription_id = '$SUB' AND status <> 'DELIVERED'")" 0
deliveries=$(psqlq "SELECT count(*) FROM webhook_deliveries WHERE subscription_id = '$SUB'")
expected=$(psqlq "SELECT (SELECT count(*) FROM orders WHERE channel = '$CHANNEL' AND created_at >= '$SINCE') + (SELECT count(*) FROM holds WHERE created_at >= '$SINCE')")
check "deliveries (one per order and hold)" "$deliveries" "$expected"
check "deliveries attempted more than once" "$(psqlq "SELECT count(*) FROM webhook_deliveries WHERE subscription_id = '$SUB' AND attempts > 1")" 0
stats=$(curl -s "http://127.0.0.1:$PORT/stats")
echo "receiver: $stats"
check "receiver duplicates" "$(echo "$stats" | json 'd["duplicates"]')" 0
check "receiver bad signatures" "$(echo "$stats" | json 'd["bad_signatures"]')" 0
check "receiver unique ids" "$(echo "$stats" | json 'd["unique"]')" "$deliveries"
"$HERE/check-invariants.sh" >/dev/null && echo "ok   invariants" || { echo "FAIL invariants"; fail=1; }
exit $fail
