#!/usr/bin/env bash
# AMQP order-intake benchmark: COUNT order messages to ordo.orders.in, then wait until they are orders.
#
#   bench/run-amqp-intake.sh [count=5000]
#
#   1. checks that $ORDO_URL/q/health/ready answers 200, then bench/setup.sh --if-needed
#   2. node bench/amqp-intake.mjs COUNT <run prefix>: COUNT unique messages (body = order JSON with channel
#      bench-web, externalId = message_id = <run prefix>-<n>, 1-3 lines like orders.lua uniform mode), durable,
#      as fast as the broker's credit allows; waits for the broker's accepted dispositions
#   3. polls SELECT count(*) FROM orders WHERE channel = 'bench-web' AND external_id LIKE '<run prefix>-%' until all
#      COUNT are there (or BENCH_INTAKE_TIMEOUT seconds after the last send without reaching COUNT)
#   4. prints the send rate, the end-to-end intake rate (orders / (last order's created_at - first send)), how
#      many are missing (shortage = order.rejected event in the outbox; the rest dead-lettered to
#      ordo.orders.in.dead or still in flight), bench/events.sh for the intake window, bench/check-invariants.sh
# Output is also saved in bench/results/<time>-amqp-intake-n<count>.txt. Exit status 1 when an invariant FAILs,
# when an order is missing, or when a step could not run.
#
# Environment: ORDO_URL (http://127.0.0.1:8080, loopback only), AMQP_HOST (127.0.0.1, loopback only), AMQP_PORT
# (5673), AMQP_USER / AMQP_PASSWORD (ordo / ordo), BENCH_CHANNEL (bench-web), BENCH_SKUS (10000), BENCH_MAX_LINES
# (3), BENCH_RUN_ID (default: time + random bytes; externalIds are A-<run id>-<n>), BENCH_INTAKE_TIMEOUT (120),
# BENCH_POLL_INTERVAL (0.2), ORDO_DB and PG* for setup, the polling, the events and the invariants.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

die() { echo "bench/run-amqp-intake.sh: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

case "${1:-}" in -h|--help) usage 0 ;; esac
[ $# -le 1 ] || usage
COUNT="${1:-5000}"
[[ "$COUNT" =~ ^[1-9][0-9]*$ ]] || die "count must be a positive integer, got '$COUNT'"
ORDO_URL="${ORDO_URL:-http://127.0.0.1:8080}"
ORDO_URL="${ORDO_URL%/}"
CHANNEL="${BENCH_CHANNEL:-bench-web}"
TIMEOUT="${BENCH_INTAKE_TIMEOUT:-120}"
POLL="${BENCH_POLL_INTERVAL:-0.2}"
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "BENCH_INTAKE_TIMEOUT must be a positive integer (seconds), got '$TIMEOUT'"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGDATABASE="${ORDO_DB:-ordo}"

hostport="${ORDO_URL#http://}"; hostport="${hostport%%/*}"; host="${hostport%:*}"
[[ "$ORDO_URL" == http://* ]] || die "ORDO_URL must be http://..., got '$ORDO_URL'"
case "$host" in
  127.*|localhost|'[::1]') ;;
  *) die "ORDO_URL must point at this machine (127.0.0.1 / localhost), got '$ORDO_URL'" ;;
esac
case "${AMQP_HOST:-127.0.0.1}" in
  127.*|localhost|::1) ;;
  *) die "AMQP_HOST must point at this machine, got '$AMQP_HOST'" ;;
esac

command -v node >/dev/null || die "node is required (node 18+)"
command -v psql >/dev/null || die "psql is required"
command -v curl >/dev/null || die "curl is required"
if [ ! -d "$HERE/node_modules/rhea" ]; then
  echo "bench/run-amqp-intake.sh: installing rhea (npm ci --prefix bench)"
  (cd "$HERE" && npm ci --no-audit --no-fund --silent) || die "could not install rhea: run 'npm ci' in bench/"
fi

# 1. the service and the catalogue
code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$ORDO_URL/q/health/ready" || true)
[ "$code" = 200 ] || die "$ORDO_URL/q/health/ready answered '${code:-nothing}', not 200: start the service (bin/run-local) first"
"$HERE/setup.sh" --if-needed

RUN_ID="${BENCH_RUN_ID:-$(printf '%x' "$(date +%s)")$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')}"
[[ "$RUN_ID" =~ ^[A-Za-z0-9]+$ ]] || die "BENCH_RUN_ID must be letters and digits only (it goes into a LIKE pattern), got '$RUN_ID'"
PREFIX="A-$RUN_ID"

q() { psql -qtAX -v ON_ERROR_STOP=1 "$@"; }
present() {
  # (psql interpolates :'var' only in scripts read from stdin or -f, not in -c)
  q -v ch="$CHANNEL" -v pat="$PREFIX-%" 2>/dev/null <<<"SELECT count(*) FROM orders WHERE channel = :'ch' AND external_id LIKE :'pat';" \
    || echo "?"
}
[ "$(present)" = 0 ] || die "orders with externalId $PREFIX-* already exist (BENCH_RUN_ID reused?)"

