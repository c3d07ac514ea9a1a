#!/usr/bin/env bash
# Many instances (issue #7): N instances of the packaged service against one database and one broker, the order
# benchmark spread over them, optionally one instance killed with SIGKILL mid-run, then every invariant checked.
#
#   bench/multi-instance.sh [instances=3] [duration=40s] [--kill | --restart-postgres]
#
#   bench/multi-instance.sh 1 30s        throughput of one instance   } same total client concurrency
#   bench/multi-instance.sh 3 30s        throughput of three           } (BENCH_CONNS, 64)
#   bench/multi-instance.sh 3 40s --kill the kill test: instance 2 gets SIGKILL at 40 % of the run
#   bench/multi-instance.sh 1 40s --restart-postgres
#                                        the database drill: at 40 % of the run PostgreSQL is stopped (fast
#                                        shutdown: every connection cut, open transactions rolled back), kept down
#                                        BENCH_PG_DOWN (5) seconds and started again, under the load (issue 20)
#
#   1. PostgreSQL and an Artemis broker of their own: ORDO_AMQP_PORT=5677 ORDO_DB_NAME=ordo_multi bin/run-local
#      --infra-only (the broker is left running; stop it with ORDO_AMQP_PORT=5677 bin/run-local --stop-broker)
#   2. N x java -Xmx256m -jar target/quarkus-app/quarkus-run.jar (or $ORDO_APP_JAR) on ports 8101.. (build it
#      first: ./mvnw -q -B package -DskipTests), all with ORDO_IDEMPOTENCY_IN_FLIGHT_LEASE=5s so that a key claimed by a
#      killed instance can be taken over soon; waits for /q/health/ready on each; logs in the results directory
#   3. bench/setup.sh --if-needed against the first instance (catalogue: bench-web, BENCH-WH1/2, HOT-1, SKU-1..N)
#   4. bench/amqp-consume.mjs --ids drains ordo.order-events for the whole run and records every CloudEvent id
#   5. bench/multi-load.mjs: BENCH_CONNS workers, round-robin over the instances; each request a POST /v1/orders
#      (unique externalId and Idempotency-Key; 1-3 lines over SKU-1..N) or, for BENCH_HOLD_SHARE of them, a
#      POST /v1/holds with a BENCH_HOLD_TTL (2 s) lifetime, so that the sweepers of every instance race for them.
#      A request whose instance died is sent again, same key and body, to another one (409 request-in-flight:
#      again after 1 s; 503 service-unavailable: again after its Retry-After). With --kill: SIGKILL to instance BENCH_KILL_INSTANCE (2) at BENCH_KILL_AT (0.4) of the run;
#      BENCH_KILL_INSTANCE=relay kills the instance whose outbox relay holds the relay lock at that moment while
#      events are unpublished (found through pg_locks and ss): most likely a relay in the middle of a batch, the
#      case that can produce duplicate events on AMQP. With --restart-postgres: `pg_ctlcluster --skip-systemctl-
#      redirect $ORDO_PG_VERSION main stop -m fast` at BENCH_KILL_AT, start again BENCH_PG_DOWN seconds later.
#      Both faults print the figures of the drill: downtime as the clients saw it (longest stretch without a final
#      answer), failures by kind (503, other 5xx, connection errors), and each surviving instance's PostgreSQL and
#      AMQP connections just before the fault and after the run (ss, by process).
#   6. waits until the outbox is empty (relays of the survivors), the holds of the run have expired and the
#      consumer has every event of the run (up to BENCH_SETTLE_TIMEOUT, 90 s), then stops the consumer
#   7. checks, PASS / FAIL per line: bench/check-invariants.sh (stock: 0 <= reserved <= on_hand, reserved = open
#      allocations, one order per (channel, externalId)) and bench/multi-invariants.sql (every order the client
#      saw accepted is there; holds expired exactly once; every outbox row published and received on AMQP);
#      webhook deliveries are SKIPped (not on this branch)
#   8. stops the instances (SIGTERM) and the consumer
# Exit status 1 when a check FAILs or a step could not run. Output: bench/results/multi-<time>-n<N>[-kill]/
# (summary.txt, instance-<i>.log, consume.log, load/*.tsv, load/summary.json).
#
# Environment: ORDO_APP_JAR (target/quarkus-app/quarkus-run.jar), BENCH_PG_DOWN (5), ORDO_PG_VERSION (15),
# BENCH_CONNS (64), BENCH_WARMUP (e.g. 10s: unmeasured load first; default none), BENCH_MODE
# (uniform | hot), BENCH_SKUS (10000), BENCH_HOLD_SHARE (0.05), BENCH_HOLD_TTL (2), BENCH_KILL_AT (0.4),
# BENCH_KILL_INSTANCE (2 | relay), BENCH_BASE_PORT (8101), BENCH_IN_FLIGHT_LEASE (5s), BENCH_SETTLE_TIMEOUT (90),
# ORDO_DB_NAME (ordo_multi), ORDO_AMQP_PORT (5677), JAVA_HOME / JAVA (java), JAVA_OPTS (after -Xmx256m),
# BENCH_READY_TIMEOUT (240 s for all instances to be ready).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

