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
ANALYZE run_orders;
ANALYZE run_holds;
ANALYZE received;

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

-- Every order of the run: exactly one order.created event, and open allocations covering every line. (Aggregated
-- joins, not correlated subqueries: outbox has no index on aggregate_id, and a run has tens of thousands of orders.)
CREATE TEMP TABLE run_db_orders AS
SELECT id, external_id FROM orders WHERE channel = 'bench-web' AND starts_with(external_id, :'run_prefix');
CREATE TEMP TABLE run_order_problems AS
WITH ev AS (SELECT aggregate_id, count(*) AS n FROM outbox WHERE id > :outbox_from AND type = 'order.created' GROUP BY 1),
     ol AS (SELECT l.order_id, sum(l.quantity) AS q FROM order_lines l JOIN run_db_orders r ON r.id = l.order_id GROUP BY 1),
     al AS (SELECT a.owner_id, sum(a.quantity) AS q FROM allocations a JOIN run_db_orders r ON r.id = a.owner_id
             WHERE a.released_at IS NULL GROUP BY 1)
SELECT r.id, r.external_id, coalesce(ev.n, 0) AS created_events, coalesce(ol.q, 0) AS ordered,
       coalesce(al.q, 0) AS allocated
  FROM run_db_orders r LEFT JOIN ev ON ev.aggregate_id = r.id LEFT JOIN ol ON ol.order_id = r.id
  LEFT JOIN al ON al.owner_id = r.id;
ANALYZE run_db_orders;
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
CREATE TEMP TABLE run_db_holds AS SELECT * FROM holds WHERE created_at >= :'run_start'::timestamptz;
ANALYZE run_db_holds;
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
CREATE TEMP TABLE run_hold_problems AS
WITH ev AS (SELECT aggregate_id, count(*) AS n FROM outbox WHERE id > :outbox_from AND type = 'hold.expired' GROUP BY 1),
     hl AS (SELECT l.hold_id, sum(l.quantity) AS q FROM hold_lines l JOIN run_db_holds h ON h.id = l.hold_id GROUP BY 1),
     al AS (SELECT a.owner_id, sum(a.quantity) FILTER (WHERE a.released_at IS NOT NULL) AS released,
                   count(*) FILTER (WHERE a.released_at IS NULL) AS open
              FROM allocations a JOIN run_db_holds h ON h.id = a.owner_id GROUP BY 1)
SELECT h.id, h.status, coalesce(ev.n, 0) AS expired_events, coalesce(hl.q, 0) AS held,
       coalesce(al.released, 0) AS released, coalesce(al.open, 0) AS open_allocations
  FROM run_db_holds h LEFT JOIN ev ON ev.aggregate_id = h.id LEFT JOIN hl ON hl.hold_id = h.id
  LEFT JOIN al ON al.owner_id = h.id
 WHERE h.status = 'EXPIRED';
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
