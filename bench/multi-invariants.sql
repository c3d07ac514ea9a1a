-- Checks of one bench/multi-instance.sh run (the stock invariants come from bench/check-invariants.sh before it).
-- Prints one PASS / FAIL / SKIP / INFO line per check, and up to 5 offending rows after a FAIL.
--
-- bench/multi-instance.sh runs it as
--   psql -qtAX -v run_start=... -v outbox_from=... -v run_prefix=M-<run id>- -v given_up_orders=N -v lag_s=10
-- after loading what the client saw into temporary tables with \copy (psql cannot interpolate variables in \copy):
--   run_orders (order_id uuid, external_id text, how text)   every order the client was told exists (201, replayed
--                                                            201, or 409 duplicate-order with existingOrderId)
--   run_holds (hold_id uuid, expires_at text)                every hold the client got a 201 for
--   received (event_id text)                                 every CloudEvent id drained from ordo.order-events,
--                                                            duplicates included
-- run_start: the database's now() before the first request (warm-up included); outbox_from: max(outbox.id) then.
\set ON_ERROR_STOP 1
\pset footer off

-- (2) every order the client saw accepted is in the database, with its externalId --------------------------------
SELECT count(*) AS client_orders, count(DISTINCT order_id) AS client_distinct FROM run_orders \gset
SELECT count(*) AS bad FROM run_orders r LEFT JOIN orders o ON o.id = r.order_id
 WHERE o.id IS NULL OR o.external_id <> r.external_id OR o.channel <> 'bench-web' \gset
SELECT CASE WHEN :bad = 0 AND :client_orders > 0 THEN 'PASS' ELSE 'FAIL' END
       || ' (2a) every order the client saw accepted (201, replay or duplicate-order) is in orders with its externalId: '
       || :client_orders || ' seen (' || :client_distinct || ' distinct), ' || :bad || ' missing or different';
SELECT :bad > 0 AS has_bad \gset
\if :has_bad
SELECT '   client saw ' || r.order_id || ' ' || r.external_id || ' (' || r.how || '), database: '
       || coalesce(o.external_id, 'no such order')
  FROM run_orders r LEFT JOIN orders o ON o.id = r.order_id
 WHERE o.id IS NULL OR o.external_id <> r.external_id LIMIT 5;
\endif

SELECT count(*) AS dup FROM (SELECT external_id FROM run_orders GROUP BY external_id HAVING count(DISTINCT order_id) > 1) d \gset
SELECT count(*) AS db_orders FROM orders WHERE channel = 'bench-web' AND starts_with(external_id, :'run_prefix') \gset
SELECT count(*) AS db_dup FROM (SELECT external_id FROM orders WHERE channel = 'bench-web'
                                   AND starts_with(external_id, :'run_prefix') GROUP BY external_id HAVING count(*) > 1) d \gset
SELECT CASE WHEN :dup = 0 AND :db_dup = 0 THEN 'PASS' ELSE 'FAIL' END
       || ' (2b) one order per externalId: ' || :db_orders || ' orders of the run in the database, '
       || :db_dup || ' externalIds twice there, ' || :dup || ' externalIds the client saw with two different ids';

-- Orders in the database the client never heard of: only possible for requests it gave up on.
SELECT count(*) AS unconfirmed FROM orders o
 WHERE o.channel = 'bench-web' AND starts_with(o.external_id, :'run_prefix')
   AND NOT EXISTS (SELECT 1 FROM run_orders r WHERE r.order_id = o.id) \gset
SELECT CASE WHEN :unconfirmed <= :given_up_orders THEN 'PASS' ELSE 'FAIL' END
       || ' (2c) orders of the run the client never saw accepted: ' || :unconfirmed
       || ' (allowed: at most the ' || :given_up_orders || ' order requests the client gave up on)';