die() { echo "bench/multi-instance.sh: $*" >&2; exit 2; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

N=3
DURATION=40s
KILL=0
RESTART_PG=0
pos=0
for a in "$@"; do
  case "$a" in
    -h|--help) usage 0 ;;
    --kill) KILL=1 ;;
    --restart-postgres) RESTART_PG=1 ;;
    -*) usage ;;
    *) pos=$((pos + 1)); case $pos in 1) N="$a" ;; 2) DURATION="$a" ;; *) usage ;; esac ;;
  esac
done
[[ "$N" =~ ^[1-9]$ ]] || die "instances must be 1..9, got '$N'"
[[ "$DURATION" =~ ^([0-9]+)(s?)$ ]] || die "duration must be seconds like 40 or 40s, got '$DURATION'"
SECS="${BASH_REMATCH[1]}"
CONNS="${BENCH_CONNS:-64}"
MODE="${BENCH_MODE:-uniform}"
SKUS="${BENCH_SKUS:-10000}"
HOLD_SHARE="${BENCH_HOLD_SHARE:-0.05}"
HOLD_TTL="${BENCH_HOLD_TTL:-2}"
KILL_AT="${BENCH_KILL_AT:-0.4}"
KILL_INSTANCE="${BENCH_KILL_INSTANCE:-2}"
BASE_PORT="${BENCH_BASE_PORT:-8101}"
LEASE="${BENCH_IN_FLIGHT_LEASE:-5s}"
WEBHOOK_PORT="${BENCH_RECEIVER_PORT:-18092}"
# per-attempt timeout of webhook sends; a delivery claimed by a killed instance comes back after timeout + 30 s
WEBHOOK_TIMEOUT="${BENCH_WEBHOOK_TIMEOUT:-5s}"
SETTLE_TIMEOUT="${BENCH_SETTLE_TIMEOUT:-90}"
READY_TIMEOUT="${BENCH_READY_TIMEOUT:-240}"
DB="${ORDO_DB_NAME:-ordo_multi}"
AMQP_PORT_WANTED="${ORDO_AMQP_PORT:-5677}"
JAVA="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"
JAR="${ORDO_APP_JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}"
PG_DOWN="${BENCH_PG_DOWN:-5}"
PG_VERSION="${ORDO_PG_VERSION:-15}"
[ "$KILL" = 1 ] && [ "$RESTART_PG" = 1 ] && die "--kill and --restart-postgres are separate drills"
if [ "$KILL" = 1 ]; then
  [ "$N" -ge 2 ] || die "--kill needs at least 2 instances"
  [ "$KILL_INSTANCE" = relay ] || { [[ "$KILL_INSTANCE" =~ ^[1-9]$ ]] && [ "$KILL_INSTANCE" -le "$N" ]; } \
    || die "BENCH_KILL_INSTANCE must be 1..$N or relay"
fi

