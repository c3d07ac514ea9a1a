-- Inventory functions: stock levels, reservations (allocations), holds and low-stock alerts (tables: V1 stock, V2
-- holds/hold_lines/allocations, V5 the low-stock columns and allocations.shipped). Repeatable: Flyway re-applies this
-- file whenever it changes, so each function here is its one and only definition; a function whose signature changes
-- or that goes away is dropped by a versioned migration.
-- Lock order everywhere (deadlock freedom): holds -> orders -> returns -> sku_policies rows in sku order -> stock rows
-- in (sku, location) order (V10). No order row is locked after a policy or stock row.
-- Invariants: stock.reserved = sum(quantity - shipped) of the allocations with released_at IS NULL;
-- sku_policies.backordered = sum(quantity) of the SKU's backorders; a unit available at a location is owed to no
-- waiting backorder that may be served from there (units that become free serve the queue first, in one transaction).

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

-- The locations a channel may reserve from: those of its assortment (channel_locations; every location without one)
-- that are active (V11), or NULL when that is every location. NULL p_channel: the active locations (the feed).
CREATE OR REPLACE FUNCTION channel_assortment(p_channel text) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM channel_locations WHERE channel = p_channel) THEN
        IF NOT EXISTS (SELECT 1 FROM locations WHERE NOT active) THEN
            RETURN NULL;
        END IF;
        RETURN ARRAY(SELECT code FROM locations WHERE active ORDER BY code);
    END IF;
    RETURN ARRAY(SELECT c.location FROM channel_locations c JOIN locations l ON l.code = c.location
                  WHERE c.channel = p_channel AND l.active ORDER BY c.location);
END
$$;

-- Whether any channel may reserve from fewer than every location (an assortment, an inactive location): when not,
-- intake skips the per-order channel_assortment lookup.
CREATE OR REPLACE FUNCTION locations_restricted() RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM channel_locations) OR EXISTS (SELECT 1 FROM locations WHERE NOT active);
END
$$;

-- Locks the policy rows of these SKUs in sku order (before any stock row: see the lock order) and returns the SKUs
-- among them that may be promised beyond the shelf (BACKORDER, PREORDER). A SKU without a row is DENY and has nothing
-- to lock: its stock rows serialise it, and it has no backorders.
CREATE OR REPLACE FUNCTION lock_sku_policies(p_skus text[]) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    v_promisable text[];
BEGIN
    WITH locked AS (SELECT sku, inventory_policy FROM sku_policies WHERE sku = ANY (p_skus) ORDER BY sku FOR UPDATE)
    SELECT coalesce(array_agg(sku) FILTER (WHERE inventory_policy <> 'DENY'), '{}') INTO v_promisable FROM locked;
    RETURN v_promisable;
END
$$;

-- Of the shortages of one order or hold, those that its SKUs' policies cannot promise: a SKU in p_promisable
-- (BACKORDER, PREORDER, locked by the caller) takes its missing units as backorders while its limit allows
-- (backordered + missing <= limit, or no limit). Returns NULL when every shortage can be backordered, else every
-- shortage, each promisable one with its policy and `backorderable` (units that could still be backordered now, null
-- when unlimited).
CREATE OR REPLACE FUNCTION unpromisable_shortages(p_shortages jsonb, p_promisable text[]) RETURNS jsonb
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_all jsonb;
    v_refused boolean;
BEGIN
    SELECT jsonb_agg(CASE WHEN p.sku IS NULL THEN x
                          ELSE x || jsonb_build_object('inventoryPolicy', p.inventory_policy, 'backorderable',
                                  sku_backorderable(p.inventory_policy, p.backorder_limit, p.backordered)) END
                     ORDER BY x ->> 'sku'),
           bool_or(p.sku IS NULL OR (p.backorder_limit IS NOT NULL AND p.backordered
                                      + (x ->> 'requested')::int - (x ->> 'available')::int > p.backorder_limit))
      INTO v_all, v_refused
      FROM jsonb_array_elements(p_shortages) x
      LEFT JOIN sku_policies p ON p.sku = x ->> 'sku' AND p.sku = ANY (p_promisable);
    RETURN CASE WHEN v_refused THEN v_all END;
END
$$;