SELECT :unconfirmed > 0 AS has_unconfirmed \gset
\if :has_unconfirmed
SELECT '   not confirmed to the client: ' || o.id || ' ' || o.external_id || ' created ' || o.created_at
  FROM orders o WHERE o.channel = 'bench-web' AND starts_with(o.external_id, :'run_prefix')
   AND NOT EXISTS (SELECT 1 FROM run_orders r WHERE r.order_id = o.id) LIMIT 5;
\endif

-- Every order of the run: exactly one order.created event, and open allocations covering every line.
CREATE TEMP VIEW run_order_problems AS
SELECT o.id, o.external_id,
       (SELECT count(*) FROM outbox x WHERE x.aggregate_id = o.id AND x.type = 'order.created') AS created_events,
       (SELECT coalesce(sum(quantity), 0) FROM order_lines l WHERE l.order_id = o.id) AS ordered,
       (SELECT coalesce(sum(quantity), 0) FROM allocations a WHERE a.owner_id = o.id AND a.released_at IS NULL) AS allocated
  FROM orders o WHERE o.channel = 'bench-web' AND starts_with(o.external_id, :'run_prefix');
SELECT count(*) AS bad FROM run_order_problems WHERE created_events <> 1 OR ordered <> allocated \gset
SELECT CASE WHEN :bad = 0 THEN 'PASS' ELSE 'FAIL' END
       || ' (2d) every order of the run has exactly one order.created outbox event and open allocations = its line quantities: '
       || :bad || ' not';
SELECT :bad > 0 AS has_bad \gset
\if :has_bad
SELECT '   ' || id || ' ' || external_id || ': order.created events ' || created_events || ', ordered ' || ordered
       || ', allocated ' || allocated FROM run_order_problems WHERE created_events <> 1 OR ordered <> allocated LIMIT 5;
\endif

-- (3) holds: every hold of the run expired once, by whichever instance's sweeper got it ---------------------------
CREATE TEMP VIEW run_db_holds AS SELECT * FROM holds WHERE created_at >= :'run_start'::timestamptz;
SELECT count(*) AS db_holds,
       count(*) FILTER (WHERE status = 'EXPIRED') AS expired,
       count(*) FILTER (WHERE status = 'ACTIVE') AS active,
       count(*) FILTER (WHERE status = 'ACTIVE' AND expires_at < now() - make_interval(secs => :lag_s)) AS overdue,
       count(*) FILTER (WHERE status NOT IN ('ACTIVE', 'EXPIRED')) AS other
  FROM run_db_holds \gset
SELECT count(*) AS client_holds FROM run_holds \gset
SELECT count(*) AS lost FROM run_holds r LEFT JOIN holds h ON h.id = r.hold_id WHERE h.id IS NULL \gset
SELECT CASE WHEN :lost = 0 THEN 'PASS' ELSE 'FAIL' END
       || ' (3a) every hold the client got a 201 for is in holds: ' || :client_holds || ' seen, ' || :lost || ' missing; '
       || :db_holds || ' holds created in the run in the database (' || (:db_holds - :client_holds + :lost)
       || ' the client never saw: created by an attempt that died with its instance, then created again by the retry)';
SELECT CASE WHEN :overdue = 0 AND :other = 0 AND :db_holds > 0 THEN 'PASS'
            WHEN :db_holds = 0 THEN 'SKIP' ELSE 'FAIL' END
       || ' (3b) no hold of the run is still ACTIVE ' || :lag_s || ' s past expiresAt: ' || :expired || ' EXPIRED, '
       || :active || ' ACTIVE (' || :overdue || ' overdue), ' || :other || ' in another status (none expected)';
SELECT :overdue > 0 AS has_overdue \gset
\if :has_overdue
SELECT '   still ACTIVE: ' || id || ' expired at ' || expires_at FROM run_db_holds
 WHERE status = 'ACTIVE' AND expires_at < now() - make_interval(secs => :lag_s) LIMIT 5;
