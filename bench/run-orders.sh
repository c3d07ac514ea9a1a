#!/usr/bin/env bash
# Order-intake benchmark: wrk POST /v1/orders against a running Ordo service, then the invariant check.
#
#   bench/run-orders.sh [uniform|hot|backorder] [connections=64] [duration=30s]
#
#   uniform: 1-3 lines over SKU-1..N (1e9 on hand each); hot: one line of HOT-1; backorder (issue 14): one line of a
#   fresh SKU BO-<time> with policy BACKORDER (no limit) and BENCH_BACKORDER_STOCK (15000) units at BENCH-WH1, so it
#   runs out during the run and every later order is accepted with its unit backordered (the figures line says how
#   many); the warm-up, if any, runs in hot mode so that the SKU runs out in the measured run.
#
#   1. checks that $ORDO_URL/q/health/ready answers 200 (start the service with bin/run-local first)
#   2. bench/setup.sh --if-needed (channel bench-web, BENCH-WH1/2, HOT-1 and SKU-1..SKU-N with 1e9 on hand)
#   3. mints a channel token (bin/token ordo-channel bench-web)
#   4. wrk -t$BENCH_THREADS -c<connections> -d<duration> --latency -s bench/orders.lua $ORDO_URL
#   5. bench/events.sh for the wrk run's window: outbox events published/s and created->published lag p50/p99/max
#   6. prints the service's RSS (before, after, peak) and runs bench/check-invariants.sh
# Output is also saved in bench/results/<time>-<mode>-c<connections>.txt. Exit status: 1 when the invariants
# FAIL, when nothing was accepted (no 2xx), or when a step could not run.
#
# Environment: ORDO_URL (http://127.0.0.1:8080, must be a loopback address), BENCH_THREADS (2), BENCH_SKUS
# (10000), BENCH_TIMEOUT (wrk --timeout, 10s), BENCH_WARMUP (e.g. 10s: an unmeasured wrk run first, to let the
# JIT compile; default none), BENCH_TOKEN (default: a fresh bin/token ordo-channel bench-web),
# BENCH_COUNT_STATUS (1; 0 drops the per-status counting), BENCH_DELAY_MS (0; a pause per connection between
# requests: a paced load, see bench/orders.lua), ORDO_DB and PG* for setup, events and the invariants,
# BENCH_EVENTS (1; 0 skips step 5), BENCH_EVENTS_WAIT (10: up to this many seconds for the relay to publish the
# run's events before their lag is measured), BENCH_DRAIN_EVENTS (0; 1 runs bench/amqp-consume.mjs during the
# run so that the events do not pile up in the broker's ordo.order-events queue; needs node and
# `npm ci --prefix bench`).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

