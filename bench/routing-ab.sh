#!/usr/bin/env bash
# Routing rules against the default on one running service (issue 15), alternating, so that the machine's drift
# falls on both alike: bench/routing.sh default, a run, bench/routing.sh rules, a run, ROUNDS times, after one
# unmeasured warm-up run.
#
#   bench/routing-ab.sh [hot|uniform] [rounds=5] [duration=20s]
#
# Needs a running service (bin/run-local) whose catalogue bench/setup.sh has seeded (done here if needed); the rules
# are bench/routing.sh's default set (SAME_COUNTRY,FEWEST_SHIPMENTS,PRIORITY; BENCH_ROUTING_RULES overrides).
# Prints one line per run and the two averages; the runs' full output is in bench/results/ as usual.
# Environment: as bench/run-orders.sh and bench/routing.sh (ORDO_URL, ORDO_DB, PG*).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODE="${1:-hot}"
ROUNDS="${2:-5}"
DURATION="${3:-20s}"
case "$MODE" in hot|uniform) ;; -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) echo "bench/routing-ab.sh: mode must be hot or uniform" >&2; exit 2 ;; esac
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "bench/routing-ab.sh: rounds must be a positive integer" >&2; exit 2; }
"$HERE/setup.sh" --if-needed >/dev/null
"$HERE/routing.sh" default >/dev/null
BENCH_EVENTS=0 "$HERE/run-orders.sh" "$MODE" 64 30s >/dev/null
declare -A sum=([default]=0 [rules]=0)
for _ in $(seq 1 "$ROUNDS"); do
  for r in default rules; do
    if [ "$r" = rules ]; then "$HERE/routing.sh" rules ${BENCH_ROUTING_RULES:+"$BENCH_ROUTING_RULES"} >/dev/null
    else "$HERE/routing.sh" default >/dev/null; fi
    out=$(BENCH_EVENTS=0 "$HERE/run-orders.sh" "$MODE" 64 "$DURATION" 2>&1) || { echo "$out" >&2; exit 1; }
    rate=$(awk '/^Requests\/sec:/ { print $2; exit }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2; exit }' <<<"$out")
    echo "$(date +%H:%M:%S) $MODE $r orders/s $rate p99 $p99"
    sum[$r]=$(awk -v a="${sum[$r]}" -v b="$rate" 'BEGIN { print a + b }')
  done
done
awk -v d="${sum[default]}" -v r="${sum[rules]}" -v n="$ROUNDS" \
  'BEGIN { printf "average: default %.0f, rules %.0f orders/s (%+.1f %%)\n", d / n, r / n, (r - d) * 100 / d }'
