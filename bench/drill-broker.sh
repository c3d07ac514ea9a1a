#!/usr/bin/env bash
# Broker outage drill (issue 20): order load over HTTP while the AMQP broker of bin/run-local is stopped and started.
#
#   bench/drill-broker.sh [outage=45s] [connections=32] [before=10s] [after=30s]
#
#   1. checks the service ($ORDO_URL/q/health/ready 200) and the bin/run-local broker (.local/broker, its pid file)
#   2. wrk POST /v1/orders (bench/orders.lua, uniform) for before + outage + after + 15 s
#   3. after `before`, stops the broker (SIGTERM to its JVM); during the outage probes /q/health/live and
#      /q/health/ready every 0.5 s with a 1 s limit; then starts the broker again (same instance, same port)
#   4. until the end: probes, /q/health/well (the AMQP links) and the service's broker connections and open fds,
#      once a second
#   5. prints: probes failed or slower than 1 s, seconds until /q/health/well was UP again, wrk's non-2xx and
#      socket errors, broker connections and fds before / at the end, outbox backlog; runs bench/check-invariants.sh
# Exit status 1 when a probe failed, the links did not come back, connections did not return to their value
# before the outage, or the invariants FAIL.
#
# Environment: ORDO_URL (http://127.0.0.1:8080, loopback only), AMQP_PORT (5673), BENCH_TOKEN (default: a fresh
# bin/token ordo-channel bench-web), ORDO_DB and PG* as for the other scripts.
# Needs: wrk, curl, ss (iproute2), psql. The broker must be the one bin/run-local started (ORDO_KEEP_BROKER=1 or
# --infra-only is fine): this script restarts it with the same command bin/run-local uses.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
die() { echo "bench/drill-broker.sh: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-2}"; }
case "${1:-}" in -h|--help) usage 0 ;; esac
secs_of() { [[ "$1" =~ ^([0-9]+)s?$ ]] || die "durations are seconds (45 or 45s), got '$1'"; echo "${BASH_REMATCH[1]}"; }

OUTAGE=$(secs_of "${1:-45s}")
CONNS="${2:-32}"
BEFORE=$(secs_of "${3:-10s}")
AFTER=$(secs_of "${4:-30s}")
ORDO_URL="${ORDO_URL:-http://127.0.0.1:8080}"; ORDO_URL="${ORDO_URL%/}"
case "$ORDO_URL" in http://127.*|http://localhost*) ;; *) die "ORDO_URL must point at this machine, got '$ORDO_URL'" ;; esac
AMQP_PORT="${AMQP_PORT:-5673}"
BROKER_DIR="$ROOT/.local/broker"
BROKER_PID_FILE="$BROKER_DIR/data/artemis.pid"
for tool in wrk curl ss psql; do command -v "$tool" >/dev/null || die "$tool is required"; done

code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$ORDO_URL/q/health/ready" || true)
[ "$code" = 200 ] || die "$ORDO_URL/q/health/ready answered '${code:-nothing}': start the service (bin/run-local) first"
BROKER_PID="$(cat "$BROKER_PID_FILE" 2>/dev/null || true)"
[ -n "$BROKER_PID" ] && kill -0 "$BROKER_PID" 2>/dev/null || die "no bin/run-local broker running ($BROKER_PID_FILE)"
port="${ORDO_URL##*:}"; port="${port%%/*}"
SERVICE_PID="$(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)"
[ -n "$SERVICE_PID" ] || die "cannot find the process listening on :$port"

"$HERE/setup.sh" --if-needed >/dev/null
TOTAL=$((BEFORE + OUTAGE + AFTER + 15))
BENCH_TOKEN="${BENCH_TOKEN:-$(TOKEN_TTL=$((TOTAL + 900)) "$ROOT/bin/token" ordo-channel bench-web)}"
export BENCH_TOKEN BENCH_MODE=uniform BENCH_CHANNEL=bench-web

