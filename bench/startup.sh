#!/usr/bin/env bash
# Start-up benchmark: time from process start to the first successful POST /v1/orders (201), the RSS after
# ~10,000 orders, for each way of running the packaged service.
#
#   bench/startup.sh build MODE...     package the service for MODE into .local/startup/MODE (see below)
#   bench/startup.sh run MODE [runs]   start it `runs` times (default 5), print each run and the median
#
# MODE:
#   jvm      JDK 17, plain fast-jar                      java -jar quarkus-run.jar
#   appcds   JDK 17 + AppCDS archive (built by Quarkus)  java -XX:SharedArchiveFile=app-cds.jsa -jar ...
#   jvm25    JDK 25, plain fast-jar (the baseline of aot; build: copy .local/startup/jvm)
#   aot      JDK 25 + AOT cache (mvn -Paot)              java -XX:AOTCache=app.aot -jar ...
#   trained  JDK 25 + AOT cache from a training run (bin/aot-train on the aot build), same flags as aot
#
# Each run: PostgreSQL and the Artemis broker of bin/run-local must be up (this script starts them with
# `bin/run-local --infra-only`), the catalogue of bench/setup.sh is in place (the first run of `run` sets it up),
# the service starts on $BENCH_PORT (8090) with -Xmx256m against the database `ordo`, a loop POSTs one order every
# 20 ms until one is 201, then wrk places orders for BENCH_LOAD (25s) and the RSS is read; then SIGTERM.
#
# Environment: JDK17_HOME (/usr/lib/jvm/java-17-openjdk-amd64), JDK25_HOME (/usr/lib/jvm/temurin-25-jdk-amd64),
#   BENCH_PORT (8090), BENCH_LOAD (25s; 0 skips the load and the RSS), BENCH_CONNS (32), ORDO_DB (ordo),
#   BENCH_MIGRATE (true; false starts with quarkus.flyway.migrate-at-start=false, as a scaled-out instance would),
#   BENCH_HEAP (-Xmx256m), BENCH_JAVA_OPTS (more JVM options, e.g. -XX:+UseSerialGC as in a container under 2 CPUs)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JDK17_HOME="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
JDK25_HOME="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
PORT="${BENCH_PORT:-8090}"
LOAD="${BENCH_LOAD:-25s}"
CONNS="${BENCH_CONNS:-32}"
DB="${ORDO_DB:-ordo}"
OUT="$ROOT/.local/startup"

die() { echo "bench/startup.sh: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

java_home() { case "$1" in jvm|appcds) echo "$JDK17_HOME" ;; jvm25|aot|trained) echo "$JDK25_HOME" ;; *) die "unknown mode '$1'" ;; esac; }
java_flags() {
  case "$1" in
    appcds) echo "-XX:SharedArchiveFile=app-cds.jsa -Xshare:auto" ;;
    aot|trained) echo "-XX:AOTCache=app.aot" ;;
    *) echo "" ;;
  esac
}

build() {
  local mode="$1" home extra=()
  if [ "$mode" = trained ]; then
    [ -d "$OUT/aot" ] || build aot
    rm -rf "${OUT:?}/trained"
    cp -a "$OUT/aot" "$OUT/trained"
    "$ROOT/bin/aot-train" "$OUT/trained"
    return
  fi
  home="$(java_home "$mode")"
  case "$mode" in
    appcds) extra=(-Dquarkus.package.jar.aot.enabled=true) ;;
    aot) extra=(-Paot) ;;
  esac
  echo "== building $mode with $home: ./mvnw -q -B package -DskipTests ${extra[*]:-}"
  (cd "$ROOT" && JAVA_HOME="$home" ./mvnw -q -B clean package -DskipTests "${extra[@]}") || die "build of $mode failed"
  rm -rf "${OUT:?}/$mode"
  mkdir -p "$OUT"
  cp -a "$ROOT/target/quarkus-app" "$OUT/$mode"
  case "$mode" in
    appcds) [ -f "$OUT/$mode/app-cds.jsa" ] || die "no app-cds.jsa was produced" ;;
    aot) [ -f "$OUT/$mode/app.aot" ] || die "no app.aot was produced" ;;
  esac
  echo "== $OUT/$mode ($(du -sh "$OUT/$mode" | cut -f1))"
}

now_ms() { date +%s%3N; }
BODY_REST='"currency":"EUR","customer":{"email":"a@example.com","name":"A"},"shippingAddress":{"line1":"Rua A 1","city":"Lisboa","postalCode":"1000-001","country":"PT"},"lines":[{"sku":"SKU-1","quantity":1,"unitPrice":"19.90"}]}'

