-- Fulfillment (shipments, returns, refunds) and low-stock alerts. Independent of V4.
-- Lock order stays: holds -> orders -> returns -> stock rows in (sku, location) order.
-- Functions replaced here (CREATE OR REPLACE, bodies copied from V2/V3, changes marked "V5:"):
--   release_allocations (releases quantity - shipped; clears low-stock flags), place_orders (one low-stock check per
--   batch), create_hold (low-stock check), order_json (allocations net of shipped units; shipments and returns).

-- Allocations remember the units shipped from them. Open (still reserved) units of an allocation are
-- quantity - shipped while released_at IS NULL; a fully shipped allocation reserves nothing. Invariant:
-- stock.reserved = sum(quantity - shipped) of the allocations with released_at IS NULL.
ALTER TABLE allocations ADD COLUMN shipped integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT allocations_shipped_within_quantity CHECK (shipped >= 0 AND shipped <= quantity);

ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_kind_check,
    ADD CONSTRAINT stock_movements_kind_check CHECK (kind IN ('COUNT', 'ADJUSTMENT', 'SHIPMENT', 'RETURN'));

-- Low stock: each stock row is an event aggregate of its own (id, event_sequence), may override the configured
-- threshold, and remembers whether the current low spell was announced (once per crossing).
ALTER TABLE stock ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid(),
    ADD COLUMN low_stock_threshold integer
        CONSTRAINT stock_low_stock_threshold_range CHECK (low_stock_threshold BETWEEN 0 AND 1000000000),
    ADD COLUMN low_stock_notified boolean NOT NULL DEFAULT false,
    ADD COLUMN event_sequence integer NOT NULL DEFAULT 0;

-- The default low-stock threshold: ordo.stock.low-threshold, which every connection of the service's reactive pool
-- carries as the session setting ordo.low_stock_threshold (a start-up parameter, see application.properties), so each
-- instance uses its own configuration and nothing is written at start-up; 5 on any other connection (psql, Flyway).
CREATE FUNCTION low_stock_threshold() RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('ordo.low_stock_threshold', true), '')::int, 5)
$$;

