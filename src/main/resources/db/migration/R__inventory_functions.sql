-- Inventory functions: stock levels, reservations (allocations), holds and low-stock alerts (tables: V1 stock, V2
-- holds/hold_lines/allocations, V5 the low-stock columns and allocations.shipped). Repeatable: Flyway re-applies this
-- file whenever it changes, so each function here is its one and only definition; a function whose signature changes
-- or that goes away is dropped by a versioned migration.
-- Lock order everywhere (deadlock freedom): holds -> orders -> returns -> stock rows in (sku, location) order.
-- Invariant: stock.reserved = sum(quantity - shipped) of the allocations with released_at IS NULL.

-- The default low-stock threshold: ordo.stock.low-threshold, which every connection of the service's reactive pool
-- carries as the session setting ordo.low_stock_threshold (a start-up parameter, see application.properties), so each
-- instance uses its own configuration and nothing is written at start-up; 5 on any other connection (psql, Flyway).
CREATE OR REPLACE FUNCTION low_stock_threshold() RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('ordo.low_stock_threshold', true), '')::int, 5)
$$;

-- Locks the stock rows of these SKUs in (sku, location) order, the global order that keeps reservations deadlock-free.
CREATE OR REPLACE FUNCTION lock_stock(p_skus text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM stock WHERE sku = ANY (p_skus) ORDER BY sku, location FOR UPDATE;
END
$$;

-- What is missing for these lines ([{sku, quantity}]), per SKU over all locations: [{sku, requested, available}],
-- or NULL when everything can be reserved. The caller holds the stock locks.
CREATE OR REPLACE FUNCTION stock_shortages(p_lines jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_agg(jsonb_build_object('sku', w.sku, 'requested', w.requested, 'available', w.available)
                     ORDER BY w.sku)
      FROM (SELECT want.sku, want.requested,
                   -- a correlated subquery, so that each SKU is one index lookup whatever the row estimates say
                   (SELECT coalesce(sum(s.on_hand - s.reserved), 0) FROM stock s WHERE s.sku = want.sku)::int AS available
              FROM (SELECT l ->> 'sku' AS sku, sum((l ->> 'quantity')::int)::int AS requested
                      FROM jsonb_array_elements(p_lines) AS l GROUP BY 1) want) w
     WHERE w.available < w.requested);
END
$$;

-- Reserves every line ([{sku, quantity}], line numbers from 1) greedily from locations in priority order, splitting a
-- line across locations when needed, and records the allocations. The caller holds the stock locks and has checked
-- stock_shortages. Returns [{line, sku, location, quantity}].
CREATE OR REPLACE FUNCTION allocate_lines(p_owner uuid, p_kind text, p_lines jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    line      record;
    source    record;
    remaining integer;
    taken     integer;
    result    jsonb := '[]'::jsonb;
BEGIN
    FOR line IN SELECT ord::int AS line_no, l ->> 'sku' AS sku, (l ->> 'quantity')::int AS quantity
                  FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(l, ord) ORDER BY ord LOOP
        remaining := line.quantity;
        FOR source IN SELECT s.location, s.on_hand - s.reserved AS available
                        FROM stock s JOIN locations loc ON loc.code = s.location
                       WHERE s.sku = line.sku AND s.on_hand > s.reserved
                       ORDER BY loc.priority, loc.code LOOP
            taken := least(remaining, source.available);
            UPDATE stock SET reserved = reserved + taken, updated_at = now()
             WHERE sku = line.sku AND location = source.location;
            INSERT INTO allocations (owner_id, owner_kind, line_no, sku, location, quantity)
            VALUES (p_owner, p_kind, line.line_no, line.sku, source.location, taken);
            result := result || jsonb_build_object('line', line.line_no, 'sku', line.sku,
                                                   'location', source.location, 'quantity', taken);
            remaining := remaining - taken;
            EXIT WHEN remaining = 0;
        END LOOP;
        IF remaining > 0 THEN
            RAISE EXCEPTION 'allocate_lines: % units of % could not be reserved', remaining, line.sku;
        END IF;
    END LOOP;
    RETURN result;
END
$$;

-- Gives back the stock of every open allocation of an order or hold (stock rows locked in the global order first):
-- the units still reserved (quantity - shipped), and marks the allocations released; then clears the low-stock flags
-- of the rows that rose above their threshold again. Returns the number of units released.
CREATE OR REPLACE FUNCTION release_allocations(p_owner uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    released    integer;
    v_skus      text[];
    v_locations text[];
BEGIN
    PERFORM 1 FROM stock s
      WHERE (s.sku, s.location) IN (SELECT sku, location FROM allocations
                                     WHERE owner_id = p_owner AND released_at IS NULL)
      ORDER BY s.sku, s.location FOR UPDATE;
    UPDATE stock s SET reserved = s.reserved - x.quantity, updated_at = now()
      FROM (SELECT sku, location, sum(quantity - shipped)::int AS quantity FROM allocations
             WHERE owner_id = p_owner AND released_at IS NULL GROUP BY sku, location) x
     WHERE s.sku = x.sku AND s.location = x.location;
    WITH done AS (UPDATE allocations SET released_at = now()
                   WHERE owner_id = p_owner AND released_at IS NULL RETURNING sku, location, quantity - shipped AS quantity)
    SELECT coalesce(sum(quantity), 0), array_agg(sku), array_agg(location) INTO released, v_skus, v_locations FROM done;
    IF v_skus IS NOT NULL THEN
        PERFORM note_stock_levels(v_skus, v_locations, false);
    END IF;
    RETURN released;
END
$$;

-- Low-stock alerts, once per crossing. A row whose available (on_hand - reserved) is at or under its threshold (its
-- own low_stock_threshold, else the configured default) and that is not yet notified is flagged and gets one
-- stock.low outbox event (aggregate 'stock', the row's id, its own sequence); a flagged row whose available is above
-- the threshold again is cleared, so the next fall fires again. p_locations NULL: every location of p_skus, else the
-- pairs (p_skus[i], p_locations[i]). p_may_fire false only clears (callers after which available can only have
-- risen). One set-based statement for all the rows (place_orders calls this once per batch); the outbox row of each
-- newly flagged row is written by append_outbox_event within that statement, which costs a call only for the rows
-- that cross their threshold (once per crossing), not per row checked. The caller holds the locks of the rows.
CREATE OR REPLACE FUNCTION note_stock_levels(p_skus text[], p_locations text[], p_may_fire boolean) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    v_fired integer;
BEGIN
    WITH changed AS (
        UPDATE stock s
           SET low_stock_notified = NOT s.low_stock_notified,
               event_sequence = s.event_sequence + CASE WHEN s.low_stock_notified THEN 0 ELSE 1 END
          FROM (SELECT low_stock_threshold() AS threshold) d
         WHERE s.sku = ANY (p_skus)
           AND (p_locations IS NULL OR (s.sku, s.location) IN (SELECT * FROM unnest(p_skus, p_locations)))
           AND CASE WHEN s.low_stock_notified
                    THEN s.on_hand - s.reserved > coalesce(s.low_stock_threshold, d.threshold)
                    ELSE p_may_fire AND s.on_hand - s.reserved <= coalesce(s.low_stock_threshold, d.threshold) END
        RETURNING s.id, s.sku, s.location, s.on_hand, s.reserved, s.low_stock_notified, s.event_sequence,
                  coalesce(s.low_stock_threshold, d.threshold) AS threshold),
    -- a volatile CTE is never inlined: every row is evaluated although only the count is read
    fired AS (
        SELECT append_outbox_event('stock', c.id, c.event_sequence, 'stock.low',
                   jsonb_build_object('sku', c.sku, 'location', c.location, 'onHand', c.on_hand,
                                      'reserved', c.reserved, 'available', c.on_hand - c.reserved,
                                      'threshold', c.threshold))
          FROM changed c WHERE c.low_stock_notified ORDER BY c.sku, c.location)
    SELECT count(*) INTO v_fired FROM fired;
END
$$;

-- Creates a hold and reserves its lines, all or nothing (the stock rows of its SKUs locked in the global order), then
-- checks those rows for low stock. Returns {outcome: ACCEPTED, createdAt, allocations} or {outcome: SHORTAGE,
-- shortages}, {outcome: UNKNOWN_CHANNEL} or {outcome: EXISTS}, the last three having changed nothing.
-- EXISTS: a hold with this id exists already (an earlier attempt under the same idempotency key committed it before
-- its instance died, or is committing it right now); answered instead of failing on the primary key or reserving a
-- second time. Checked after the stock locks, which a still-running earlier attempt holds until it commits, and before
-- the shortage check, which that attempt's own reservation could fail.
CREATE OR REPLACE FUNCTION create_hold(p_id uuid, p_channel text, p_lines jsonb, p_expires_at timestamptz,
                                       p_actor text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_short  jsonb;
    v_allocs jsonb;
    v_created timestamptz;
    v_skus   text[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM channels WHERE code = p_channel) THEN
        RETURN jsonb_build_object('outcome', 'UNKNOWN_CHANNEL');
    END IF;
    v_skus := ARRAY(SELECT DISTINCT l ->> 'sku' FROM jsonb_array_elements(p_lines) l);
    PERFORM lock_stock(v_skus);
    IF EXISTS (SELECT 1 FROM holds WHERE id = p_id) THEN
        RETURN jsonb_build_object('outcome', 'EXISTS');
    END IF;
    v_short := stock_shortages(p_lines);
    IF v_short IS NOT NULL THEN
        RETURN jsonb_build_object('outcome', 'SHORTAGE', 'shortages', v_short);
    END IF;
    INSERT INTO holds (id, channel, status, expires_at, created_by) VALUES (p_id, p_channel, 'ACTIVE', p_expires_at, p_actor)
    RETURNING created_at INTO v_created;
    INSERT INTO hold_lines (hold_id, line_no, sku, quantity)
    SELECT p_id, ord, l ->> 'sku', (l ->> 'quantity')::int FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(l, ord);
    v_allocs := allocate_lines(p_id, 'HOLD', p_lines);
    PERFORM note_stock_levels(v_skus, NULL, true);
    RETURN jsonb_build_object('outcome', 'ACCEPTED', 'createdAt', v_created, 'allocations', v_allocs);
END
$$;

-- Expires up to p_limit holds that are past expires_at, releasing their stock exactly once and announcing each
-- (hold.expired): each hold is claimed with SKIP LOCKED (so any number of instances can sweep at once) and only while
-- still ACTIVE. Returns the count.
CREATE OR REPLACE FUNCTION expire_due_holds(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    h       record;
    expired integer := 0;
BEGIN
    FOR h IN SELECT id, channel, expires_at FROM holds WHERE status = 'ACTIVE' AND expires_at <= now()
              ORDER BY id LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
        PERFORM release_allocations(h.id);
        UPDATE holds SET status = 'EXPIRED', updated_at = now() WHERE id = h.id;
        PERFORM append_outbox_event('hold', h.id, 1, 'hold.expired', jsonb_build_object(
            'id', h.id, 'channel', h.channel, 'status', 'EXPIRED',
            'expiresAt', to_char(h.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            'lines', (SELECT coalesce(jsonb_agg(jsonb_build_object('sku', sku, 'quantity', quantity) ORDER BY line_no), '[]')
                        FROM hold_lines WHERE hold_id = h.id)));
        expired := expired + 1;
    END LOOP;
    RETURN expired;
END
$$;