-- The backordered units and the promised release date of each line of an order or a hold, as lines JSON for
-- order_document: p_lines with `backordered` and `expectedAt` added to the lines that wait, from the backorders just
-- made and the SKUs' policies (a line waiting on a PREORDER SKU is a pre-order: it shows, and keeps, expectedAt).
-- Also writes expected_at on the owner's order_lines or hold_lines.
CREATE OR REPLACE FUNCTION backordered_lines(p_owner uuid, p_kind text, p_lines jsonb) RETURNS jsonb
    LANGUAGE plpgsql AS $$
DECLARE
    v_lines jsonb;
BEGIN
    SELECT jsonb_agg(CASE WHEN b.quantity IS NULL THEN l
                          ELSE l || jsonb_build_object('backordered', b.quantity, 'expectedAt',
                                    CASE WHEN p.inventory_policy = 'PREORDER' THEN utc_text(p.expected_at) END) END
                     ORDER BY ord)
      INTO v_lines
      FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(l, ord)
      LEFT JOIN backorders b ON b.owner_id = p_owner AND b.line_no = ord
      LEFT JOIN sku_policies p ON p.sku = b.sku;
    IF p_kind = 'ORDER' THEN
        UPDATE order_lines ol SET expected_at = p.expected_at
          FROM backorders b JOIN sku_policies p ON p.sku = b.sku AND p.inventory_policy = 'PREORDER'
         WHERE b.owner_id = p_owner AND ol.order_id = p_owner AND ol.line_no = b.line_no;
    ELSE
        UPDATE hold_lines hl SET expected_at = p.expected_at
          FROM backorders b JOIN sku_policies p ON p.sku = b.sku AND p.inventory_policy = 'PREORDER'
         WHERE b.owner_id = p_owner AND hl.hold_id = p_owner AND hl.line_no = b.line_no;
    END IF;
    RETURN v_lines;
END
$$;

