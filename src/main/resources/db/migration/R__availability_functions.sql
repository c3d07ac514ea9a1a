-- Availability functions: what a SKU may be promised now, and the coalesced stock.changed feed (tables: V10
-- sku_policies, channel_locations, availability_feed, stock.availability_changed; V12 stock.low_crossed,
-- availability_cursor). Repeatable: Flyway re-applies this
-- file whenever it changes, so each function here is its one and only definition; a function whose signature changes
-- or that goes away is dropped by a versioned migration.
-- Files are applied in name order, this one first: its LANGUAGE sql bodies name only tables and the functions above
-- them; the plpgsql one calls
-- utc_text (R__fulfillment_functions.sql) and append_outbox_event (R__outbox_functions.sql), resolved when called.

-- THE rule of `backorderable`, the units of a SKU that may still be promised beyond what is available: 0 under DENY
-- (also for a SKU without a policy, p_policy NULL), NULL when the limit is unlimited, else limit - backordered, never
-- negative. Used by sku_availability (the API and stock.changed), sku_policy_json and unpromisable_shortages.
-- LANGUAGE sql and IMMUTABLE, so it is inlined where it is called. Here, in the first file applied, because
-- sku_availability below is a LANGUAGE sql body, checked when it is created.
CREATE OR REPLACE FUNCTION sku_backorderable(p_policy text, p_limit integer, p_backordered integer) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN coalesce(p_policy, 'DENY') = 'DENY' THEN 0
                WHEN p_limit IS NULL THEN NULL
                ELSE greatest(p_limit - p_backordered, 0) END;
$$;

-- The availability of each SKU of p_skus, in the order given (ord counts from 1), over the stock rows at the
-- locations of p_assortment (NULL: every location): available = sum of max(onHand - reserved, 0); the SKU's policy
-- (DENY without a sku_policies row); backorderable = the units that may still be promised beyond available (0 under
-- DENY, NULL when the backorder limit is unlimited, else limit - backordered, never negative). The one definition of
-- these figures for GET/POST /v1/availability and for stock.changed. Each SKU is one index lookup per table.
CREATE OR REPLACE FUNCTION sku_availability(p_skus text[], p_assortment text[])
    RETURNS TABLE (sku text, ord bigint, available integer, backorderable integer, inventory_policy text,
                   expected_at timestamptz)
    LANGUAGE sql STABLE AS $$
    SELECT a.sku, a.ord,
           (SELECT coalesce(sum(greatest(s.on_hand - s.reserved, 0)), 0) FROM stock s
             WHERE s.sku = a.sku AND (p_assortment IS NULL OR s.location = ANY (p_assortment)))::int,
           sku_backorderable(p.inventory_policy, p.backorder_limit, p.backordered),
           coalesce(p.inventory_policy, 'DENY'),
           p.expected_at
      FROM unnest(p_skus) WITH ORDINALITY AS a(sku, ord)
      LEFT JOIN sku_policies p ON p.sku = a.sku
     ORDER BY a.ord;
$$;

-- The feed's round over dirty SKUs: up to p_limit SKUs with a marked stock row, in SKU order after p_after, leaving
-- out p_taken and those announced within p_interval. An index scan of stock_availability_changed that stops at the
-- SKUs it takes.
CREATE OR REPLACE FUNCTION dirty_skus_after(p_after text, p_taken text[], p_interval interval, p_limit integer)
    RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY(SELECT s.sku FROM stock s
                  WHERE s.availability_changed AND s.sku > p_after AND s.sku <> ALL (p_taken)
                    AND NOT EXISTS (SELECT 1 FROM availability_feed f
                                     WHERE f.sku = s.sku AND f.emitted_at > now() - p_interval)
                  GROUP BY s.sku ORDER BY s.sku LIMIT p_limit)
$$;

-- Announces the availability (over every location) of SKUs whose stock or policy changed: at most one stock.changed
-- per SKU per p_interval, and only when the figures differ from the last ones announced. Takes up to p_limit dirty
-- SKUs (stock rows or policy rows flagged availability_changed) whose last announcement is older than p_interval
-- (or that have none), the ones nearest to a stock-out first: a SKU still inside its interval, or beyond the limit,
-- stays dirty and is taken by a later run. Returns the number of SKUs taken, 0 when another flusher holds the lock.
--
-- One flusher at a time over all instances (the transaction-scoped advisory lock): sequence and the feed row of a SKU
-- are never written by two transactions at once, so each SKU's sequence increases by one per event.
-- Why the flags are cleared last, and only on rows that did not change: the figures are read without a lock on the
-- stock rows, and only then are the flags cleared, on the row versions that were flagged before the figures were
-- read (their ctids) and that nobody holds now (FOR UPDATE SKIP LOCKED). A row that changed since has another
-- version, and a row that is locked is being changed (an intake holding it): both keep their flag and are taken by a
-- later run, which announces only if the figures differ, so nothing is lost and nothing is said twice. The old
-- version a ctid names cannot be pruned under this call (its snapshot holds it). The point is that the locks are
-- held for the two clearing statements and the commit only, never while the figures and events are made: clearing
-- first with locks that wait held 500 stock rows for the ~20-60 ms of a 250-SKU run, twice a second, and with
-- intake spread over many SKUs most batches touch one of them (80 % at 10,000 SKUs and 64 SKUs per batch): intake
-- stalled behind the feed (uniform intake ran anywhere between 800 and 1,900 orders/s, docs/benchmarks.md).
-- Nothing waits for a lock here, so this cannot deadlock with intake.
CREATE OR REPLACE FUNCTION flush_availability(p_interval interval, p_limit integer) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE
    v_skus        text[];
    v_events      integer;
    v_policy_rows tid[];
    v_stock_rows  tid[];
    v_after       text;
    v_turn        text[];
    v_assort      text[];