command -v node >/dev/null || die "node is required"
command -v psql >/dev/null || die "psql is required"
command -v curl >/dev/null || die "curl is required"
[ -d "$HERE/node_modules/rhea" ] || (cd "$ROOT" && npm ci --prefix bench >/dev/null 2>&1) || die "npm ci --prefix bench failed"
[ -f "$JAR" ] || die "$JAR is missing: ./mvnw -q -B package -DskipTests"
for i in $(seq 1 "$N"); do
  port=$((BASE_PORT + i - 1))
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is taken (another instance still running?)"; fi
done

STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$HERE/results/multi-$STAMP-n$N"
[ "$KILL" = 1 ] && OUT="$OUT-kill"
[ "$RESTART_PG" = 1 ] && OUT="$OUT-pgrestart"
mkdir -p "$OUT"
SUMMARY="$OUT/summary.txt"
say() { echo "$*" | tee -a "$SUMMARY"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# ---------------------------------------------------------------------------------------------------------------
# 1. infrastructure
env_lines="$(cd "$ROOT" && ORDO_AMQP_PORT="$AMQP_PORT_WANTED" ORDO_DB_NAME="$DB" bin/run-local --infra-only 2>"$OUT/infra.log")" \
  || { cat "$OUT/infra.log" >&2; die "bin/run-local --infra-only failed"; }
eval "$env_lines"
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGDATABASE="$DB"
export ORDO_DB="$DB"
psql -qtAX -c 'SELECT 1' >/dev/null || die "cannot connect to database $DB"

# ---------------------------------------------------------------------------------------------------------------
# 2. instances (and cleanup of everything this script starts)
declare -a PIDS=()
CONSUMER_PID=""
LOAD_PID=""
RECEIVER_PID=""
WEBHOOK_ID=""
ADMIN_TOKEN=""
cleanup() {
  local pid
  [ -n "$LOAD_PID" ] && kill -TERM "$LOAD_PID" 2>/dev/null || true
  if [ -n "$WEBHOOK_ID" ]; then   # so that later runs do not keep retrying towards a receiver that is gone
    for i in $(seq 1 "$N"); do
      curl -s -o /dev/null -m 5 -X DELETE -H "Authorization: Bearer $ADMIN_TOKEN" \
        "http://127.0.0.1:$((BASE_PORT + i - 1))/v1/webhooks/$WEBHOOK_ID" && break
    done
  fi
  [ -n "$RECEIVER_PID" ] && kill -TERM "$RECEIVER_PID" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$CONSUMER_PID" ]; then kill -TERM "$CONSUMER_PID" 2>/dev/null || true; wait "$CONSUMER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "== ordo many instances: $N instance(s), $DURATION, $CONNS workers, $MODE$([ "$KILL" = 1 ] && echo ", SIGKILL to instance $KILL_INSTANCE at $KILL_AT of the run")$([ "$RESTART_PG" = 1 ] && echo ", PostgreSQL down for $PG_DOWN s at $KILL_AT of the run"), $(date -u +%Y-%m-%dT%H:%M:%SZ) =="
say "machine         $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo), load average $(loadavg) before start"
say "infrastructure  database $DB, broker 127.0.0.1:$AMQP_PORT, in-flight lease $LEASE, $("$JAVA" -version 2>&1 | head -n 1)"

t_start=$SECONDS
for i in $(seq 1 "$N"); do
  port=$((BASE_PORT + i - 1))
  # shellcheck disable=SC2086
  (cd "$(dirname "$JAR")" && QUARKUS_HTTP_PORT="$port" ORDO_IDEMPOTENCY_IN_FLIGHT_LEASE="$LEASE" \
     ORDO_WEBHOOKS_ALLOW_HTTP=true ORDO_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true ORDO_WEBHOOKS_TIMEOUT="$WEBHOOK_TIMEOUT" \
     exec "$JAVA" -Xmx256m ${JAVA_OPTS:-} -jar "$(basename "$JAR")") >"$OUT/instance-$i.log" 2>&1 &
  PIDS+=($!)
done
for i in $(seq 1 "$N"); do
  port=$((BASE_PORT + i - 1))
  until [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready" || true)" = 200 ]; do
    kill -0 "${PIDS[$((i - 1))]}" 2>/dev/null || { tail -n 30 "$OUT/instance-$i.log" >&2; die "instance $i exited during start-up"; }
    [ $((SECONDS - t_start)) -lt "$READY_TIMEOUT" ] || die "instance $i not ready within $READY_TIMEOUT s (see $OUT/instance-$i.log)"
    sleep 0.5
  done
done
URLS="$(for i in $(seq 1 "$N"); do printf 'http://127.0.0.1:%d,' $((BASE_PORT + i - 1)); done)"
URLS="${URLS%,}"
say "instances       $N ready in $((SECONDS - t_start)) s: $(for i in $(seq 1 "$N"); do printf 'pid %s :%d  ' "${PIDS[$((i - 1))]}" $((BASE_PORT + i - 1)); done)"

# ---------------------------------------------------------------------------------------------------------------
# 3. catalogue, token
ORDO_URL="http://127.0.0.1:$BASE_PORT" BENCH_SKUS="$SKUS" "$HERE/setup.sh" --if-needed >"$OUT/setup.log" 2>&1 \
  || { cat "$OUT/setup.log" >&2; die "bench/setup.sh failed"; }
BENCH_TOKEN="$(TOKEN_TTL=$((SECS + 3600)) "$ROOT/bin/token" ordo-channel bench-web)"
export BENCH_TOKEN

# A webhook endpoint for order.created and hold.expired of bench-web: a local receiver that checks every signature
# with its own HMAC code and notes every webhook-id it receives twice (bench/webhook-receiver.py).
python3 "$HERE/webhook-receiver.py" "$WEBHOOK_PORT" >"$OUT/receiver.log" 2>&1 &
RECEIVER_PID=$!
sleep 0.5
kill -0 "$RECEIVER_PID" 2>/dev/null || { cat "$OUT/receiver.log" >&2; die "bench/webhook-receiver.py did not start on $WEBHOOK_PORT"; }
ADMIN_TOKEN="$(TOKEN_TTL=$((SECS + 3600)) "$ROOT/bin/token" ordo-admin)"
answer="$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
  -d "{\"url\":\"http://127.0.0.1:$WEBHOOK_PORT/multi\",\"events\":[\"order.created\",\"hold.expired\"],\"channel\":\"bench-web\"}" \
  "http://127.0.0.1:$BASE_PORT/v1/webhooks")"
WEBHOOK_ID="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$answer")" \
  || die "could not subscribe the webhook receiver: $answer"
