#!/usr/bin/env bash
# Availability-read benchmark: wrk GET /v1/availability (50 random SKUs per request) against a running Ordo service.
#
#   bench/run-availability.sh [connections=64] [duration=20s]
#
#   1. checks that $ORDO_URL/q/health/ready answers 200 (start the service with bin/run-local first)
#   2. bench/setup.sh --if-needed (channel bench-web, BENCH-WH1/2, SKU-1..SKU-N)
#   3. mints a channel token (bin/token ordo-channel bench-web): the channel's assortment is what is counted
#   4. checks one request by hand (200 and 50 items), then
#      wrk -t$BENCH_THREADS -c<connections> -d<duration> --latency -s bench/availability.lua $ORDO_URL
#   5. prints requests/s (200 answers only) and latency p50/p90/p99/p99.9, and the service's RSS
# Output is also saved in bench/results/<time>-availability-c<connections>.txt. Exit status 1 when nothing was
# answered 200 or a step could not run. Reads only: nothing is written, no invariant can move.
#
# Environment: ORDO_URL (http://127.0.0.1:8080, loopback only), BENCH_THREADS (2), BENCH_SKUS (10000),
# BENCH_PER_CALL (50), BENCH_CHANNEL (bench-web), BENCH_TOKEN (default: a fresh bin/token ordo-channel
# bench-web), BENCH_WARMUP (e.g. 10s: an unmeasured run first), BENCH_TIMEOUT (wrk --timeout, 10s), ORDO_DB and
# PG* for setup.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

die() { echo "bench/run-availability.sh: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

case "${1:-}" in -h|--help) usage 0 ;; esac
[ $# -le 2 ] || usage
CONNS="${1:-64}"
DURATION="${2:-20s}"
THREADS="${BENCH_THREADS:-2}"
PER_CALL="${BENCH_PER_CALL:-50}"
ORDO_URL="${ORDO_URL:-http://127.0.0.1:8080}"
ORDO_URL="${ORDO_URL%/}"
CHANNEL="${BENCH_CHANNEL:-bench-web}"

[[ "$CONNS" =~ ^[1-9][0-9]*$ ]] || die "connections must be a positive integer, got '$CONNS'"
[[ "$THREADS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_THREADS must be a positive integer, got '$THREADS'"
[ "$CONNS" -ge "$THREADS" ] || die "connections ($CONNS) must be at least the thread count ($THREADS)"
[[ "$DURATION" =~ ^([0-9]+)([smh]?)$ ]] || die "duration must look like 20, 20s, 2m or 1h, got '$DURATION'"
secs=${BASH_REMATCH[1]}
case "${BASH_REMATCH[2]}" in m) secs=$((secs * 60)) ;; h) secs=$((secs * 3600)) ;; esac

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
ORDO_URL="$ORDO_URL" "$HERE/setup.sh" --if-needed

# 3. the token
TOKEN_TTL=$(( secs + 900 > 3600 ? secs + 900 : 3600 ))
BENCH_TOKEN="${BENCH_TOKEN:-$(TOKEN_TTL=$TOKEN_TTL "$ROOT/bin/token" ordo-channel "$CHANNEL")}"
export BENCH_TOKEN BENCH_PER_CALL="$PER_CALL"

# 4a. one request by hand: the answer must be 200 with one item per SKU
probe_skus=$(seq 1 "$PER_CALL" | sed 's/^/SKU-/' | paste -sd, -)
probe=$(curl -s -m 10 -w '\n%{http_code}' -H "Authorization: Bearer $BENCH_TOKEN" \
  "$ORDO_URL/v1/availability?skus=$probe_skus" || true)
probe_code="${probe##*$'\n'}"
probe_body="${probe%$'\n'*}"
[ "$probe_code" = 200 ] || die "GET /v1/availability answered $probe_code: ${probe_body:0:300}"
items=$(grep -o '"sku"' <<<"$probe_body" | wc -l)
[ "$items" -eq "$PER_CALL" ] || die "GET /v1/availability gave $items items for $PER_CALL SKUs"

service_pid() {
  ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2
}
rss() {
  local pid="$1"
  if [ -z "$pid" ] || [ ! -r "/proc/$pid/status" ]; then echo "n/a"; return; fi
  awk '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 } END { printf "%.0f MB (peak %.0f MB)", rss / 1024, hwm / 1024 }' "/proc/$pid/status"
}
PID=$(service_pid || true)

mkdir -p "$HERE/results"
RESULT_FILE="$HERE/results/$(date +%Y%m%d-%H%M%S)-availability-c$CONNS.txt"

if [ -n "${BENCH_WARMUP:-}" ]; then
  echo "warm-up: wrk -t$THREADS -c$CONNS -d$BENCH_WARMUP (not measured)"
  wrk -t"$THREADS" -c"$CONNS" -d"$BENCH_WARMUP" --timeout "${BENCH_TIMEOUT:-10s}" -s "$HERE/availability.lua" \
    "$ORDO_URL" | grep -E '^(requests/s|first non-200)' || true
fi

{
  echo "ordo availability benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $PER_CALL SKUs per GET, $CONNS connections, $THREADS threads, $DURATION, $ORDO_URL"
  echo "machine: $(hostname), $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "service: pid ${PID:-?}, RSS before: $(rss "$PID")"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout "${BENCH_TIMEOUT:-10s}" --latency -s "$HERE/availability.lua" \
    "$ORDO_URL"
  echo "service RSS after: $(rss "$PID")"
} 2>&1 | tee "$RESULT_FILE"

grep -Eq '^requests/s \(200\) +[1-9]' "$RESULT_FILE" || die "no request was answered 200 (see $RESULT_FILE)"
echo "saved: $RESULT_FILE"