CREATE TABLE shipments (
    id              uuid PRIMARY KEY,
    order_id        uuid NOT NULL REFERENCES orders (id),
    location        text NOT NULL REFERENCES locations (code),
    carrier         text NOT NULL,
    tracking_number text NOT NULL,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shipments_by_order ON shipments (order_id, created_at);

-- Units of one order line in one shipment.
CREATE TABLE shipment_lines (
    shipment_id uuid NOT NULL REFERENCES shipments (id),
    line_no     integer NOT NULL,
    sku         text NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (shipment_id, line_no)
);

CREATE TABLE returns (
    id              uuid PRIMARY KEY,
    order_id        uuid NOT NULL REFERENCES orders (id),
    status          text NOT NULL CHECK (status IN ('REQUESTED', 'RECEIVED', 'REFUNDED')),
    reason          text,
    location        text REFERENCES locations (code),
    refunded_amount numeric(18, 4) NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
    requested_by    text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    received_at     timestamptz,
    refunded_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX returns_by_order ON returns (order_id, created_at);

-- Units of one order line asked back (quantity), and once received, how many arrived and how many were restocked.
CREATE TABLE return_lines (
    return_id uuid NOT NULL REFERENCES returns (id),
    line_no   integer NOT NULL,
    sku       text NOT NULL,
    quantity  integer NOT NULL CHECK (quantity > 0),
    received  integer NOT NULL DEFAULT 0,
    restocked integer NOT NULL DEFAULT 0,
    PRIMARY KEY (return_id, line_no),
    CONSTRAINT return_lines_counts CHECK (received BETWEEN 0 AND quantity AND restocked BETWEEN 0 AND received)
);

-- Low-stock alerts, once per crossing. A row whose available (on_hand - reserved) is at or under its threshold (its
-- own low_stock_threshold, else the configured default) and that is not yet notified is flagged and gets one
-- stock.low outbox event (aggregate 'stock', the row's id, its own sequence); a flagged row whose available is above
-- the threshold again is cleared, so the next fall fires again. p_locations NULL: every location of p_skus, else the
-- pairs (p_skus[i], p_locations[i]). p_may_fire false only clears (callers after which available can only have
-- risen). One set-based statement; the caller holds the locks of the rows concerned.
CREATE FUNCTION note_stock_levels(p_skus text[], p_locations text[], p_may_fire boolean) RETURNS void
    LANGUAGE plpgsql AS $$
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
                  coalesce(s.low_stock_threshold, d.threshold) AS threshold)
    -- the outbox row append_outbox_event would write, for every newly flagged row at once
    INSERT INTO outbox (aggregate_type, aggregate_id, sequence, type, payload)
    SELECT 'stock', c.id, c.event_sequence, 'stock.low',
           jsonb_build_object('sku', c.sku, 'location', c.location, 'onHand', c.on_hand, 'reserved', c.reserved,
                              'available', c.on_hand - c.reserved, 'threshold', c.threshold)
      FROM changed c WHERE c.low_stock_notified ORDER BY c.sku, c.location;
END
$$;

-- V2's release_allocations; V5: releases quantity - shipped, and clears low-stock flags of rows that rose again.
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

-- V2's place_orders; V5: the SKUs are kept in v_skus and checked for low stock once, after the whole batch.
CREATE OR REPLACE FUNCTION place_orders(p_orders jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    o       jsonb;
    results jsonb := '[]'::jsonb;
    v_skus  text[];
BEGIN
    PERFORM 1 FROM holds
      WHERE id IN (SELECT (x ->> 'holdId')::uuid FROM jsonb_array_elements(p_orders) x WHERE x ->> 'holdId' IS NOT NULL)
      ORDER BY id FOR UPDATE;
    v_skus := ARRAY(SELECT DISTINCT l ->> 'sku' FROM jsonb_array_elements(p_orders) x,
                         jsonb_array_elements(x -> 'lines') l WHERE x ->> 'holdId' IS NULL);
    PERFORM lock_stock(v_skus);
    FOR o IN SELECT value FROM jsonb_array_elements(p_orders) LOOP
        results := results || jsonb_build_array(place_order(o));
    END LOOP;
    PERFORM note_stock_levels(v_skus, NULL, true);
    RETURN results;
END
$$;

-- V2's create_hold; V5: low-stock check after reserving.
CREATE OR REPLACE FUNCTION create_hold(p_id uuid, p_channel text, p_lines jsonb, p_expires_at timestamptz, p_actor text)
    RETURNS jsonb LANGUAGE plpgsql AS $$
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

CREATE FUNCTION utc_text(p_time timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(p_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
$$;

-- The shipments of an order as the API shows them, oldest first.
CREATE FUNCTION order_shipments_json(p_order uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', s.id, 'location', s.location, 'carrier', s.carrier, 'trackingNumber', s.tracking_number,
               'lines', (SELECT jsonb_agg(jsonb_build_object('sku', x.sku, 'quantity', x.quantity) ORDER BY x.first_line)
                           FROM (SELECT sku, sum(quantity)::int AS quantity, min(line_no) AS first_line
                                   FROM shipment_lines WHERE shipment_id = s.id GROUP BY sku) x),
               'createdAt', utc_text(s.created_at)) ORDER BY s.created_at, s.id), '[]')
      FROM shipments s WHERE s.order_id = p_order;
$$;

-- One return as the API shows it: lines per SKU, money in the order's currency.
CREATE FUNCTION return_json(p_return uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', r.id, 'orderId', r.order_id, 'status', r.status, 'reason', r.reason, 'location', r.location,
        'currency', o.currency,
        'lines', (SELECT jsonb_agg(jsonb_build_object('sku', x.sku, 'quantity', x.quantity, 'received', x.received,
                                                      'restocked', x.restocked) ORDER BY x.first_line)
                    FROM (SELECT sku, sum(quantity)::int AS quantity, sum(received)::int AS received,
                                 sum(restocked)::int AS restocked, min(line_no) AS first_line
                            FROM return_lines WHERE return_id = r.id GROUP BY sku) x),
        'refundedAmount', round(r.refunded_amount, currency_digits(o.currency))::text,
        'createdAt', utc_text(r.created_at), 'receivedAt', utc_text(r.received_at),
        'refundedAt', utc_text(r.refunded_at), 'updatedAt', utc_text(r.updated_at))
      FROM returns r JOIN orders o ON o.id = r.order_id WHERE r.id = p_return;
$$;

CREATE FUNCTION order_returns_json(p_order uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(return_json(r.id) ORDER BY r.created_at, r.id), '[]') FROM returns r WHERE r.order_id = p_order;
$$;

-- V3's order_json; V5: allocations show the units still reserved (quantity - shipped, fully shipped ones omitted);
-- `shipments` and `returns` are added (looked up only once the order can have them, so intake pays nothing).
CREATE OR REPLACE FUNCTION order_json(p_order uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT jsonb_build_object(
        'id', o.id, 'number', o.number, 'channel', o.channel, 'externalId', o.external_id, 'status', o.status,
        'currency', o.currency, 'customer', o.customer, 'shippingAddress', o.shipping_address,
        'lines', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                      'sku', l.sku, 'quantity', l.quantity,
                      'unitPrice', round(l.unit_price, currency_digits(o.currency))::text,
                      'allocations', (SELECT coalesce(jsonb_agg(jsonb_build_object('location', a.location,
                                                                                   'quantity', a.quantity - a.shipped)
                                                                ORDER BY loc.priority, a.location), '[]')
                                        FROM allocations a JOIN locations loc ON loc.code = a.location
                                       WHERE a.owner_id = o.id AND a.line_no = l.line_no AND a.released_at IS NULL
                                         AND a.shipped < a.quantity))
                      ORDER BY l.line_no), '[]')
                    FROM order_lines l WHERE l.order_id = o.id),
        'total', round(o.total, currency_digits(o.currency))::text,
        'holdId', o.hold_id, 'version', o.version,
        'createdAt', to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'updatedAt', to_char(o.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'shipments', CASE WHEN o.status IN ('ACCEPTED', 'PROCESSING', 'CANCELLED') THEN '[]'::jsonb
                          ELSE order_shipments_json(o.id) END,
        'returns', CASE WHEN o.status IN ('ACCEPTED', 'PROCESSING', 'CANCELLED') THEN '[]'::jsonb
                        ELSE order_returns_json(o.id) END)
      FROM orders o WHERE o.id = p_order);