connections() { ss -tnpH state established "dport = :$AMQP_PORT" 2>/dev/null | grep -c "pid=$SERVICE_PID," || true; }
fds() { ls "/proc/$SERVICE_PID/fd" 2>/dev/null | wc -l; }
LOG="$(mktemp -d)"
PROBE_FAILS=0
probe() { # path -> appends "path status millis" to $LOG/probes
    local out
    out=$(curl -s -o /dev/null -m 1 -w '%{http_code} %{time_total}' "$ORDO_URL$1" || echo "000 1.0")
    echo "$1 $out" >> "$LOG/probes"
}

conn_before=$(connections); fds_before=$(fds)
echo "drill: service pid $SERVICE_PID, broker pid $BROKER_PID; broker connections $conn_before, fds $fds_before"
wrk -t2 -c"$CONNS" -d"${TOTAL}s" --timeout 10s -s "$HERE/orders.lua" "$ORDO_URL" > "$LOG/wrk.txt" 2>&1 &
WRK=$!
sleep "$BEFORE"

echo "drill: stopping the broker for ${OUTAGE}s"
kill -TERM "$BROKER_PID"
start=$SECONDS
while [ $((SECONDS - start)) -lt "$OUTAGE" ]; do
    probe /q/health/live; probe /q/health/ready; sleep 0.5
done
conn_outage=$(connections); fds_outage=$(fds)
echo "drill: starting the broker again (connections during the outage: $conn_outage, fds $fds_outage)"
launcher=(env -u JAVA_ARGS); command -v setsid >/dev/null && launcher+=(setsid)
"${launcher[@]}" nohup "$BROKER_DIR/bin/artemis" run >>"$BROKER_DIR/log/console.log" 2>&1 </dev/null &
echo $! > "$BROKER_PID_FILE"   # bin/artemis execs java: $! is the broker's JVM, as bin/run-local records it
back=$SECONDS; links_up=""
while kill -0 "$WRK" 2>/dev/null; do
    probe /q/health/live; probe /q/health/ready
    if [ -z "$links_up" ] && [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$ORDO_URL/q/health/well")" = 200 ]; then
        links_up=$((SECONDS - back))
    fi
    echo "$((SECONDS - back)) $(connections) $(fds)" >> "$LOG/connections"
    sleep 1
done
wait "$WRK" || true
sleep 5
conn_after=$(connections); fds_after=$(fds)

failed=$(awk '$2 != 200 || $3 > 1.0' "$LOG/probes" | wc -l)
slowest=$(awk '{ if ($3 > m) m = $3 } END { print m + 0 }' "$LOG/probes")
echo "--- drill result ---"
echo "probes: $(wc -l < "$LOG/probes"), failed or slower than 1 s: $failed, slowest ${slowest}s"
echo "AMQP links (/q/health/well) UP again: ${links_up:-never} s after the broker was started"
grep -E "Requests/sec|Non-2xx|Socket errors|requests in" "$LOG/wrk.txt" || true
echo "broker connections: before $conn_before, during the outage $conn_outage, after $conn_after; fds: before $fds_before, after $fds_after"
echo "connections per second after the restart (s conns fds): $(tr '\n' ';' < "$LOG/connections")"
psql -X -q -A -t -h 127.0.0.1 -U postgres -d "${ORDO_DB:-ordo}" \
    -c "SELECT 'outbox backlog: ' || count(*) FROM outbox WHERE published_at IS NULL" || true
status=0
[ "$failed" -eq 0 ] || { echo "FAIL: $failed probes failed or were slower than 1 s"; status=1; }
[ -n "$links_up" ] || { echo "FAIL: the AMQP links did not come back"; status=1; }
[ "$conn_after" -le "$conn_before" ] || { echo "FAIL: $conn_after broker connections after, $conn_before before"; status=1; }
"$HERE/check-invariants.sh" || status=1
echo "logs: $LOG"
exit $status