python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])' <<<"$answer" \
  | curl -s -o /dev/null --data-binary @- "http://127.0.0.1:$WEBHOOK_PORT/secrets"

# Where the run starts, in the database's terms: holds created from now, outbox rows after this id.
IFS='|' read -r RUN_START OUTBOX_FROM < <(psql -qtAX -F '|' -c "SELECT now()::text, coalesce(max(id), 0) FROM outbox")
[ -n "$OUTBOX_FROM" ] || die "could not read the outbox position"

# ---------------------------------------------------------------------------------------------------------------
# 4. the event consumer
AMQP_PORT="$AMQP_PORT" node "$HERE/amqp-consume.mjs" --ids "$OUT/received-ids.txt" >"$OUT/consume.log" 2>&1 &
CONSUMER_PID=$!
sleep 1
kill -0 "$CONSUMER_PID" 2>/dev/null || { cat "$OUT/consume.log" >&2; die "bench/amqp-consume.mjs did not start"; }

# ---------------------------------------------------------------------------------------------------------------
# 5. the load
RUN_ID="$(printf '%x' "$(date +%s)")$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
load_args=(--urls "$URLS" --concurrency "$CONNS" --mode "$MODE" --skus "$SKUS" --hold-share "$HOLD_SHARE"
           --hold-ttl "$HOLD_TTL")
if [ -n "${BENCH_WARMUP:-}" ]; then
  w="${BENCH_WARMUP%s}"
  say "warm-up         ${w} s, not measured (its orders and holds are checked too)"
  node "$HERE/multi-load.mjs" "${load_args[@]}" --duration "$w" --run-id "${RUN_ID}w" --out "$OUT/warmup" \
    --label warm-up >"$OUT/warmup.txt" 2>&1 || { cat "$OUT/warmup.txt" >&2; die "warm-up load failed"; }
  grep -E '^(orders/s|refused)' "$OUT/warmup.txt" | sed 's/^/  warm-up: /' | tee -a "$SUMMARY"