mkdir -p "$HERE/results"
RESULT_FILE="$HERE/results/$(date +%Y%m%d-%H%M%S)-amqp-intake-n$COUNT.txt"
{
  echo "ordo AMQP intake benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $COUNT messages to ordo.orders.in on ${AMQP_HOST:-127.0.0.1}:${AMQP_PORT:-5673}, externalIds $PREFIX-1..$COUNT"
  echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$RESULT_FILE"

# 2. send
set +e
BENCH_CHANNEL="$CHANNEL" node "$HERE/amqp-intake.mjs" "$COUNT" "$PREFIX" 2>&1 | tee -a "$RESULT_FILE"
send_rc=${PIPESTATUS[0]}
set -e
send_line=$(grep '^SEND ' "$RESULT_FILE" | tail -n 1 || true)
[ -n "$send_line" ] || die "the sender printed no SEND line (exit $send_rc)"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$send_line"; }
first_ms=$(field first_send_ms)
accepted=$(field accepted)
[ "$send_rc" -eq 0 ] || echo "bench/run-amqp-intake.sh: warning: not every message was accepted by the broker (exit $send_rc)" | tee -a "$RESULT_FILE" >&2

# 3. wait for the orders
deadline=$(( $(date +%s) + TIMEOUT ))
n=0; last_n=-1
while :; do
  n=$(present)
  [ "$n" = "?" ] && n=$last_n
  [ "$n" -ge "$COUNT" ] && break
  [ "$(date +%s)" -ge "$deadline" ] && break
  last_n=$n
  sleep "$POLL"
done
seen_ms=$(date +%s%3N)

# 4. report
read -r n_orders first_ord_ms last_ord_ms rejected < <(q -F ' ' -v ch="$CHANNEL" -v pat="$PREFIX-%" <<'SQL'
SELECT count(*),
       coalesce(round(extract(epoch FROM min(created_at)) * 1000)::bigint, 0),
       coalesce(round(extract(epoch FROM max(created_at)) * 1000)::bigint, 0),
       (SELECT count(*) FROM outbox WHERE type = 'order.rejected' AND payload->>'externalId' LIKE :'pat')
  FROM orders WHERE channel = :'ch' AND external_id LIKE :'pat';
SQL
)
missing=$((COUNT - n_orders))
dead=$((missing - rejected))
{
  awk -v n="$n_orders" -v c="$COUNT" -v f="$first_ms" -v fo="$first_ord_ms" -v l="$last_ord_ms" -v s="$seen_ms" 'BEGIN {
    e2e = (l - f) / 1000; seen = (s - f) / 1000
    printf "orders          %d of %d present (first order %.0f ms after the first send)\n", n, c, (n ? fo - f : 0)
    if (n > 0 && e2e > 0)
      printf "intake orders/s %.1f end to end (%d orders in %.2f s, first send -> last order created_at; seen by polling after %.2f s)\n", n / e2e, n, e2e, seen
    else
      printf "intake orders/s n/a\n"
  }'
  echo "missing         $missing (shortage -> order.rejected: $rejected; dead-lettered to ordo.orders.in.dead or still in flight: $dead)"
  awk -v n="$n_orders" -v c="$COUNT" -v f="$first_ms" -v l="$last_ord_ms" -v m="$missing" -v r="$rejected" -v d="$dead" -v a="$accepted" \
      -v sl="$send_line" -v run="$PREFIX" 'BEGIN {
    e2e = (l - f) / 1000; split(sl, parts, "msgs_per_s="); send = parts[2] + 0
    printf "RESULT_AMQP count=%d broker_accepted=%s send_msgs_per_s=%.1f orders=%d e2e_s=%.3f intake_orders_per_s=%.1f missing=%d rejected=%d dead_or_inflight=%d run=%s\n",
      c, a, send, n, e2e, (n > 0 && e2e > 0 ? n / e2e : 0), m, r, d, run
  }'
} | tee -a "$RESULT_FILE"
[ "$missing" -gt 0 ] && echo "bench/run-amqp-intake.sh: $missing orders missing after ${TIMEOUT}s; see the service log for 'rejected to ordo.orders.in.dead' (reason per message)" | tee -a "$RESULT_FILE" >&2

# the outbox over the intake window (first send .. now)
BENCH_EVENTS_FROM=$(awk -v f="$first_ms" 'BEGIN { printf "%.3f", f / 1000 }') BENCH_EVENTS_TO=$(date +%s.%N) \
  BENCH_EVENTS_WAIT="${BENCH_EVENTS_WAIT:-10}" "$HERE/events.sh" 2>&1 | tee -a "$RESULT_FILE" || true

echo "invariants:" | tee -a "$RESULT_FILE"
set +e
"$HERE/check-invariants.sh" 2>&1 | tee -a "$RESULT_FILE"
inv_rc=${PIPESTATUS[0]}
set -e
echo "saved: ${RESULT_FILE#"$ROOT"/}"
[ "$inv_rc" -eq 0 ] || exit 1
[ "$missing" -eq 0 ] || exit 1
[ "$send_rc" -eq 0 ] || exit 1