die() { echo "bench/run-orders.sh: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

case "${1:-}" in -h|--help) usage 0 ;; esac
[ $# -le 3 ] || usage
MODE="${1:-uniform}"
CONNS="${2:-64}"
DURATION="${3:-30s}"
THREADS="${BENCH_THREADS:-2}"
ORDO_URL="${ORDO_URL:-http://127.0.0.1:8080}"
ORDO_URL="${ORDO_URL%/}"
CHANNEL="${BENCH_CHANNEL:-bench-web}"

[[ "$MODE" == uniform || "$MODE" == hot || "$MODE" == backorder ]] \
  || die "mode must be uniform, hot or backorder, got '$MODE'"
[[ "$CONNS" =~ ^[1-9][0-9]*$ ]] || die "connections must be a positive integer, got '$CONNS'"
[[ "$THREADS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_THREADS must be a positive integer, got '$THREADS'"
[ "$CONNS" -ge "$THREADS" ] || die "connections ($CONNS) must be at least the thread count ($THREADS)"
[[ "$DURATION" =~ ^([0-9]+)([smh]?)$ ]] || die "duration must look like 30, 30s, 2m or 1h, got '$DURATION'"
secs=${BASH_REMATCH[1]}
case "${BASH_REMATCH[2]}" in m) secs=$((secs * 60)) ;; h) secs=$((secs * 3600)) ;; esac

# Load only ever goes to this machine.
hostport="${ORDO_URL#http://}"
hostport="${hostport%%/*}"
host="${hostport%:*}"
[[ "$ORDO_URL" == http://* ]] || die "ORDO_URL must be http://..., got '$ORDO_URL'"
case "$host" in
  127.*|localhost|'[::1]') ;;
  *) die "ORDO_URL must point at this machine (127.0.0.1 / localhost), got '$ORDO_URL'" ;;
esac
port=80
[[ "$hostport" == *:* ]] && port="${hostport##*:}"

command -v wrk >/dev/null || die "wrk is not installed (apt-get install -y wrk)"
command -v curl >/dev/null || die "curl is required"

# 1. the service
code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$ORDO_URL/q/health/ready" || true)
[ "$code" = 200 ] || die "$ORDO_URL/q/health/ready answered '${code:-nothing}', not 200: start the service (bin/run-local) first"

# 2. the catalogue
"$HERE/setup.sh" --if-needed

# 3. the token (valid for the whole run)
TOKEN_TTL=$(( secs + 900 > 3600 ? secs + 900 : 3600 ))
BENCH_TOKEN="${BENCH_TOKEN:-$(TOKEN_TTL=$TOKEN_TTL "$ROOT/bin/token" ordo-channel "$CHANNEL")}"
export BENCH_TOKEN BENCH_MODE="$MODE" BENCH_CHANNEL="$CHANNEL"
if [ "$MODE" = backorder ]; then
  # a SKU of its own for this run: policy BACKORDER, BENCH_BACKORDER_STOCK units, then the hot-mode load on it
  BO_SKU="BO-$(date +%s)"
  BO_STOCK="${BENCH_BACKORDER_STOCK:-15000}"
  ADMIN="$(TOKEN_TTL=3600 "$ROOT/bin/token" ordo-admin)"
  curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -d '{"inventoryPolicy":"BACKORDER"}' "$ORDO_URL/v1/skus/$BO_SKU/policy" || die "could not set the policy of $BO_SKU"
  curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -d "{\"onHand\":$BO_STOCK}" "$ORDO_URL/v1/stock/$BO_SKU/BENCH-WH1" || die "could not stock $BO_SKU"
  export BENCH_MODE=hot BENCH_HOT_SKU="$BO_SKU"
  echo "backorder mode: SKU $BO_SKU, policy BACKORDER (no limit), $BO_STOCK units at BENCH-WH1"
fi

# RSS of the process listening on the port (the java service).
service_pid() {
  ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2
}
rss() {
  local pid="$1"
  if [ -z "$pid" ] || [ ! -r "/proc/$pid/status" ]; then echo "n/a"; return; fi
  awk '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 } END { printf "%.0f MB (peak %.0f MB)", rss / 1024, hwm / 1024 }' "/proc/$pid/status"
}
PID=$(service_pid || true)
[ -n "$PID" ] || echo "bench/run-orders.sh: note: no process found listening on port $port (ss -ltnp); RSS will be n/a" >&2
cmd="$(tr '\0' ' ' < "/proc/${PID:-0}/cmdline" 2>/dev/null | cut -c1-160 || true)"

mkdir -p "$HERE/results"
RESULT_FILE="$HERE/results/$(date +%Y%m%d-%H%M%S)-$MODE-c$CONNS.txt"

DRAIN_PID=""
stop_drain() {
  if [ -n "$DRAIN_PID" ]; then
    kill -TERM "$DRAIN_PID" 2>/dev/null || true
    wait "$DRAIN_PID" 2>/dev/null || true
    DRAIN_PID=""
  fi
}
if [ "${BENCH_DRAIN_EVENTS:-0}" = 1 ]; then
  command -v node >/dev/null || die "BENCH_DRAIN_EVENTS=1 needs node"
  [ -d "$HERE/node_modules/rhea" ] || die "BENCH_DRAIN_EVENTS=1 needs rhea: npm ci --prefix bench"
  DRAIN_LOG="${RESULT_FILE%.txt}.drain.log"
  node "$HERE/amqp-consume.mjs" > "$DRAIN_LOG" 2>&1 &
  DRAIN_PID=$!
  trap stop_drain EXIT
  sleep 1
  kill -0 "$DRAIN_PID" 2>/dev/null || { cat "$DRAIN_LOG" >&2; die "the event consumer (bench/amqp-consume.mjs) did not start"; }
fi

if [ -n "${BENCH_WARMUP:-}" ]; then
  echo "warm-up: wrk -t$THREADS -c$CONNS -d$BENCH_WARMUP (not measured)"
  BENCH_HOT_SKU="$([ "$MODE" = backorder ] && echo HOT-1 || echo "${BENCH_HOT_SKU:-HOT-1}")" wrk -t"$THREADS" -c"$CONNS" -d"$BENCH_WARMUP" --timeout "${BENCH_TIMEOUT:-10s}" -s "$HERE/orders.lua" "$ORDO_URL" \
    | grep -E '^(orders/s|non-2xx|socket)' || true
fi

{
  echo "ordo order-intake benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), mode $MODE, $CONNS connections, $THREADS threads, $DURATION, $ORDO_URL"
  echo "service: pid ${PID:-?} ${cmd:+($cmd)}"
  echo "service RSS before: $(rss "$PID")"
  echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$RESULT_FILE"

# 4. the load
set +e
wrk_from=$(date +%s.%N)
wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency --timeout "${BENCH_TIMEOUT:-10s}" \
  -s "$HERE/orders.lua" "$ORDO_URL" 2>&1 | tee -a "$RESULT_FILE"
wrk_rc=${PIPESTATUS[0]}
wrk_to=$(date +%s.%N)
set -e
[ "$wrk_rc" -eq 0 ] || die "wrk failed (exit $wrk_rc)"

# 5. the outbox: events published/s and relay lag over the run's window (wrk start .. wrk end, about $DURATION)
if [ "${BENCH_EVENTS:-1}" != 0 ]; then
  BENCH_EVENTS_FROM="$wrk_from" BENCH_EVENTS_TO="$wrk_to" BENCH_EVENTS_WAIT="${BENCH_EVENTS_WAIT:-10}" \
    "$HERE/events.sh" 2>&1 | tee -a "$RESULT_FILE" || true
fi
if [ -n "$DRAIN_PID" ]; then
  stop_drain
  grep -E '^(received|CONSUME)' "$DRAIN_LOG" | tee -a "$RESULT_FILE" || true
fi

if [ "$MODE" = backorder ]; then
  PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}" PGDATABASE="${ORDO_DB:-ordo}" psql -qtAX -c "SELECT 'backorder: ' || (SELECT reserved FROM stock WHERE sku = '$BO_SKU' AND location = 'BENCH-WH1')
                        || ' units allocated, ' || (SELECT coalesce(sum(quantity), 0) FROM backorders WHERE sku = '$BO_SKU')
                        || ' backordered, of $BO_STOCK on hand'" 2>/dev/null | tee -a "$RESULT_FILE" || true
fi

# 6. memory and invariants
echo "service RSS after:  $(rss "$PID")" | tee -a "$RESULT_FILE"
echo "invariants:" | tee -a "$RESULT_FILE"
set +e
"$HERE/check-invariants.sh" 2>&1 | tee -a "$RESULT_FILE"
inv_rc=${PIPESTATUS[0]}
set -e
echo "saved: ${RESULT_FILE#"$ROOT"/}"

ok=$(sed -n 's/^RESULT .* orders_per_s=\([0-9.]*\) .*/\1/p' "$RESULT_FILE" | tail -n 1)
if [ "$inv_rc" -ne 0 ]; then exit 1; fi
if [ "${ok:-0}" = 0.0 ] || [ -z "$ok" ]; then
  echo "bench/run-orders.sh: no order was accepted (no 2xx): see 'sample other' above" >&2
  exit 1
fi