fi

# Which instance's relay holds the outbox relay's advisory lock (OutboxRelay.RELAY_LOCK, 0x6f72646f) now, while
# unpublished rows exist (so it is most likely relaying a batch, not just polling an empty outbox): the client port
# of the PostgreSQL session holding the lock, then the instance owning that socket (ss). Prints 1..N.
relay_holder() {
  local cport pid i
  cport="$(psql -qtAX -c "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = 1869767791 AND l.granted
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL) LIMIT 1")"
  [ -n "$cport" ] || return 1
  pid="$(ss -Htnp "( sport = :$cport )" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)"
  for i in $(seq 1 "$N"); do
    [ "${PIDS[$((i - 1))]}" = "$pid" ] && { echo "$i"; return 0; }
  done
  return 1
}

# CPU accounting for the run: clock ticks of a process (utime + stime), and of the whole machine (busy, total).
HZ="$(getconf CLK_TCK)"
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat; }
BROKER_PID="$(cat "$ROOT/.local/broker/data/artemis.pid" 2>/dev/null || echo 0)"
declare -a T0=()
for pid in "${PIDS[@]}"; do T0+=("$(proc_ticks "$pid")"); done
broker_t0="$(proc_ticks "$BROKER_PID")"
read -r busy0 total0 < <(machine_ticks)

# Connections of one instance (by its pid, ss): PostgreSQL (:5432) and AMQP broker ($AMQP_PORT).
conns() { ss -Htnp state established "( dport = :$2 )" 2>/dev/null | grep -c "pid=$1," || true; }
conn_table() { # label -> one line per live instance
  local i pid
  for i in $(seq 1 "$N"); do
    pid="${PIDS[$((i - 1))]}"
    kill -0 "$pid" 2>/dev/null || continue
    say "connections     $1: instance $i  PostgreSQL $(conns "$pid" 5432), broker $(conns "$pid" "$AMQP_PORT")"
  done
}

load_from=$SECONDS
la_before="$(loadavg)"
node "$HERE/multi-load.mjs" "${load_args[@]}" --duration "$SECS" --run-id "$RUN_ID" --out "$OUT/load" \
  --label "$N instance(s)" >"$OUT/load.txt" 2>&1 &
LOAD_PID=$!
KILLED_AT=""
if [ "$KILL" = 1 ]; then
  kill_after=$(awk -v s="$SECS" -v f="$KILL_AT" 'BEGIN { printf "%.1f", s * f }')
  sleep "$kill_after"
  victim_i="$KILL_INSTANCE"
  how="instance $KILL_INSTANCE"
  if [ "$KILL_INSTANCE" = relay ]; then
    # the instance whose relay holds the outbox lock right now (kill it in the middle of a batch)
    victim_i=""
    for _ in $(seq 1 100); do
      victim_i="$(relay_holder)" && break
      sleep 0.03
    done
    if [ -n "$victim_i" ]; then how="instance $victim_i (its relay held the outbox lock with events unpublished: most likely mid-batch)"
    else victim_i=2; how="instance 2 (no relay held the outbox lock within 3 s)"; fi
  fi
  victim="${PIDS[$((victim_i - 1))]}"
  conn_table "before the kill"
  kill -KILL "$victim" 2>/dev/null || die "instance $victim_i (pid $victim) was not running at the kill"
  { wait "$victim"; } 2>/dev/null || true   # reap it here, without bash's "Killed" job notice
  KILLED_AT="$(date -u +%H:%M:%S.%3N)"
  say "kill            SIGKILL to $how, pid $victim, :$((BASE_PORT + victim_i - 1)), at ${kill_after} s into the run ($KILLED_AT UTC)"