END
$$;

-- Ships units of an order from one location (p_lines [{sku, quantity}], each SKU once): refuses unless the order's
-- open allocations at that location cover every line; then takes the units out of those allocations (line order),
-- out of reserved and on_hand, and writes the ledger. Available does not change, so no low-stock check. The caller
-- holds the order's row lock and has checked its status. Returns {outcome: SHIPPED, openUnits, createdAt} or
-- {outcome: NOT_SHIPPABLE, lines: [{sku, requested, shippable}]} having changed nothing.
CREATE FUNCTION ship_order_lines(p_order uuid, p_shipment uuid, p_location text, p_lines jsonb, p_carrier text,
                                 p_tracking text, p_actor text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_refused jsonb;
    v_created timestamptz;
BEGIN
    PERFORM 1 FROM stock
      WHERE location = p_location AND sku IN (SELECT l ->> 'sku' FROM jsonb_array_elements(p_lines) l)
      ORDER BY sku, location FOR UPDATE;
    SELECT jsonb_agg(jsonb_build_object('sku', w.sku, 'requested', w.requested, 'shippable', w.shippable) ORDER BY w.ord)
      INTO v_refused
      FROM (SELECT want.ord, want.sku, want.requested,
                   (SELECT coalesce(sum(a.quantity - a.shipped), 0) FROM allocations a
                     WHERE a.owner_id = p_order AND a.sku = want.sku AND a.location = p_location
                       AND a.released_at IS NULL)::int AS shippable
              FROM (SELECT ord, l ->> 'sku' AS sku, (l ->> 'quantity')::int AS requested
                      FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(l, ord)) want) w
     WHERE w.shippable < w.requested;
    IF v_refused IS NOT NULL THEN
        RETURN jsonb_build_object('outcome', 'NOT_SHIPPABLE', 'lines', v_refused);
    END IF;

    INSERT INTO shipments (id, order_id, location, carrier, tracking_number, created_by)
    VALUES (p_shipment, p_order, p_location, p_carrier, p_tracking, p_actor) RETURNING created_at INTO v_created;

    WITH want AS (SELECT l ->> 'sku' AS sku, (l ->> 'quantity')::int AS requested FROM jsonb_array_elements(p_lines) l),
         open AS (SELECT a.line_no, a.sku, a.quantity - a.shipped AS open, w.requested,
                         sum(a.quantity - a.shipped) OVER (PARTITION BY a.sku ORDER BY a.line_no) AS upto
                    FROM allocations a JOIN want w ON w.sku = a.sku
                   WHERE a.owner_id = p_order AND a.location = p_location AND a.released_at IS NULL
                     AND a.shipped < a.quantity),
         take AS (SELECT line_no, sku, least(open, requested - (upto - open))::int AS quantity
                    FROM open WHERE upto - open < requested),
         taken AS (UPDATE allocations a SET shipped = a.shipped + t.quantity FROM take t
                    WHERE a.owner_id = p_order AND a.line_no = t.line_no AND a.location = p_location
                   RETURNING t.line_no, t.sku, t.quantity)
    INSERT INTO shipment_lines (shipment_id, line_no, sku, quantity)
    SELECT p_shipment, line_no, sku, quantity FROM taken;

    WITH changed AS (UPDATE stock s SET on_hand = s.on_hand - w.quantity, reserved = s.reserved - w.quantity,
                                        updated_at = now()
                       FROM (SELECT l ->> 'sku' AS sku, (l ->> 'quantity')::int AS quantity
                               FROM jsonb_array_elements(p_lines) l) w
                      WHERE s.sku = w.sku AND s.location = p_location
                  RETURNING s.sku, s.on_hand, w.quantity)
    INSERT INTO stock_movements (id, sku, location, kind, delta, on_hand_after, reason, actor)
    SELECT gen_random_uuid(), sku, p_location, 'SHIPMENT', -quantity, on_hand, 'shipment ' || p_shipment, p_actor
      FROM changed ORDER BY sku;

    RETURN jsonb_build_object('outcome', 'SHIPPED', 'createdAt', v_created,
        'openUnits', (SELECT coalesce(sum(quantity - shipped), 0) FROM allocations
                       WHERE owner_id = p_order AND released_at IS NULL));
END
$$;

-- What each line of an order may still return: units shipped minus units claimed by its returns (a REQUESTED return
-- claims what it asked for, a received one what arrived).
CREATE FUNCTION returnable_units(p_order uuid) RETURNS TABLE (line_no integer, sku text, returnable integer)
    LANGUAGE sql STABLE AS $$
    SELECT l.line_no, l.sku,
           ((SELECT coalesce(sum(a.shipped), 0) FROM allocations a WHERE a.owner_id = p_order AND a.line_no = l.line_no)
            - (SELECT coalesce(sum(CASE WHEN r.status = 'REQUESTED' THEN rl.quantity ELSE rl.received END), 0)
                 FROM return_lines rl JOIN returns r ON r.id = rl.return_id
                WHERE r.order_id = p_order AND rl.line_no = l.line_no))::int
      FROM order_lines l WHERE l.order_id = p_order;
$$;

-- Records a return request (p_lines [{sku, quantity}], each SKU once) if every SKU has that many units shipped and not
-- yet claimed by another return; the units are spread over the order's lines of that SKU in line order. The caller
-- holds the order's row lock. Returns {outcome: REQUESTED} or {outcome: NOT_RETURNABLE, lines: [{sku, requested,
-- returnable}]} having changed nothing.
CREATE FUNCTION request_return(p_order uuid, p_return uuid, p_lines jsonb, p_reason text, p_actor text)
    RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_refused jsonb;
