#!/usr/bin/env bash
# Outbox / event-relay figures from the service's database (table outbox), for a time window.
#
#   bench/events.sh              the window of the last bench/run-orders.sh run (from its newest bench/results
#                                file: start time in the header + duration_s of its RESULT line), else the last 60 s
#   bench/events.sh 30           the last 30 seconds (also 30s, 2m, 1h)
#   BENCH_EVENTS_FROM=<epoch s> BENCH_EVENTS_TO=<epoch s> bench/events.sh   an exact window (fractions allowed)
#
# Prints, for the window [from, to):
#   created      outbox rows created in the window (by type)
#   published    rows whose published_at is in the window, and that count / window seconds (events published/s)
#   lag ms       published_at - created_at of the rows created in the window that are published by now:
#                p50 / p99 / max (percentile_cont); created_at is the transaction's now(), so this is
#                "order transaction -> broker accepted the event", including the rest of that transaction
#   not yet      rows created in the window still unpublished at the time of the query
#   backlog      all unpublished rows now, and the age of the oldest
# and one machine line: EVENTS from=.. to=.. window_s=.. created=.. published=.. published_per_s=.. lag_p50_ms=..
#   lag_p99_ms=.. lag_max_ms=.. unpublished_in_window=.. unpublished=.. oldest_unpublished_s=..
# Pure psql; reads only. Exit status 1 when the database or the outbox table is not there.
#
# Environment: ORDO_DB (ordo), PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), BENCH_EVENTS_FROM /
# BENCH_EVENTS_TO (epoch seconds), BENCH_RESULTS (bench/results, where the last run is looked up),
# BENCH_EVENTS_WAIT (0: seconds to wait, at most, until every event created before the window's end is published,
# before measuring; the published/s figure is unaffected, the lag percentiles then cover every event of the window).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGDATABASE="${ORDO_DB:-ordo}"
RESULTS="${BENCH_RESULTS:-$HERE/results}"

die() { echo "bench/events.sh: $*" >&2; exit 1; }

case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
esac
[ $# -le 1 ] || die "usage: bench/events.sh [seconds-window] (try --help)"

to_seconds() {
  [[ "$1" =~ ^([0-9]+)([smh]?)$ ]] || die "window must look like 60, 60s, 2m or 1h, got '$1'"
  local n=${BASH_REMATCH[1]}
  case "${BASH_REMATCH[2]}" in m) n=$((n * 60)) ;; h) n=$((n * 3600)) ;; esac
  [ "$n" -gt 0 ] || die "window must be positive"
  echo "$n"
}

now=$(date +%s.%N)
source_desc=""
if [ -n "${BENCH_EVENTS_FROM:-}" ] || [ -n "${BENCH_EVENTS_TO:-}" ]; then
  FROM="${BENCH_EVENTS_FROM:?BENCH_EVENTS_TO needs BENCH_EVENTS_FROM}"
  TO="${BENCH_EVENTS_TO:-$now}"
  source_desc="given window"