fi
if [ "$RESTART_PG" = 1 ]; then
  restart_after=$(awk -v s="$SECS" -v f="$KILL_AT" 'BEGIN { printf "%.1f", s * f }')
  sleep "$restart_after"
  conn_table "before the restart"
  PG_STOPPED_AT="$(date -u +%H:%M:%S.%3N)"
  pg_stop_from=$SECONDS
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main stop -m fast || die "could not stop PostgreSQL"
  stop_s=$((SECONDS - pg_stop_from))
  sleep "$PG_DOWN"
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start || die "could not start PostgreSQL again"
  PG_STARTED_AT="$(date -u +%H:%M:%S.%3N)"
  say "postgres        stopped (fast) at $PG_STOPPED_AT UTC, ${restart_after} s into the run (stop took ${stop_s} s), started again at $PG_STARTED_AT UTC after $PG_DOWN s down"
  for i in $(seq 1 "$N"); do   # readiness back: the seconds from PostgreSQL's start to /q/health/ready 200
    port=$((BASE_PORT + i - 1)); from_start=$SECONDS
    until [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready" || true)" = 200 ]; do
      [ $((SECONDS - from_start)) -lt 60 ] || break
      sleep 0.2
    done
    say "postgres        instance $i ready again $((SECONDS - from_start)) s after PostgreSQL started"
  done
fi
set +e
wait "$LOAD_PID"
load_rc=$?
set -e
LOAD_PID=""
la_after="$(loadavg)"
read -r busy1 total1 < <(machine_ticks)
inst_ticks=0
for i in $(seq 1 "$N"); do
  t="$(proc_ticks "${PIDS[$((i - 1))]}")"
  [ "$t" != 0 ] && inst_ticks=$((inst_ticks + t - T0[i - 1]))
done
cpu_line="$(for i in $(seq 1 "$N"); do
  pid="${PIDS[$((i - 1))]}"
  if [ -r "/proc/$pid/stat" ]; then printf 'instance %d %.1f s, ' "$i" "$(awk -v a="$(proc_ticks "$pid")" -v b="${T0[$((i - 1))]}" -v hz="$HZ" 'BEGIN { print (a - b) / hz }')"
  else printf 'instance %d killed, ' "$i"; fi
done)"
broker_s="$(awk -v a="$(proc_ticks "$BROKER_PID")" -v b="$broker_t0" -v hz="$HZ" 'BEGIN { printf "%.1f", (a - b) / hz }')"
cat "$OUT/load.txt" | tee -a "$SUMMARY"
[ "$load_rc" -eq 0 ] || die "the load generator failed (exit $load_rc)"
say "load average    $la_before at the start of the run, $la_after at its end"
accepted_n="$(sed -n 's/^MULTI_LOAD .* accepted=\([0-9]*\) .*/\1/p' "$OUT/load.txt")"
say "cpu per order   $(awk -v t="$inst_ticks" -v hz="$HZ" -v n="${accepted_n:-0}" 'BEGIN { printf "%.2f ms", n ? 1000 * t / hz / n : 0 }') of service CPU (all surviving instances together) per accepted order"
say "cpu in the run  machine $(awk -v b=$((busy1 - busy0)) -v t=$((total1 - total0)) -v n="$(nproc)" 'BEGIN { printf "%.0f %% busy of %d cores", t ? 100 * b / t : 0, n }'); ${cpu_line}broker $broker_s s (CPU seconds; the load generator's own share is its 'client CPU' line; the rest is PostgreSQL and everything else on the machine)"
# WARN/ERROR lines of an instance's log, without Micrometer's start-up notice about a gauge registered twice
warns() { grep 'WARN\|ERROR' "$OUT/instance-$1.log" | grep -vc 'has been already registered' || true; }
for i in $(seq 1 "$N"); do
  pid="${PIDS[$((i - 1))]}"
  if [ -r "/proc/$pid/status" ]; then
    # orders per database call of the intake batcher (Micrometer summary, warm-up included)
    batch="$(curl -s -m 5 "http://127.0.0.1:$((BASE_PORT + i - 1))/q/metrics" \
      | awk '/^ordo_intake_batch_size_sum/ { s = $2 } /^ordo_intake_batch_size_count/ { c = $2 }
             END { if (c > 0) printf "%.1f orders per intake batch (%d batches)", s / c, c; else printf "intake batch size n/a" }')"
    say "instance $i      $batch, $(awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { printf "RSS %.0f MB (peak %.0f MB)", r / 1024, h / 1024 }' "/proc/$pid/status"), $(warns "$i") WARN/ERROR log lines"
  else
    say "instance $i      gone (killed), $(warns "$i") WARN/ERROR log lines before"
  fi