BEGIN
    SELECT jsonb_agg(jsonb_build_object('sku', w.sku, 'requested', w.requested, 'returnable', coalesce(r.returnable, 0))
                     ORDER BY w.ord)
      INTO v_refused
      FROM (SELECT ord, l ->> 'sku' AS sku, (l ->> 'quantity')::int AS requested
              FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(l, ord)) w
      LEFT JOIN (SELECT u.sku, sum(u.returnable)::int AS returnable FROM returnable_units(p_order) u GROUP BY u.sku) r
        ON r.sku = w.sku
     WHERE coalesce(r.returnable, 0) < w.requested;
    IF v_refused IS NOT NULL THEN
        RETURN jsonb_build_object('outcome', 'NOT_RETURNABLE', 'lines', v_refused);
    END IF;
    INSERT INTO returns (id, order_id, status, reason, requested_by) VALUES (p_return, p_order, 'REQUESTED', p_reason, p_actor);
    INSERT INTO return_lines (return_id, line_no, sku, quantity)
    SELECT p_return, x.line_no, x.sku, least(x.returnable, x.requested - (x.upto - x.returnable))
      FROM (SELECT u.line_no, u.sku, u.returnable, w.requested,
                   sum(u.returnable) OVER (PARTITION BY u.sku ORDER BY u.line_no) AS upto
              FROM returnable_units(p_order) u
              JOIN (SELECT l ->> 'sku' AS sku, (l ->> 'quantity')::int AS requested FROM jsonb_array_elements(p_lines) l) w
                ON w.sku = u.sku
             WHERE u.returnable > 0) x
     WHERE x.upto - x.returnable < x.requested;
    RETURN jsonb_build_object('outcome', 'REQUESTED');
END
$$;