one_run() {
  local mode="$1" dir="$OUT/$1" home flags t0 t1 pid code ready_ms log rss_kb orders
  home="$(java_home "$mode")"
  flags="$(java_flags "$mode")"
  log="$(mktemp)"
  t0=$(now_ms)
  # shellcheck disable=SC2086
  (cd "$dir" && exec "$home/bin/java" ${BENCH_HEAP:--Xmx256m} $flags ${BENCH_JAVA_OPTS:-} -jar quarkus-run.jar) >"$log" 2>&1 &
  pid=$!
  while :; do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/v1/orders" \
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "{\"externalId\":\"startup-$t0-$RANDOM$RANDOM\",$BODY_REST" \
      2>/dev/null || true)
    [ "$code" = 201 ] && break
    if ! kill -0 "$pid" 2>/dev/null; then tail -n 30 "$log" >&2; die "the service exited during start-up"; fi
    if [ $(( $(now_ms) - t0 )) -gt 120000 ]; then kill -9 "$pid"; tail -n 30 "$log" >&2; die "no 201 within 120 s (last $code)"; fi
    sleep 0.02
  done
  t1=$(now_ms)
  ready_ms=$((t1 - t0))
  local started
  started="$(grep -o 'started in [0-9.]*s' "$log" | head -n 1 | grep -o '[0-9.]*' || echo '?')"
  rss_kb="$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status)"
  orders="-"
  if [ "$LOAD" != 0 ]; then
    orders="$(BENCH_TOKEN="$TOKEN" BENCH_MODE=uniform BENCH_CHANNEL=bench-web \
      wrk -t2 -c"$CONNS" -d"$LOAD" --timeout 10s -s "$HERE/orders.lua" "http://127.0.0.1:$PORT" 2>&1 \
      | awk '/requests in/ { print $1 }')"
    rss_kb="$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status)"
  fi
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  rm -f "$log"
  printf '%s\t%d\t%s\t%s\t%d\n' "$mode" "$ready_ms" "$started" "$orders" $((rss_kb / 1024))
}

run() {
  local mode="$1" runs="${2:-5}"
  [ -d "$OUT/$mode" ] || die "$OUT/$mode is missing: bench/startup.sh build $mode"
  command -v wrk >/dev/null || die "wrk is not installed (apt-get install -y wrk)"
  # PostgreSQL and the broker, and the environment the service needs (database, OIDC public key, broker).
  eval "$(cd "$ROOT" && ORDO_DB_NAME="$DB" bin/run-local --infra-only 2>/dev/null)"
  export QUARKUS_HTTP_PORT="$PORT" QUARKUS_FLYWAY_MIGRATE_AT_START="${BENCH_MIGRATE:-true}"
  TOKEN="$("$ROOT/bin/token" ordo-channel bench-web)"
  if ! ORDO_DB="$DB" "$HERE/setup.sh" --check >/dev/null 2>&1; then
    echo "== first start to migrate and set up the catalogue (not measured)"
    (cd "$OUT/$mode" && exec "$(java_home "$mode")/bin/java" -Xmx256m -jar quarkus-run.jar) >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 1 120); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/q/health/ready" || true)" = 200 ] && break
      sleep 1
    done
    ORDO_URL="http://127.0.0.1:$PORT" ORDO_DB="$DB" "$HERE/setup.sh"
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  fi
  echo "== $mode: $runs runs, $(nproc) cores, $(cd "$OUT/$mode" && "$(java_home "$mode")/bin/java" -version 2>&1 | head -n 1)"
  echo "== flags: ${BENCH_HEAP:--Xmx256m} $(java_flags "$mode") ${BENCH_JAVA_OPTS:-}, migrate-at-start=$QUARKUS_FLYWAY_MIGRATE_AT_START, load $LOAD at $CONNS connections"
  printf 'mode\tfirst_201_ms\tquarkus_started_s\torders\trss_mb\n'
  local results=()
  for _ in $(seq 1 "$runs"); do
    local line
    line="$(one_run "$mode")"
    echo "$line"
    results+=("$line")
  done
  printf '%s\n' "${results[@]}" | awk -F'\t' -v mode="$mode" '
    { ready[NR] = $2; rss[NR] = $5 }
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END { printf "median %s: first 201 after %d ms, RSS %d MB\n", mode, median(ready, NR), median(rss, NR) }'
}

case "${1:-}" in
  build) shift; [ $# -ge 1 ] || usage; for m in "$@"; do build "$m"; done ;;
  run) shift; [ $# -ge 1 ] || usage; run "$@" ;;
  -h|--help) usage 0 ;;
  *) usage ;;
esac