done

# ---------------------------------------------------------------------------------------------------------------
# 6. let the survivors finish: outbox relayed, holds expired, every event of the run drained
settle_from=$SECONDS
q() { psql -qtAX -v ON_ERROR_STOP=1 "$@"; }
while :; do
  state="$(q -c "SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL) || ' ' ||
                        (SELECT count(*) FROM holds WHERE status = 'ACTIVE' AND created_at >= '$RUN_START') || ' ' ||
                        (SELECT count(*) FROM webhook_deliveries WHERE subscription_id = '$WEBHOOK_ID'
                            AND status = 'PENDING')")"
  read -r unpublished active pending_hooks <<<"$state"
  # every run event among the received ids? (outbox event ids of the run that are not in the file)
  run_events=$(q -c "SELECT count(*) FROM outbox WHERE id > $OUTBOX_FROM")
  got=$(sort -u "$OUT/received-ids.txt" | wc -l)
  if [ "$unpublished" = 0 ] && [ "$active" = 0 ] && [ "$got" -ge "$run_events" ] && [ "$pending_hooks" = 0 ]; then break; fi
  if [ $((SECONDS - settle_from)) -ge "$SETTLE_TIMEOUT" ]; then
    say "settle          gave up after $SETTLE_TIMEOUT s: $unpublished unpublished, $active holds ACTIVE, $got distinct ids received for $run_events events, $pending_hooks webhook deliveries pending"
    break
  fi
  sleep 1
done
sleep 2   # a little more, so that late duplicates are counted too
say "settle          $((SECONDS - settle_from)) s until the outbox was empty, the run's holds expired, its events received and its webhooks delivered"
kill -TERM "$CONSUMER_PID" 2>/dev/null || true
wait "$CONSUMER_PID" 2>/dev/null || true
CONSUMER_PID=""
conn_table "after the run"
grep -E '^received' "$OUT/consume.log" | sed 's/^received  */consumer        received /' | tee -a "$SUMMARY" || true

# ---------------------------------------------------------------------------------------------------------------
# 7. checks
say "checks (database $DB; holds created since $RUN_START, outbox ids after $OUTBOX_FROM):"
set +e
stock_out="$("$HERE/check-invariants.sh" 2>&1)"
stock_rc=$?
set -e
grep -v '^invariants:' <<<"$stock_out" | sed 's/^\(PASS\|FAIL\|SKIP\) (\([abc]\))/\1 (1\2)/' | tee -a "$SUMMARY"

given_up_orders=0
for d in "$OUT/load" "$OUT/warmup"; do
  [ -f "$d/given-up.tsv" ] && given_up_orders=$((given_up_orders + $(grep -c '^order' "$d/given-up.tsv" || true)))
done
cat "$OUT"/load/orders.tsv "$OUT"/warmup/orders.tsv 2>/dev/null > "$OUT/all-orders.tsv" || true
cat "$OUT"/load/holds.tsv "$OUT"/warmup/holds.tsv 2>/dev/null > "$OUT/all-holds.tsv" || true
prefix_sql="M-${RUN_ID}"
set +e
run_out="$( {
  echo "CREATE TEMP TABLE run_orders (order_id uuid, external_id text, how text);"
  echo "CREATE TEMP TABLE run_holds (hold_id uuid, expires_at text);"
  echo "CREATE TEMP TABLE received (event_id text);"
  echo "\\copy run_orders FROM '$OUT/all-orders.tsv'"
  echo "\\copy run_holds FROM '$OUT/all-holds.tsv'"
  echo "\\copy received FROM '$OUT/received-ids.txt'"
  cat "$HERE/multi-invariants.sql"
} | psql -qtAX -v ON_ERROR_STOP=1 -v run_start="$RUN_START" -v outbox_from="$OUTBOX_FROM" \
      -v run_prefix="$prefix_sql" -v given_up_orders="$given_up_orders" -v lag_s=10 2>&1)"