-- Units received per SKU from a receive body [{sku, quantity, restock}]: first position, received, restocked.
CREATE FUNCTION received_units(p_lines jsonb) RETURNS TABLE (sku text, ord bigint, received integer, restocked integer)
    LANGUAGE sql IMMUTABLE AS $$
    SELECT l ->> 'sku', min(t.ord), sum((l ->> 'quantity')::int)::int,
           sum(CASE WHEN (l ->> 'restock')::boolean THEN (l ->> 'quantity')::int ELSE 0 END)::int
      FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(l, ord) GROUP BY 1;
$$;

-- Receives a REQUESTED return at a location (p_lines [{sku, quantity, restock}]; a SKU may come twice, restocked and
-- not). Refuses more units of a SKU than the return asked for. Restocked units go back into on_hand at that location
-- (the row is created if needed) with a RETURN ledger entry; damaged ones do not. The caller holds the order's and
-- the return's row locks. Returns {outcome: RECEIVED}, {outcome: UNKNOWN_LOCATION} or {outcome: NOT_RECEIVABLE,
-- lines: [{sku, received, requested}]}, the last two having changed nothing.
CREATE FUNCTION receive_return(p_return uuid, p_location text, p_lines jsonb, p_actor text) RETURNS jsonb
    LANGUAGE plpgsql AS $$
DECLARE
    v_refused jsonb;
    v_skus    text[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM locations WHERE code = p_location) THEN
        RETURN jsonb_build_object('outcome', 'UNKNOWN_LOCATION');
    END IF;

    SELECT jsonb_agg(jsonb_build_object('sku', w.sku, 'received', w.received, 'requested', coalesce(r.requested, 0))
                     ORDER BY w.ord)
      INTO v_refused
      FROM received_units(p_lines) w
      LEFT JOIN (SELECT sku, sum(quantity)::int AS requested FROM return_lines WHERE return_id = p_return GROUP BY sku) r
        ON r.sku = w.sku
     WHERE w.received > coalesce(r.requested, 0);
    IF v_refused IS NOT NULL THEN
        RETURN jsonb_build_object('outcome', 'NOT_RECEIVABLE', 'lines', v_refused);
    END IF;

    -- spread received and restocked units over the return's lines of each SKU, in line order
    UPDATE return_lines rl
       SET received = greatest(0, least(x.quantity, x.received - (x.upto - x.quantity))),
           restocked = greatest(0, least(x.quantity, x.restocked - (x.upto - x.quantity)))
      FROM (SELECT l.line_no, l.quantity, w.received, w.restocked,
                   sum(l.quantity) OVER (PARTITION BY l.sku ORDER BY l.line_no) AS upto
              FROM return_lines l JOIN received_units(p_lines) w ON w.sku = l.sku WHERE l.return_id = p_return) x
     WHERE rl.return_id = p_return AND rl.line_no = x.line_no;
    UPDATE returns SET status = 'RECEIVED', location = p_location, received_at = now(), updated_at = now()
     WHERE id = p_return;

    v_skus := ARRAY(SELECT sku FROM received_units(p_lines) WHERE restocked > 0 ORDER BY sku);
    IF cardinality(v_skus) > 0 THEN
        INSERT INTO stock (sku, location, on_hand) SELECT unnest(v_skus), p_location, 0 ON CONFLICT DO NOTHING;
        PERFORM 1 FROM stock WHERE location = p_location AND sku = ANY (v_skus) ORDER BY sku, location FOR UPDATE;
        WITH changed AS (UPDATE stock s SET on_hand = s.on_hand + w.restocked, updated_at = now()
                           FROM received_units(p_lines) w
                          WHERE w.restocked > 0 AND s.sku = w.sku AND s.location = p_location
                      RETURNING s.sku, s.on_hand, w.restocked)
        INSERT INTO stock_movements (id, sku, location, kind, delta, on_hand_after, reason, actor)
        SELECT gen_random_uuid(), sku, p_location, 'RETURN', restocked, on_hand, 'return ' || p_return, p_actor
          FROM changed ORDER BY sku;
        PERFORM note_stock_levels(v_skus, array_fill(p_location, ARRAY[cardinality(v_skus)]), false);
    END IF;
    RETURN jsonb_build_object('outcome', 'RECEIVED');
END
$$;

-- What may still be refunded for a return: the price paid for the units that came back, minus earlier refunds.
CREATE FUNCTION refundable_amount(p_return uuid) RETURNS numeric LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT sum(rl.received * ol.unit_price) FROM return_lines rl
                       JOIN order_lines ol ON ol.order_id = r.order_id AND ol.line_no = rl.line_no
                      WHERE rl.return_id = r.id), 0) - r.refunded_amount
      FROM returns r WHERE r.id = p_return;
$$;