\endif
CREATE TEMP VIEW run_hold_problems AS
SELECT h.id, h.status,
       (SELECT count(*) FROM outbox x WHERE x.aggregate_id = h.id AND x.type = 'hold.expired') AS expired_events,
       (SELECT coalesce(sum(quantity), 0) FROM hold_lines l WHERE l.hold_id = h.id) AS held,
       (SELECT coalesce(sum(quantity), 0) FROM allocations a WHERE a.owner_id = h.id AND a.released_at IS NOT NULL) AS released,
       (SELECT count(*) FROM allocations a WHERE a.owner_id = h.id AND a.released_at IS NULL) AS open_allocations
  FROM run_db_holds h WHERE h.status = 'EXPIRED';
SELECT count(*) AS bad FROM run_hold_problems WHERE expired_events <> 1 OR held <> released OR open_allocations <> 0 \gset
SELECT CASE WHEN :bad = 0 AND :expired > 0 THEN 'PASS' WHEN :expired = 0 THEN 'SKIP' ELSE 'FAIL' END
       || ' (3c) every EXPIRED hold of the run has exactly one hold.expired event and all its units released (once): '
       || :expired || ' expired holds, ' || :bad || ' not';
SELECT :bad > 0 AS has_bad \gset
\if :has_bad
SELECT '   ' || id || ': hold.expired events ' || expired_events || ', held ' || held || ', released ' || released
       || ', open allocations ' || open_allocations
  FROM run_hold_problems WHERE expired_events <> 1 OR held <> released OR open_allocations <> 0 LIMIT 5;
\endif

-- (4) outbox: everything published, and every event of the run received on AMQP ---------------------------------
SELECT count(*) AS unpublished, coalesce(min(id)::text, '-') AS oldest FROM outbox WHERE published_at IS NULL \gset
SELECT CASE WHEN :unpublished = 0 THEN 'PASS' ELSE 'FAIL' END
       || ' (4a) every outbox row is published (published_at set): ' || :unpublished || ' unpublished (oldest id '
       || :'oldest' || ')';
CREATE TEMP TABLE received_count AS SELECT event_id, count(*) AS n FROM received GROUP BY event_id;
CREATE INDEX ON received_count (event_id);
ANALYZE received_count;
SELECT count(*) AS run_events,
       count(*) FILTER (WHERE r.event_id IS NULL) AS missing,
       coalesce(sum(r.n - 1) FILTER (WHERE r.n > 1), 0) AS dup_copies,
       count(*) FILTER (WHERE r.n > 1) AS dup_events,
       count(*) FILTER (WHERE x.type = 'order.created') AS created_events,
       count(*) FILTER (WHERE x.type = 'hold.expired') AS expired_events
  FROM outbox x LEFT JOIN received_count r ON r.event_id = x.event_id::text
 WHERE x.id > :outbox_from \gset
SELECT CASE WHEN :missing = 0 AND :run_events > 0 THEN 'PASS' ELSE 'FAIL' END
       || ' (4b) every outbox event of the run was received on ordo.order-events: ' || :run_events || ' events ('
       || :created_events || ' order.created, ' || :expired_events || ' hold.expired), ' || :missing || ' never received';
SELECT :missing > 0 AS has_missing \gset
\if :has_missing
SELECT '   never received: outbox id ' || x.id || ' ' || x.type || ' ' || x.event_id || ' published_at '
       || coalesce(x.published_at::text, 'NULL')
  FROM outbox x LEFT JOIN received_count r ON r.event_id = x.event_id::text
 WHERE x.id > :outbox_from AND r.event_id IS NULL ORDER BY x.id LIMIT 5;
\endif
SELECT count(*) AS received_total, count(DISTINCT event_id) AS received_distinct FROM received \gset
SELECT 'INFO (4c) at-least-once: ' || :dup_events || ' events of the run received more than once (' || :dup_copies
       || ' extra copies: a relay that died after the broker accepted a batch but before marking it published); '
       || :received_total || ' messages drained in all, ' || :received_distinct || ' distinct ids';