run_rc=$?
set -e
tee -a "$SUMMARY" <<<"$run_out"
# (5) webhooks: one delivery per event of the run, all delivered, every signature good, and no webhook-id received
# twice except a delivery whose first send was cut by the kill (its claim came back after the lease, >= 20 s later);
# two workers racing for one delivery would send it twice within moments.
IFS='|' read -r wh_events wh_missing wh_delivered wh_other < <(q -F '|' -c "
  SELECT count(*), count(*) FILTER (WHERE d.id IS NULL), count(*) FILTER (WHERE d.status = 'DELIVERED'),
         count(*) FILTER (WHERE d.status <> 'DELIVERED')
    FROM outbox o LEFT JOIN webhook_deliveries d ON d.event_id = o.event_id AND d.subscription_id = '$WEBHOOK_ID'
   WHERE o.id > $OUTBOX_FROM AND o.type IN ('order.created', 'hold.expired') AND o.payload ->> 'channel' = 'bench-web'")
stats_json="$(curl -s -m 5 "http://127.0.0.1:$WEBHOOK_PORT/stats")"
dups_json="$(curl -s -m 5 "http://127.0.0.1:$WEBHOOK_PORT/duplicates")"
read -r wh_unique wh_bad wh_dups wh_close <<<"$(python3 -c '
import json, sys
s, d = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(s["unique"], s["bad_signatures"], s["duplicates"], sum(1 for x in d if x["gap_s"] < 20))' "$stats_json" "$dups_json")"
if [ "$wh_missing" = 0 ] && [ "$wh_other" = 0 ] && [ "$wh_events" -gt 0 ]; then r=PASS; else r=FAIL; fi
say "$r (5a) webhook deliveries: $wh_events events of the run for the subscription, $wh_missing without a delivery, $wh_delivered DELIVERED, $wh_other not delivered"
if [ "$wh_bad" = 0 ] && [ "$wh_unique" = "$wh_delivered" ]; then r=PASS; else r=FAIL; fi
say "$r (5b) webhook receiver: $wh_unique distinct webhook-ids received for $wh_delivered delivered, $wh_bad bad signatures (checked with the receiver's own HMAC code)"
if [ "$wh_close" = 0 ] && { [ "$KILL" = 1 ] || [ "$RESTART_PG" = 1 ] || [ "$wh_dups" = 0 ]; }; then r=PASS; else r=FAIL; fi
if [ "$KILL" = 1 ]; then why="repeats >= 20 s apart are sends of the killed instance, claimed again after its lease (at least once)"
elif [ "$RESTART_PG" = 1 ]; then why="repeats >= 20 s apart are sends whose outcome could not be written while PostgreSQL was down, sent again after their lease (at least once)"
else why="without a fault there must be none"; fi
say "$r (5c) no webhook sent twice by racing workers: $wh_dups repeated receipts, $wh_close of them within 20 s of the first (a race); $why"

fails=$(grep -c '^FAIL' "$SUMMARY" || true)
ml="$(grep '^MULTI_LOAD' "$OUT/load.txt" | head -n 1)"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$ml"; }
say "RESULT_MULTI instances=$N kill=$KILL restart_postgres=$RESTART_PG concurrency=$CONNS duration_s=$(field duration_s) orders_per_s=$(field orders_per_s) p50_ms=$(field p50_ms) p99_ms=$(field p99_ms) loadavg_start=${la_before%% *} loadavg_end=${la_after%% *} checks_failed=$fails"
if [ "$stock_rc" -ne 0 ] || [ "$run_rc" -ne 0 ] || [ "$fails" -gt 0 ]; then
  [ "$run_rc" -ne 0 ] && say "FAIL multi-invariants.sql stopped with an error (psql exit $run_rc)"
  say "RESULT FAIL ($fails failing checks)   output: ${OUT#"$ROOT"/}"
  exit 1
fi
say "RESULT PASS   output: ${OUT#"$ROOT"/}"