elif [ $# -eq 1 ]; then
  secs=$(to_seconds "$1")
  FROM=$(awk -v n="$now" -v s="$secs" 'BEGIN { printf "%.3f", n - s }')
  TO="$now"
  source_desc="last ${secs}s"
else
  # The newest run-orders result with a RESULT line: header "... benchmark: <ISO time>, mode ..." + duration_s.
  last=""
  if [ -d "$RESULTS" ]; then
    last=$(grep -l '^RESULT mode=' "$RESULTS"/*.txt 2>/dev/null | xargs -r ls -t 2>/dev/null | head -n 1 || true)
  fi
  start_iso=""; dur=""
  if [ -n "$last" ]; then
    start_iso=$(sed -n 's/^ordo order-intake benchmark: \([0-9T:-]*Z\),.*/\1/p' "$last" | head -n 1)
    dur=$(sed -n 's/^RESULT .* duration_s=\([0-9.]*\) .*/\1/p' "$last" | tail -n 1)
  fi
  if [ -n "$start_iso" ] && [ -n "$dur" ] && start_epoch=$(date -d "$start_iso" +%s 2>/dev/null); then
    FROM="$start_epoch"
    # the header is written just before wrk starts; allow 1 s for wrk's start-up
    TO=$(awk -v s="$start_epoch" -v d="$dur" 'BEGIN { printf "%.3f", s + d + 1 }')
    source_desc="last run-orders run, ${last#"$HERE"/}"
  else
    FROM=$(awk -v n="$now" 'BEGIN { printf "%.3f", n - 60 }')
    TO="$now"
    source_desc="last 60s (no run-orders result found in ${RESULTS#"$HERE"/})"
  fi
fi
[[ "$FROM" =~ ^[0-9]+(\.[0-9]+)?$ && "$TO" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "window bounds must be epoch seconds, got '$FROM' .. '$TO'"

command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"
psql -qtAX -c 'SELECT 1' >/dev/null 2>&1 || die "cannot connect to database '$PGDATABASE' on $PGHOST:$PGPORT as $PGUSER"
[ "$(psql -qtAX -c "SELECT to_regclass('outbox') IS NOT NULL")" = t ] || die "no table 'outbox' in database '$PGDATABASE' (service older than the outbox migration?)"

# Optionally give the relay time to publish what the window created, so that the lag percentiles cover every
# event of the window (otherwise the slowest, still unpublished ones are left out and p99 reads low).
WAIT="${BENCH_EVENTS_WAIT:-0}"
[[ "$WAIT" =~ ^[0-9]+$ ]] || die "BENCH_EVENTS_WAIT must be whole seconds, got '$WAIT'"
if [ "$WAIT" -gt 0 ]; then
  waited_from=$(date +%s.%N)
  deadline=$(( $(date +%s) + WAIT ))
  while :; do
    pending=$(psql -qtAX -v to="$TO" <<<"SELECT count(*) FROM outbox WHERE published_at IS NULL AND created_at < to_timestamp(:to);")
    [ "$pending" = 0 ] && break
    [ "$(date +%s)" -ge "$deadline" ] && break
    sleep 0.2
  done
  waited=$(awk -v a="$waited_from" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  if [ "$pending" = 0 ]; then
    echo "(waited ${waited} s for the relay to publish every event created in the window)"
  else
    echo "(waited ${waited} s; $pending events created up to the window's end are still unpublished)"
  fi
fi

psql -qtAX -v ON_ERROR_STOP=1 -v from="$FROM" -v to="$TO" -v src="$source_desc" <<'SQL'
WITH w AS (
  SELECT to_timestamp(:from) AS t0, to_timestamp(:to) AS t1,
         extract(epoch FROM to_timestamp(:to) - to_timestamp(:from)) AS secs
), created AS (
  SELECT o.type, o.created_at, o.published_at,
         extract(epoch FROM o.published_at - o.created_at) * 1000 AS lag_ms
    FROM outbox o, w
   WHERE o.created_at >= w.t0 AND o.created_at < w.t1
), pub AS (
  SELECT count(*) AS n, min(o.published_at) AS first_at, max(o.published_at) AS last_at
    FROM outbox o, w
   WHERE o.published_at >= w.t0 AND o.published_at < w.t1
), lag AS (
  SELECT count(*) AS n,
         count(*) FILTER (WHERE published_at IS NULL) AS pending,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms) AS p50,
         percentile_cont(0.99) WITHIN GROUP (ORDER BY lag_ms) AS p99,
         max(lag_ms) AS mx
    FROM created
), types AS (
  SELECT coalesce(string_agg(type || ' ' || n, ', ' ORDER BY n DESC, type), 'none') AS list
    FROM (SELECT type, count(*) AS n FROM created GROUP BY type) t
), backlog AS (
  SELECT count(*) AS n, extract(epoch FROM now() - min(created_at)) AS oldest_s
    FROM outbox WHERE published_at IS NULL
), r AS (
  SELECT w.*, pub.n AS published, pub.first_at, pub.last_at, lag.n AS created, lag.pending, lag.p50, lag.p99, lag.mx,
         types.list, backlog.n AS unpublished, backlog.oldest_s
    FROM w, pub, lag, types, backlog
)
SELECT format('== outbox events: %s, %s .. %s (%s s) ==', :'src',
              to_char(t0 AT TIME ZONE 'UTC', 'HH24:MI:SS.MS'), to_char(t1 AT TIME ZONE 'UTC', 'HH24:MI:SS.MS"Z"'),
              round(secs::numeric, 2))
    || E'\n' || format('created         %s events (%s)', created, list)
    || E'\n' || format('published       %s events, %s events/s over the window', published,
                       round((published / nullif(secs, 0))::numeric, 1))
    || CASE WHEN published > 1 THEN format('  (first %s, last %s)',
                       to_char(first_at AT TIME ZONE 'UTC', 'HH24:MI:SS.MS'), to_char(last_at AT TIME ZONE 'UTC', 'HH24:MI:SS.MS'))
            ELSE '' END
    || E'\n' || format('lag ms          p50 %s  p99 %s  max %s  (created -> published, %s events created in the window and published)',
                       coalesce(round(p50::numeric, 1)::text, 'n/a'), coalesce(round(p99::numeric, 1)::text, 'n/a'),
                       coalesce(round(mx::numeric, 1)::text, 'n/a'), created - pending)
    || E'\n' || format('not yet         %s of the events created in the window are unpublished', pending)
    || E'\n' || format('backlog now     %s unpublished, oldest %s', unpublished,
                       CASE WHEN oldest_s IS NULL THEN 'n/a' ELSE round(oldest_s::numeric, 2) || ' s' END)
    || E'\n' || format('EVENTS from=%s to=%s window_s=%s created=%s published=%s published_per_s=%s lag_p50_ms=%s lag_p99_ms=%s lag_max_ms=%s unpublished_in_window=%s unpublished=%s oldest_unpublished_s=%s',
                       round(extract(epoch FROM t0)::numeric, 3), round(extract(epoch FROM t1)::numeric, 3),
                       round(secs::numeric, 2), created, published, round((published / nullif(secs, 0))::numeric, 1),
                       coalesce(round(p50::numeric, 1)::text, 'na'), coalesce(round(p99::numeric, 1)::text, 'na'),
                       coalesce(round(mx::numeric, 1)::text, 'na'), pending, unpublished,
                       coalesce(round(oldest_s::numeric, 2)::text, 'na'))
  FROM r;
SQL
