-- Fulfillment functions: shipments, returns and refunds (tables: V5 shipments/shipment_lines/returns/return_lines and
-- allocations.shipped), and the JSON of shipments and returns as the API shows them. Repeatable: Flyway re-applies
-- this file whenever it changes, so each function here is its one and only definition; a function whose signature
-- changes or that goes away is dropped by a versioned migration.
-- Files are applied in name order (fulfillment, inventory, orders, outbox). Only LANGUAGE sql bodies are checked when
-- they are created, and the ones here call only functions defined above them in this file (utc_text, return_json);
-- the plpgsql ones (which call note_stock_levels from the inventory file) are resolved when called.

-- A timestamp as the API writes it: UTC, microseconds, "Z".
CREATE OR REPLACE FUNCTION utc_text(p_time timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(p_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
$$;

-- The shipments of an order as the API shows them, oldest first.
CREATE OR REPLACE FUNCTION order_shipments_json(p_order uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', s.id, 'location', s.location, 'carrier', s.carrier, 'trackingNumber', s.tracking_number,
               'lines', (SELECT jsonb_agg(jsonb_build_object('sku', x.sku, 'quantity', x.quantity) ORDER BY x.first_line)
                           FROM (SELECT sku, sum(quantity)::int AS quantity, min(line_no) AS first_line
                                   FROM shipment_lines WHERE shipment_id = s.id GROUP BY sku) x),
               'createdAt', utc_text(s.created_at)) ORDER BY s.created_at, s.id), '[]')
      FROM shipments s WHERE s.order_id = p_order;
$$;

-- One return as the API shows it: lines per SKU, money in the order's currency (with its minor units, which the order
-- row carries: orders.currency_digits, decided by the service).
CREATE OR REPLACE FUNCTION return_json(p_return uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', r.id, 'orderId', r.order_id, 'status', r.status, 'reason', r.reason, 'location', r.location,
        'currency', o.currency,
        'lines', (SELECT jsonb_agg(jsonb_build_object('sku', x.sku, 'quantity', x.quantity, 'received', x.received,
                                                      'restocked', x.restocked) ORDER BY x.first_line)
                    FROM (SELECT sku, sum(quantity)::int AS quantity, sum(received)::int AS received,
                                 sum(restocked)::int AS restocked, min(line_no) AS first_line
                            FROM return_lines WHERE return_id = r.id GROUP BY sku) x),
        'refundedAmount', round(r.refunded_amount, o.currency_digits)::text,
        'createdAt', utc_text(r.created_at), 'receivedAt', utc_text(r.received_at),
        'refundedAt', utc_text(r.refunded_at), 'updatedAt', utc_text(r.updated_at))
      FROM returns r JOIN orders o ON o.id = r.order_id WHERE r.id = p_return;
$$;

-- The returns of an order as the API shows them, oldest first.
CREATE OR REPLACE FUNCTION order_returns_json(p_order uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(return_json(r.id) ORDER BY r.created_at, r.id), '[]') FROM returns r WHERE r.order_id = p_order;
$$;

-- Ships units of an order from one location (p_lines [{sku, quantity}], each SKU once): refuses unless the order's
-- open allocations at that location cover every line; then takes the units out of those allocations (line order),
-- out of reserved and on_hand, and writes the ledger. Available does not change, so no low-stock check. The caller
-- holds the order's row lock and has checked its status. Returns {outcome: SHIPPED, openUnits, createdAt} or
-- {outcome: NOT_SHIPPABLE, lines: [{sku, requested, shippable}]} having changed nothing.
CREATE OR REPLACE FUNCTION ship_order_lines(p_order uuid, p_shipment uuid, p_location text, p_lines jsonb, p_carrier text,
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

    -- units still to ship: reserved ones, and backordered ones still waiting for stock
    RETURN jsonb_build_object('outcome', 'SHIPPED', 'createdAt', v_created,
        'openUnits', (SELECT coalesce(sum(quantity - shipped), 0) FROM allocations
                       WHERE owner_id = p_order AND released_at IS NULL)
                     + (SELECT coalesce(sum(quantity), 0) FROM backorders WHERE owner_id = p_order));
END
$$;

-- What each line of an order may still return: units shipped minus units claimed by its returns (a REQUESTED return
-- claims what it asked for, a received one what arrived).
CREATE OR REPLACE FUNCTION returnable_units(p_order uuid) RETURNS TABLE (line_no integer, sku text, returnable integer)
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
CREATE OR REPLACE FUNCTION request_return(p_order uuid, p_return uuid, p_lines jsonb, p_reason text, p_actor text)
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
CREATE OR REPLACE FUNCTION received_units(p_lines jsonb) RETURNS TABLE (sku text, ord bigint, received integer, restocked integer)
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
CREATE OR REPLACE FUNCTION receive_return(p_return uuid, p_location text, p_lines jsonb, p_actor text) RETURNS jsonb
    LANGUAGE plpgsql AS $$
DECLARE
    v_refused jsonb;
    v_skus    text[];
    v_waiting text[];
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
        -- restocked units go to waiting backorders first (issue 14): policy rows, then the stock rows (all rows of a
        -- SKU with waiting backorders), in the global lock order
        v_waiting := lock_for_freeing(v_skus);
        PERFORM 1 FROM stock WHERE (location = p_location AND sku = ANY (v_skus)) OR sku = ANY (v_waiting)
          ORDER BY sku, location FOR UPDATE;
        WITH changed AS (UPDATE stock s SET on_hand = s.on_hand + w.restocked, updated_at = now(),
                                            availability_changed = true
                           FROM received_units(p_lines) w
                          WHERE w.restocked > 0 AND s.sku = w.sku AND s.location = p_location
                      RETURNING s.sku, s.on_hand, w.restocked)
        INSERT INTO stock_movements (id, sku, location, kind, delta, on_hand_after, reason, actor)
        SELECT gen_random_uuid(), sku, p_location, 'RETURN', restocked, on_hand, 'return ' || p_return, p_actor
          FROM changed ORDER BY sku;
        IF cardinality(v_waiting) > 0 THEN
            PERFORM serve_backorders(v_waiting);
            PERFORM note_stock_levels(v_waiting, NULL, true);
        END IF;
        PERFORM note_stock_levels(v_skus, array_fill(p_location, ARRAY[cardinality(v_skus)]), false);
    END IF;
    RETURN jsonb_build_object('outcome', 'RECEIVED');
END
$$;

-- What may still be refunded for a return: the price paid for the units that came back, minus earlier refunds.
CREATE OR REPLACE FUNCTION refundable_amount(p_return uuid) RETURNS numeric LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT sum(rl.received * ol.unit_price) FROM return_lines rl
                       JOIN order_lines ol ON ol.order_id = r.order_id AND ol.line_no = rl.line_no
                      WHERE rl.return_id = r.id), 0) - r.refunded_amount
      FROM returns r WHERE r.id = p_return;
$$;