-- Units that became free go to the waiting backorders of their SKUs first, first come first served: each SKU's queue
-- in position (acceptance) order, each backorder from the locations its channel may sell from, in priority order,
-- as many units as they have available; a backorder that cannot be served in full takes what there is and keeps its
-- place. The caller holds the policy rows and ALL stock rows of these SKUs (lock_sku_policies, lock_stock). Orders
-- that gain units are recorded in backorder_allocations for announce_backorder_allocations (their rows cannot be
-- locked here: see the lock order); a hold's units simply become its allocations. Returns the units given.
CREATE OR REPLACE FUNCTION serve_backorders(p_skus text[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_sku     text;
    b         record;
    source    record;
    v_left    integer;
    remaining integer;
    taken     integer;
    v_given   integer := 0;
    v_assort  text[];
BEGIN
    FOR v_sku IN SELECT sku FROM sku_policies WHERE sku = ANY (p_skus) AND backordered > 0 ORDER BY sku LOOP
        SELECT coalesce(sum(on_hand - reserved), 0) INTO v_left FROM stock WHERE sku = v_sku;
        CONTINUE WHEN v_left = 0;
        FOR b IN SELECT owner_id, owner_kind, line_no, channel, quantity, excluded_locations, location FROM backorders
                  WHERE sku = v_sku ORDER BY position LOOP
            remaining := b.quantity;
            v_assort := channel_assortment(b.channel);
            FOR source IN SELECT s.location, s.on_hand - s.reserved AS available
                            FROM stock s JOIN locations loc ON loc.code = s.location
                           WHERE s.sku = v_sku AND s.on_hand > s.reserved
                             AND (v_assort IS NULL OR s.location = ANY (v_assort))
                             AND (b.excluded_locations IS NULL OR s.location <> ALL (b.excluded_locations))
                             AND (b.location IS NULL OR s.location = b.location)
                           ORDER BY loc.priority, loc.code LOOP
                taken := least(remaining, source.available);
                PERFORM reserve_allocations(b.owner_id, b.owner_kind, jsonb_build_array(jsonb_build_object(
                    'line', b.line_no, 'sku', v_sku, 'location', source.location, 'quantity', taken,
                    'reason', jsonb_build_object('rule', 'BACKORDER',
                                                 'detail', 'served first come, first served, by location priority'))),
                    false);
                IF b.owner_kind = 'ORDER' THEN
                    INSERT INTO backorder_allocations (order_id, line_no, sku, location, quantity)
                    VALUES (b.owner_id, b.line_no, v_sku, source.location, taken);
                END IF;
                remaining := remaining - taken;
                v_left := v_left - taken;
                EXIT WHEN remaining = 0;
            END LOOP;
            IF remaining < b.quantity THEN
                IF remaining = 0 THEN
                    DELETE FROM backorders WHERE owner_id = b.owner_id AND line_no = b.line_no;
                ELSE
                    UPDATE backorders SET quantity = remaining WHERE owner_id = b.owner_id AND line_no = b.line_no;
                END IF;
                UPDATE sku_policies SET backordered = backordered - (b.quantity - remaining), availability_changed = true
                 WHERE sku = v_sku;
                v_given := v_given + (b.quantity - remaining);
            END IF;
            EXIT WHEN v_left = 0;
        END LOOP;
    END LOOP;
    RETURN v_given;
END
$$;

-- The first lock of anything that frees units of these SKUs: their policy rows (lock_sku_policies). Returns the SKUs
-- among them that have waiting backorders: the caller then locks EVERY stock row of those (with the rows it changes,
-- in one statement in (sku, location) order), so that serve_backorders may take units from any of their locations.
CREATE OR REPLACE FUNCTION lock_for_freeing(p_skus text[]) RETURNS text[] LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lock_sku_policies(p_skus);
    RETURN ARRAY(SELECT sku FROM sku_policies WHERE sku = ANY (p_skus) AND backordered > 0 ORDER BY sku);
END
$$;

-- Drops the waiting backorders of an order or a hold (cancelled, released, expired): their SKUs' counters go down,
-- and units given to an order but not yet announced are forgotten with it. The caller holds the policy locks.
CREATE OR REPLACE FUNCTION drop_backorders(p_owner uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH dropped AS (DELETE FROM backorders WHERE owner_id = p_owner RETURNING sku, quantity)
    UPDATE sku_policies p SET backordered = p.backordered - d.quantity, availability_changed = true
      FROM (SELECT sku, sum(quantity)::int AS quantity FROM dropped GROUP BY sku) d
     WHERE p.sku = d.sku;
    DELETE FROM backorder_allocations WHERE order_id = p_owner;
END
$$;

-- Gives back the stock of every open allocation of an order or hold and drops its backorders (policy rows, then stock
-- rows, locked in the global order first): the units still reserved (quantity - shipped) go to the waiting backorders
-- of their SKUs first (serve_backorders), the rest become available; the allocations are marked released, and the
-- low-stock flags of the rows that rose above their threshold again cleared. Returns the number of units released.
CREATE OR REPLACE FUNCTION release_allocations(p_owner uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    released    integer;
    v_skus      text[];
    v_locations text[];
    v_waiting   text[];
BEGIN
    v_waiting := lock_for_freeing(ARRAY(SELECT sku FROM allocations WHERE owner_id = p_owner AND released_at IS NULL
                                        UNION SELECT sku FROM backorders WHERE owner_id = p_owner));
    PERFORM 1 FROM stock s
      WHERE s.sku = ANY (v_waiting)
         OR (s.sku, s.location) IN (SELECT sku, location FROM allocations WHERE owner_id = p_owner AND released_at IS NULL)
      ORDER BY s.sku, s.location FOR UPDATE;
    PERFORM drop_backorders(p_owner);
    UPDATE stock s SET reserved = s.reserved - x.quantity, updated_at = now(), availability_changed = true
      FROM (SELECT sku, location, sum(quantity - shipped)::int AS quantity FROM allocations
             WHERE owner_id = p_owner AND released_at IS NULL GROUP BY sku, location) x
     WHERE s.sku = x.sku AND s.location = x.location;
    WITH done AS (UPDATE allocations SET released_at = now()
                   WHERE owner_id = p_owner AND released_at IS NULL RETURNING sku, location, quantity - shipped AS quantity)
    SELECT coalesce(sum(quantity), 0), array_agg(sku), array_agg(location) INTO released, v_skus, v_locations FROM done;
    IF cardinality(v_waiting) > 0 THEN
        PERFORM serve_backorders(v_waiting);
        PERFORM note_stock_levels(v_waiting, NULL, true);
    END IF;
    IF v_skus IS NOT NULL THEN
        PERFORM note_stock_levels(v_skus, v_locations, false);
    END IF;
    RETURN released;
END
$$;

-- Changes the counted or relative on_hand of one (sku, location) row: p_kind COUNT sets p_quantity (the row is
-- created if needed; a location that does not exist fails on the foreign key), ADJUSTMENT adds it. Refused when fewer
-- units than reserved would remain or more than p_max: {outcome: REFUSED, onHand, reserved} (for an ADJUSTMENT of a
-- row that does not exist: {outcome: NOT_FOUND}), having changed nothing. Units that a rise makes free go to waiting
-- backorders first (serve_backorders), in this transaction. Writes the ledger (stock_movements, id p_id) and checks
-- low stock. Returns {outcome: DONE, onHand, reserved, delta, createdAt}.
CREATE OR REPLACE FUNCTION change_stock(p_id uuid, p_kind text, p_sku text, p_location text, p_quantity integer,
                                        p_threshold integer, p_reason text, p_actor text, p_max integer)
    RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_waiting  text[];
    v_row      stock%ROWTYPE;
    v_on_hand  integer;
    v_created  timestamptz;
    v_reserved integer;
BEGIN
    IF p_kind = 'COUNT' THEN
        INSERT INTO stock (sku, location, on_hand) VALUES (p_sku, p_location, 0) ON CONFLICT (sku, location) DO NOTHING;
    END IF;
    v_waiting := lock_for_freeing(ARRAY[p_sku]);
    PERFORM 1 FROM stock WHERE sku = ANY (v_waiting) OR (sku = p_sku AND location = p_location)
      ORDER BY sku, location FOR UPDATE;
    SELECT * INTO v_row FROM stock WHERE sku = p_sku AND location = p_location;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('outcome', 'NOT_FOUND');
    END IF;
    v_on_hand := CASE WHEN p_kind = 'COUNT' THEN p_quantity ELSE v_row.on_hand + p_quantity END;
    IF v_on_hand < v_row.reserved OR v_on_hand > p_max THEN
        RETURN jsonb_build_object('outcome', 'REFUSED', 'onHand', v_row.on_hand, 'reserved', v_row.reserved);
    END IF;
    UPDATE stock SET on_hand = v_on_hand, low_stock_threshold = coalesce(p_threshold, low_stock_threshold),
                     updated_at = now(), availability_changed = availability_changed OR v_on_hand <> v_row.on_hand
     WHERE sku = p_sku AND location = p_location;
    IF v_on_hand > v_row.on_hand AND cardinality(v_waiting) > 0 THEN
        PERFORM serve_backorders(v_waiting);
    END IF;
    SELECT reserved INTO v_reserved FROM stock WHERE sku = p_sku AND location = p_location;
    INSERT INTO stock_movements (id, sku, location, kind, delta, on_hand_after, reserved_after, reason, actor)
    VALUES (p_id, p_sku, p_location, p_kind, v_on_hand - v_row.on_hand, v_on_hand, v_reserved, p_reason, p_actor)
    RETURNING created_at INTO v_created;
    PERFORM note_stock_levels(CASE WHEN cardinality(v_waiting) > 0 THEN v_waiting || p_sku ELSE ARRAY[p_sku] END,
                              CASE WHEN cardinality(v_waiting) > 0 THEN NULL ELSE ARRAY[p_location] END,
                              p_kind = 'COUNT' OR v_on_hand < v_row.on_hand OR cardinality(v_waiting) > 0);
    RETURN jsonb_build_object('outcome', 'DONE', 'onHand', v_on_hand, 'reserved', v_reserved,
                              'delta', v_on_hand - v_row.on_hand, 'createdAt', v_created);
END
$$;

-- Sets a SKU's policy (p_policy DENY | BACKORDER | PREORDER, p_limit NULL = unlimited, p_expected_at required for
-- PREORDER; the service has checked them). Backorders already waiting stay promised whatever the new policy; the
-- pre-order lines still waiting take the new release date. Returns the policy as the API shows it.
CREATE OR REPLACE FUNCTION set_sku_policy(p_sku text, p_policy text, p_limit integer, p_expected_at timestamptz,
                                          p_actor text) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sku_policies (sku, inventory_policy, backorder_limit, expected_at, updated_by)
    VALUES (p_sku, p_policy, p_limit, p_expected_at, p_actor)
    ON CONFLICT (sku) DO UPDATE SET inventory_policy = excluded.inventory_policy,
        backorder_limit = excluded.backorder_limit, expected_at = excluded.expected_at,
        updated_by = excluded.updated_by, updated_at = now(),
        availability_changed = sku_policies.availability_changed
            OR (sku_policies.inventory_policy, sku_policies.backorder_limit, sku_policies.expected_at)
               IS DISTINCT FROM (excluded.inventory_policy, excluded.backorder_limit, excluded.expected_at);
    IF p_policy = 'PREORDER' THEN
        UPDATE order_lines ol SET expected_at = p_expected_at
          FROM backorders b
         WHERE b.sku = p_sku AND b.owner_kind = 'ORDER' AND ol.order_id = b.owner_id AND ol.line_no = b.line_no
           AND ol.expected_at IS DISTINCT FROM p_expected_at;
        UPDATE hold_lines hl SET expected_at = p_expected_at
          FROM backorders b
         WHERE b.sku = p_sku AND b.owner_kind = 'HOLD' AND hl.hold_id = b.owner_id AND hl.line_no = b.line_no
           AND hl.expected_at IS DISTINCT FROM p_expected_at;
    END IF;
    RETURN sku_policy_json(p_sku);
END
$$;

-- A SKU's policy as the API shows it (DENY with nothing else for a SKU without a row).
CREATE OR REPLACE FUNCTION sku_policy_json(p_sku text) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce(
        (SELECT jsonb_build_object('sku', p.sku, 'inventoryPolicy', p.inventory_policy, 'limit', p.backorder_limit,
                                   'expectedAt', utc_text(p.expected_at), 'backordered', p.backordered,
                                   'backorderable', sku_backorderable(p.inventory_policy, p.backorder_limit,
                                                                      p.backordered),
                                   'updatedAt', utc_text(p.updated_at))
           FROM sku_policies p WHERE p.sku = p_sku),
        jsonb_build_object('sku', p_sku, 'inventoryPolicy', 'DENY', 'limit', NULL, 'expectedAt', NULL,
                           'backordered', 0, 'backorderable', 0, 'updatedAt', NULL));
END
$$;

-- Sets a channel's assortment (p_locations, existing codes, checked by the service; NULL: every location again).
-- Waiting backorders of the channel may now be served from locations it gained: they are served here, in this
-- transaction.
CREATE OR REPLACE FUNCTION set_channel_assortment(p_channel text, p_locations text[]) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    v_waiting text[];
BEGIN
    PERFORM 1 FROM channels WHERE code = p_channel FOR UPDATE;
    DELETE FROM channel_locations WHERE channel = p_channel;
    IF p_locations IS NOT NULL THEN
        INSERT INTO channel_locations (channel, location) SELECT DISTINCT p_channel, unnest(p_locations);
    END IF;
    v_waiting := lock_for_freeing(ARRAY(SELECT DISTINCT sku FROM backorders WHERE channel = p_channel));
    IF cardinality(v_waiting) > 0 THEN
        PERFORM lock_stock(v_waiting);
        PERFORM serve_backorders(v_waiting);
        PERFORM note_stock_levels(v_waiting, NULL, true);
    END IF;
END
$$;

-- Announces units that serve_backorders gave to orders: per order (up to p_limit orders, each claimed with SKIP
-- LOCKED, so every instance may run this at once and a locked order is simply taken next time), one new version, a
-- history row and the event order.backorder_allocated {orderId, number, channel, lines: [{sku, quantity, location}],
-- order}. Returns the number of orders announced.
CREATE OR REPLACE FUNCTION announce_backorder_allocations(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    o         record;
    v_lines   jsonb;
    v_seq     integer;
    v_count   integer := 0;
BEGIN
    FOR o IN SELECT id, number, channel, status FROM orders
              WHERE id IN (SELECT order_id FROM backorder_allocations GROUP BY order_id ORDER BY min(id) LIMIT p_limit)
              FOR UPDATE SKIP LOCKED LOOP
        WITH taken AS (DELETE FROM backorder_allocations WHERE order_id = o.id
                       RETURNING id, line_no, sku, location, quantity)
        SELECT jsonb_agg(jsonb_build_object('sku', sku, 'quantity', quantity, 'location', location) ORDER BY first_id)
          INTO v_lines
          FROM (SELECT min(id) AS first_id, sku, location, sum(quantity)::int AS quantity FROM taken
                 GROUP BY sku, location) x;
        CONTINUE WHEN v_lines IS NULL;
        UPDATE orders SET version = version + 1, last_sequence = last_sequence + 1, updated_at = now()
         WHERE id = o.id RETURNING last_sequence INTO v_seq;
        PERFORM append_order_event(o.id, v_seq, 'order.backorder_allocated', o.status,
                                   jsonb_build_object('lines', v_lines), 'ordo',
                                   jsonb_build_object('orderId', o.id, 'number', o.number, 'channel', o.channel,
                                                      'lines', v_lines, 'order', order_json(o.id)));
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
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
           SET low_stock_notified = NOT s.low_stock_notified, low_crossed = true,
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

-- Creates a hold and reserves its lines, all or nothing, where the channel's routing rules say (route_lines over its
-- assortment; policy rows, then the stock rows of its SKUs, locked in the global order); units that cannot be reserved are backordered where the SKU's
-- policy promises them (they wait in the queue like an order's, and go with the hold into its order). Then checks
-- those rows for low stock. Returns {outcome: ACCEPTED, createdAt, allocations, lines} (lines: with `backordered` and
-- `expectedAt` where they wait, NULL when none does) or {outcome: SHORTAGE, shortages}, {outcome: UNKNOWN_CHANNEL} or
-- {outcome: EXISTS}, the last three having changed nothing.
-- EXISTS: a hold with this id exists already (an earlier attempt under the same idempotency key committed it before
-- its instance died, or is committing it right now); answered instead of failing on the primary key or reserving a
-- second time. Checked after the stock locks, which a still-running earlier attempt holds until it commits, and before
-- the shortage check, which that attempt's own reservation could fail.
CREATE OR REPLACE FUNCTION create_hold(p_id uuid, p_channel text, p_lines jsonb, p_expires_at timestamptz,
                                       p_actor text) RETURNS jsonb LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan AS $$  -- see place_orders
DECLARE
    v_short      jsonb;
    v_allocs     jsonb;
    v_created    timestamptz;
    v_skus       text[];
    v_promisable text[];
    v_routing    jsonb;
    v_plan       record;
    v_backorder  boolean := false;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM channels WHERE code = p_channel) THEN
        RETURN jsonb_build_object('outcome', 'UNKNOWN_CHANNEL');
    END IF;
    v_skus := ARRAY(SELECT DISTINCT l ->> 'sku' FROM jsonb_array_elements(p_lines) l);
    v_promisable := lock_sku_policies(v_skus);
    PERFORM lock_stock(v_skus);
    IF EXISTS (SELECT 1 FROM holds WHERE id = p_id) THEN
        RETURN jsonb_build_object('outcome', 'EXISTS');
    END IF;
    v_routing := channel_routing_json(p_channel);
    SELECT * INTO v_plan
      FROM route_lines(p_lines, channel_assortment(p_channel),
                       CASE WHEN v_routing IS NOT NULL THEN ARRAY(SELECT jsonb_array_elements_text(v_routing -> 'rules')) END,
                       coalesce((v_routing ->> 'allowSplit')::boolean, true), NULL, NULL);
    IF v_plan.missing IS NOT NULL THEN
        v_short := unpromisable_shortages(routed_shortages(p_lines, v_plan.missing), v_promisable);
        IF v_short IS NOT NULL THEN
            RETURN jsonb_build_object('outcome', 'SHORTAGE', 'shortages', v_short);
        END IF;
        v_backorder := true;
    END IF;
    INSERT INTO holds (id, channel, status, expires_at, created_by) VALUES (p_id, p_channel, 'ACTIVE', p_expires_at, p_actor)
    RETURNING created_at INTO v_created;
    INSERT INTO hold_lines (hold_id, line_no, sku, quantity)
    SELECT p_id, ord, l ->> 'sku', (l ->> 'quantity')::int FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(l, ord);
    PERFORM reserve_allocations(p_id, 'HOLD', v_plan.allocations, true);
    IF v_backorder THEN
        PERFORM backorder_missing(p_id, 'HOLD', p_channel, v_plan.missing, NULL);
    END IF;
    v_allocs := v_plan.allocations;
    PERFORM note_stock_levels(v_skus, NULL, true);
    RETURN jsonb_build_object('outcome', 'ACCEPTED', 'createdAt', v_created, 'allocations', v_allocs,
                              'lines', CASE WHEN v_backorder THEN backordered_lines(p_id, 'HOLD', p_lines) END);
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

-- Holds past their expiry that expire_due_holds has not released yet: the hold sweeper's due work (GET /v1/ops/due,
-- and the KEDA scaler's query in k8s/keda/). Counted on the partial index holds_due.
CREATE OR REPLACE FUNCTION holds_due_count() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM holds WHERE status = 'ACTIVE' AND expires_at <= now()
$$;
