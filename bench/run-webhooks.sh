#!/usr/bin/env bash
# Webhook delivery benchmark: deliveries/s and commit -> delivery latency to a local receiver that answers 200 at
# once, while the order benchmark runs.
#
#   bench/run-webhooks.sh [uniform|hot] [connections=64] [duration=30s]
#
#   1. starts bench/webhook-receiver.py on 127.0.0.1:$BENCH_RECEIVER_PORT (18091)
#   2. subscribes it BENCH_WEBHOOK_SUBS (2) times to order.created of channel bench-web (admin token), giving the
#      receiver every subscription's secret so that it checks every signature with its own HMAC code
#   3. runs bench/run-orders.sh with the same arguments (every accepted order = one delivery per subscription)
#   4. waits up to BENCH_WEBHOOK_WAIT (30) s until no delivery of these subscriptions is PENDING
#   5. prints the figures from the database (deliveries finished in the wrk window per second, commit -> delivered
#      latency p50/p99/max from webhook_deliveries.event_created_at to finished_at) and from the receiver
#      (received, duplicates, bad signatures, its own commit -> receipt latency from each body's timestamp)
#   6. deletes the subscriptions and stops the receiver
# The service must accept http and loopback targets: start it with
#   ORDO_WEBHOOKS_ALLOW_HTTP=true ORDO_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true bin/run-local
# Environment: as run-orders.sh (ORDO_URL, ORDO_DB, BENCH_WARMUP, ...), plus BENCH_RECEIVER_PORT,
# BENCH_WEBHOOK_SUBS, BENCH_WEBHOOK_WAIT.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ORDO_URL="${ORDO_URL:-http://127.0.0.1:8080}"
ORDO_URL="${ORDO_URL%/}"
DB="${ORDO_DB:-ordo}"
PORT="${BENCH_RECEIVER_PORT:-18091}"
SUBS="${BENCH_WEBHOOK_SUBS:-2}"
WAIT="${BENCH_WEBHOOK_WAIT:-30}"
CHANNEL="${BENCH_CHANNEL:-bench-web}"
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}"
psqlq() { psql -X -q -At -d "$DB" -v ON_ERROR_STOP=1 -c "$1"; }

python3 "$HERE/webhook-receiver.py" "$PORT" &
RECEIVER=$!
IDS=()
ADMIN=$("$ROOT/bin/token" ordo-admin)
cleanup() {
  for id in "${IDS[@]}"; do
    curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $ADMIN" "$ORDO_URL/v1/webhooks/$id" || true
  done
  kill "$RECEIVER" 2>/dev/null || true
}
trap cleanup EXIT
sleep 0.5
"$HERE/setup.sh" --if-needed >/dev/null

for i in $(seq 1 "$SUBS"); do
  answer=$(curl -s -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -d "{\"url\":\"http://127.0.0.1:$PORT/hook/$i\",\"events\":[\"order.created\"],\"channel\":\"$CHANNEL\"}" \
    "$ORDO_URL/v1/webhooks")
  id=$(echo "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') \
    || { echo "could not subscribe: $answer" >&2; exit 1; }
  echo "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])' \
    | curl -s -o /dev/null --data-binary @- "http://127.0.0.1:$PORT/secrets"
  IDS+=("$id")
done
in_list="'$(IFS=,; echo "${IDS[*]}" | sed "s/,/','/g")'"
echo "== webhooks: $SUBS subscription(s) of order.created for $CHANNEL -> http://127.0.0.1:$PORT =="

START=$(date +%s.%N)
"$HERE/run-orders.sh" "$@" || true
END=$(date +%s.%N)
RESULT=$(ls -t "$HERE"/results/*.txt 2>/dev/null | head -1)
# the wrk window of the run (after any warm-up): header time + duration, as events.sh reads it
read -r FROM TO < <(python3 - "$RESULT" "$START" "$END" <<'PY'
import re, sys, datetime
text = open(sys.argv[1]).read() if sys.argv[1] else ""
m = re.search(r"^RESULT .*duration_s=([0-9.]+)", text, re.M)
end = float(sys.argv[3]); dur = float(m.group(1)) if m else end - float(sys.argv[2])
# wrk ends before events.sh and the invariant checks: take the window from the EVENTS line when present
e = re.search(r"^EVENTS from=([0-9.]+) to=([0-9.]+)", text, re.M)
print(*( (e.group(1), e.group(2)) if e else (end - dur, end) ))
PY
)
for _ in $(seq 1 "$WAIT"); do
  pending=$(psqlq "SELECT count(*) FROM webhook_deliveries WHERE subscription_id IN ($in_list) AND status = 'PENDING'")
  [ "$pending" = 0 ] && break
  sleep 1
done
echo "== webhook deliveries: window $(date -u -d @"${FROM%.*}" +%T) .. $(date -u -d @"${TO%.*}" +%T)Z =="
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 <<SQL
\pset footer off
WITH d AS (SELECT * FROM webhook_deliveries WHERE subscription_id IN ($in_list)),
     w AS (SELECT to_timestamp($FROM) AS f, to_timestamp($TO) AS t)
SELECT (SELECT count(*) FROM d) AS deliveries,
       (SELECT count(*) FROM d WHERE status = 'DELIVERED') AS delivered,
       (SELECT count(*) FROM d WHERE status = 'PENDING') AS pending,
       (SELECT count(*) FROM d WHERE status = 'FAILED') AS failed,
       (SELECT count(*) FROM d WHERE attempts > 1) AS retried,
       round((SELECT count(*) FROM d, w WHERE finished_at BETWEEN w.f AND w.t)
             / extract(epoch FROM (SELECT t - f FROM w))::numeric, 1) AS delivered_per_s_in_window,
       round(extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY finished_at - event_created_at)) * 1000, 1) AS p50_ms,
       round(extract(epoch FROM percentile_cont(0.99) WITHIN GROUP (ORDER BY finished_at - event_created_at)) * 1000, 1) AS p99_ms,
       round(extract(epoch FROM max(finished_at - event_created_at)) * 1000, 1) AS max_ms
  FROM d WHERE status = 'DELIVERED';
SQL
echo "receiver: $(curl -s "http://127.0.0.1:$PORT/stats")"