BEGIN
    -- the key spells 'ordoavl' (the outbox relay's is 'ordo')
    IF NOT pg_try_advisory_xact_lock(31369498105837164) THEN
        RETURN 0;
    END IF;
    -- Which first, when more SKUs are due than p_limit (the feed's budget, see AvailabilityFlusher): those whose change
    -- may turn a storefront's badge (a flagged stock row of theirs is at or under its low-stock threshold, or crossed
    -- it either way since the last announcement), then policy changes, then the others in turn: in SKU order after
    -- the cursor, wrapping around, so that every dirty SKU waits at most one round (dirty SKUs / budget seconds).
    -- Each part is an index scan that stops at the SKUs it takes; a SKU announced within p_interval is passed over
    -- (it stays dirty for a later run).
    v_skus := ARRAY(SELECT s.sku FROM stock s
                     WHERE s.availability_changed AND (s.low_stock_notified OR s.low_crossed)
                       AND NOT EXISTS (SELECT 1 FROM availability_feed f
                                        WHERE f.sku = s.sku AND f.emitted_at > now() - p_interval)
                     GROUP BY s.sku ORDER BY s.sku LIMIT p_limit);
    IF cardinality(v_skus) < p_limit THEN
        v_skus := v_skus || ARRAY(SELECT p.sku FROM sku_policies p
                                   WHERE p.availability_changed AND p.sku <> ALL (v_skus)
                                     AND NOT EXISTS (SELECT 1 FROM availability_feed f
                                                      WHERE f.sku = p.sku AND f.emitted_at > now() - p_interval)
                                   ORDER BY p.sku LIMIT p_limit - cardinality(v_skus));
    END IF;
    IF cardinality(v_skus) < p_limit THEN
        SELECT c.after_sku INTO v_after FROM availability_cursor c;
        v_turn := dirty_skus_after(v_after, v_skus, p_interval, p_limit - cardinality(v_skus));
        IF cardinality(v_turn) < p_limit - cardinality(v_skus) THEN
            -- the end of the round: on from the start (what lies after the cursor is taken already)
            v_turn := v_turn || dirty_skus_after('', v_skus || v_turn, p_interval,
                                                 p_limit - cardinality(v_skus) - cardinality(v_turn));
        END IF;
        IF cardinality(v_turn) > 0 THEN
            UPDATE availability_cursor SET after_sku = v_turn[cardinality(v_turn)];
            v_skus := v_skus || v_turn;
        END IF;
    END IF;
    IF cardinality(v_skus) = 0 THEN
        RETURN 0;
    END IF;

    -- the flagged row versions, before the figures are read
    v_policy_rows := ARRAY(SELECT p.ctid FROM sku_policies p WHERE p.sku = ANY (v_skus) AND p.availability_changed);
    v_stock_rows := ARRAY(SELECT s.ctid FROM stock s WHERE s.sku = ANY (v_skus) AND s.availability_changed);

    -- over every active location; the assortment is computed once here (inside the inlined sku_availability it would be
    -- called again for every SKU)
    v_assort := channel_assortment(NULL);
    WITH figures AS (SELECT * FROM sku_availability(v_skus, v_assort)),
    changed AS (
        SELECT c.* FROM figures c LEFT JOIN availability_feed f ON f.sku = c.sku
         WHERE f.sku IS NULL
            OR (f.available, f.backorderable, f.inventory_policy, f.expected_at)
               IS DISTINCT FROM (c.available, c.backorderable, c.inventory_policy, c.expected_at)),
    announced AS (
        INSERT INTO availability_feed AS f (sku, available, backorderable, inventory_policy, expected_at, sequence,
                                            emitted_at)
        SELECT sku, available, backorderable, inventory_policy, expected_at, 1, now() FROM changed
        ON CONFLICT (sku) DO UPDATE SET available = excluded.available, backorderable = excluded.backorderable,
            inventory_policy = excluded.inventory_policy, expected_at = excluded.expected_at,
            sequence = f.sequence + 1, emitted_at = excluded.emitted_at
        RETURNING f.sku, f.id, f.available, f.backorderable, f.inventory_policy, f.expected_at, f.sequence),
    -- a volatile CTE is never inlined: every row is evaluated although only the count is read
    appended AS (
        SELECT append_outbox_event('sku', a.id, a.sequence, 'stock.changed',
                   jsonb_build_object('sku', a.sku, 'available', a.available, 'backorderable', a.backorderable,
                                      'inventoryPolicy', a.inventory_policy, 'expectedAt', utc_text(a.expected_at),
                                      'sequence', a.sequence))
          FROM announced a ORDER BY a.sku)
    SELECT count(*) INTO v_events FROM appended;

    -- last, the flags of the rows that are as they were and free
    v_policy_rows := ARRAY(SELECT p.ctid FROM sku_policies p WHERE p.ctid = ANY (v_policy_rows)
                              FOR UPDATE SKIP LOCKED);
    UPDATE sku_policies p SET availability_changed = false WHERE p.ctid = ANY (v_policy_rows);
    v_stock_rows := ARRAY(SELECT s.ctid FROM stock s WHERE s.ctid = ANY (v_stock_rows) FOR UPDATE SKIP LOCKED);
    UPDATE stock s SET availability_changed = false, low_crossed = false WHERE s.ctid = ANY (v_stock_rows);
    RETURN cardinality(v_skus);
END
$$;
