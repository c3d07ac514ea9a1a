-- Orders, holds, their stock allocations, order history and idempotency keys.
-- Lock order everywhere (deadlock freedom): holds -> existing orders -> stock rows in (sku, location) order.

CREATE SEQUENCE order_numbers START WITH 100001;

CREATE TABLE orders (
    id               uuid PRIMARY KEY,
    number           bigint NOT NULL DEFAULT nextval('order_numbers'),
    channel          text NOT NULL REFERENCES channels (code),
    external_id      text NOT NULL,
    status           text NOT NULL,
    currency         text NOT NULL,
    customer         jsonb NOT NULL,
    shipping_address jsonb NOT NULL,
    total            numeric(18, 4) NOT NULL,
    hold_id          uuid,
    version          integer NOT NULL DEFAULT 1,
    last_sequence    integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_channel_external_id UNIQUE (channel, external_id)
);
-- keyset pagination, newest first, overall and per channel
CREATE INDEX orders_newest ON orders (created_at DESC, id DESC);
CREATE INDEX orders_newest_by_channel ON orders (channel, created_at DESC, id DESC);

CREATE TABLE order_lines (
    order_id   uuid NOT NULL REFERENCES orders (id),
    line_no    integer NOT NULL,
    sku        text NOT NULL,
    quantity   integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(18, 4) NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (order_id, line_no)
);

-- Every status change and event of an order, numbered 1, 2, 3 ... per order (the webhook `sequence`).
CREATE TABLE order_history (
    order_id   uuid NOT NULL REFERENCES orders (id),
    sequence   integer NOT NULL,
    type       text NOT NULL,
    status     text NOT NULL,
    detail     jsonb,
    actor      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, sequence)
);

CREATE TABLE holds (
    id          uuid PRIMARY KEY,
    channel     text NOT NULL REFERENCES channels (code),
    status      text NOT NULL CHECK (status IN ('ACTIVE', 'RELEASED', 'EXPIRED', 'CONVERTED')),
    expires_at  timestamptz NOT NULL,
    order_id    uuid,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX holds_due ON holds (expires_at) WHERE status = 'ACTIVE';

CREATE TABLE hold_lines (
    hold_id  uuid NOT NULL REFERENCES holds (id),
    line_no  integer NOT NULL,
    sku      text NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (hold_id, line_no)
);

-- Units of one line reserved at one location, owned by an order or a hold. Invariant: for every stock row,
-- reserved = sum(quantity) of its allocations with released_at IS NULL.
CREATE TABLE allocations (
    owner_id    uuid NOT NULL,
    owner_kind  text NOT NULL CHECK (owner_kind IN ('ORDER', 'HOLD')),
    line_no     integer NOT NULL,
    sku         text NOT NULL,
    location    text NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    released_at timestamptz,
    PRIMARY KEY (owner_id, line_no, location)
);

CREATE TABLE idempotency_keys (
    subject         text NOT NULL,
    key             text NOT NULL,
    request_hash    text NOT NULL,
    state           text NOT NULL CHECK (state IN ('IN_FLIGHT', 'DONE')),
    response_status integer,
    response_body   text,
    response_headers jsonb,
    locked_until    timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- The one place where "an order changed" is recorded; the outbox hooks in here, in the caller's transaction.
-- (plpgsql rather than sql: its plans are cached across calls, which matters on the intake path)
CREATE FUNCTION append_order_event(p_order uuid, p_sequence integer, p_type text, p_status text, p_detail jsonb,
                                   p_actor text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_history (order_id, sequence, type, status, detail, actor)
    VALUES (p_order, p_sequence, p_type, p_status, p_detail, p_actor);
END
$$;

-- Locks the stock rows of these SKUs in (sku, location) order, the global order that keeps reservations deadlock-free.
CREATE FUNCTION lock_stock(p_skus text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM stock WHERE sku = ANY (p_skus) ORDER BY sku, location FOR UPDATE;
END
$$;

-- What is missing for these lines ([{sku, quantity}]), per SKU over all locations: [{sku, requested, available}],
-- or NULL when everything can be reserved. The caller holds the stock locks.
CREATE FUNCTION stock_shortages(p_lines jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
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
CREATE FUNCTION allocate_lines(p_owner uuid, p_kind text, p_lines jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
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

-- Gives back the stock of every open allocation of an order or hold (stock rows locked in the global order first)
-- and marks the allocations released. Returns the number of units released.
CREATE FUNCTION release_allocations(p_owner uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    released integer;
BEGIN
    PERFORM 1 FROM stock s
      WHERE (s.sku, s.location) IN (SELECT sku, location FROM allocations
                                     WHERE owner_id = p_owner AND released_at IS NULL)
      ORDER BY s.sku, s.location FOR UPDATE;
    UPDATE stock s SET reserved = s.reserved - x.quantity, updated_at = now()
      FROM (SELECT sku, location, sum(quantity)::int AS quantity FROM allocations
             WHERE owner_id = p_owner AND released_at IS NULL GROUP BY sku, location) x
     WHERE s.sku = x.sku AND s.location = x.location;
    WITH done AS (UPDATE allocations SET released_at = now()
                   WHERE owner_id = p_owner AND released_at IS NULL RETURNING quantity)
    SELECT coalesce(sum(quantity), 0) INTO released FROM done;
    RETURN released;
END
$$;

-- Places one order (JSON as built by OrderRepository) whose stock rows and hold are already locked. Returns
-- {"outcome": ACCEPTED | SHORTAGE | DUPLICATE | UNKNOWN_CHANNEL | HOLD_NOT_FOUND | HOLD_NOT_ACTIVE | HOLD_MISMATCH, ...}.
CREATE FUNCTION place_order(o jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_id       uuid := (o ->> 'id')::uuid;
    v_hold_id  uuid := (o ->> 'holdId')::uuid;
    v_hold     holds%ROWTYPE;
    v_short    jsonb;
    v_existing uuid;
    v_number   bigint;
    v_created  timestamptz;
    v_allocs   jsonb;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM channels WHERE code = o ->> 'channel') THEN
        RETURN jsonb_build_object('outcome', 'UNKNOWN_CHANNEL');
    END IF;
    IF v_hold_id IS NULL THEN
        v_short := stock_shortages(o -> 'lines');
        IF v_short IS NOT NULL THEN
            RETURN jsonb_build_object('outcome', 'SHORTAGE', 'shortages', v_short);
        END IF;
    ELSE
        SELECT * INTO v_hold FROM holds WHERE id = v_hold_id;
        IF NOT FOUND OR v_hold.channel <> o ->> 'channel' THEN
            RETURN jsonb_build_object('outcome', 'HOLD_NOT_FOUND');
        END IF;
        IF v_hold.status <> 'ACTIVE' OR v_hold.expires_at <= now() THEN
            RETURN jsonb_build_object('outcome', 'HOLD_NOT_ACTIVE',
                                      'status', CASE WHEN v_hold.status = 'ACTIVE' THEN 'EXPIRED' ELSE v_hold.status END);
        END IF;
        IF EXISTS (SELECT l ->> 'sku', sum((l ->> 'quantity')::int) FROM jsonb_array_elements(o -> 'lines') l GROUP BY 1
                   EXCEPT SELECT sku, sum(quantity) FROM hold_lines WHERE hold_id = v_hold_id GROUP BY 1)
           OR EXISTS (SELECT sku, sum(quantity) FROM hold_lines WHERE hold_id = v_hold_id GROUP BY 1
                      EXCEPT SELECT l ->> 'sku', sum((l ->> 'quantity')::int) FROM jsonb_array_elements(o -> 'lines') l GROUP BY 1)
           OR (SELECT count(*) <> count(DISTINCT l ->> 'sku') FROM jsonb_array_elements(o -> 'lines') l) THEN
            RETURN jsonb_build_object('outcome', 'HOLD_MISMATCH');
        END IF;
    END IF;

    INSERT INTO orders (id, channel, external_id, status, currency, customer, shipping_address, total, hold_id)
    VALUES (v_id, o ->> 'channel', o ->> 'externalId', 'ACCEPTED', o ->> 'currency', o -> 'customer',
            o -> 'shippingAddress', (o ->> 'total')::numeric, v_hold_id)
    ON CONFLICT (channel, external_id) DO NOTHING
    RETURNING number, created_at INTO v_number, v_created;
    IF NOT FOUND THEN
        SELECT id INTO v_existing FROM orders WHERE channel = o ->> 'channel' AND external_id = o ->> 'externalId';
        RETURN jsonb_build_object('outcome', 'DUPLICATE', 'existingOrderId', v_existing);
    END IF;

    INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price)
    SELECT v_id, ord, l ->> 'sku', (l ->> 'quantity')::int, (l ->> 'unitPrice')::numeric
      FROM jsonb_array_elements(o -> 'lines') WITH ORDINALITY AS t(l, ord);

    IF v_hold_id IS NULL THEN
        v_allocs := allocate_lines(v_id, 'ORDER', o -> 'lines');
    ELSE
        UPDATE allocations a SET owner_id = v_id, owner_kind = 'ORDER', line_no = ol.line_no
          FROM order_lines ol
         WHERE a.owner_id = v_hold_id AND a.released_at IS NULL AND ol.order_id = v_id AND ol.sku = a.sku;
        UPDATE holds SET status = 'CONVERTED', order_id = v_id, updated_at = now() WHERE id = v_hold_id;
        SELECT coalesce(jsonb_agg(jsonb_build_object('line', a.line_no, 'sku', a.sku, 'location', a.location,
                                                     'quantity', a.quantity) ORDER BY a.line_no, loc.priority, a.location), '[]')
          INTO v_allocs FROM allocations a JOIN locations loc ON loc.code = a.location WHERE a.owner_id = v_id;
    END IF;

    PERFORM append_order_event(v_id, 1, 'order.created', 'ACCEPTED',
                               CASE WHEN v_hold_id IS NULL THEN NULL ELSE jsonb_build_object('holdId', v_hold_id) END,
                               o ->> 'actor');
    RETURN jsonb_build_object('outcome', 'ACCEPTED', 'number', v_number, 'createdAt', v_created,
                              'allocations', v_allocs);
END
$$;

-- Places a batch of orders in one transaction, each standing or falling alone. All holds, then all stock rows the
-- batch may touch, are locked up front in the global order, so concurrent batches cannot deadlock on stock.
CREATE FUNCTION place_orders(p_orders jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    o       jsonb;
    results jsonb := '[]'::jsonb;
BEGIN
    PERFORM 1 FROM holds
      WHERE id IN (SELECT (x ->> 'holdId')::uuid FROM jsonb_array_elements(p_orders) x WHERE x ->> 'holdId' IS NOT NULL)
      ORDER BY id FOR UPDATE;
    PERFORM lock_stock(ARRAY(SELECT DISTINCT l ->> 'sku' FROM jsonb_array_elements(p_orders) x,
                                  jsonb_array_elements(x -> 'lines') l WHERE x ->> 'holdId' IS NULL));
    FOR o IN SELECT value FROM jsonb_array_elements(p_orders) LOOP
        results := results || jsonb_build_array(place_order(o));
    END LOOP;
    RETURN results;
END
$$;

-- Creates a hold and reserves its lines, all or nothing. Returns {outcome: ACCEPTED | SHORTAGE | UNKNOWN_CHANNEL, ...}.
-- Expires up to p_limit holds that are past expires_at, releasing their stock exactly once: each hold is claimed
-- with SKIP LOCKED (so any number of instances can sweep at once) and only while still ACTIVE. Returns the count.
CREATE FUNCTION expire_due_holds(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    h       record;
    expired integer := 0;
BEGIN
    FOR h IN SELECT id FROM holds WHERE status = 'ACTIVE' AND expires_at <= now()
              ORDER BY id LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
        PERFORM release_allocations(h.id);
        UPDATE holds SET status = 'EXPIRED', updated_at = now() WHERE id = h.id;
        expired := expired + 1;
    END LOOP;
    RETURN expired;
END
$$;

CREATE FUNCTION create_hold(p_id uuid, p_channel text, p_lines jsonb, p_expires_at timestamptz, p_actor text)
    RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_short  jsonb;
    v_allocs jsonb;
    v_created timestamptz;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM channels WHERE code = p_channel) THEN
        RETURN jsonb_build_object('outcome', 'UNKNOWN_CHANNEL');
    END IF;
    PERFORM lock_stock(ARRAY(SELECT DISTINCT l ->> 'sku' FROM jsonb_array_elements(p_lines) l));
    v_short := stock_shortages(p_lines);
    IF v_short IS NOT NULL THEN
        RETURN jsonb_build_object('outcome', 'SHORTAGE', 'shortages', v_short);
    END IF;
    INSERT INTO holds (id, channel, status, expires_at, created_by) VALUES (p_id, p_channel, 'ACTIVE', p_expires_at, p_actor)
    RETURNING created_at INTO v_created;
    INSERT INTO hold_lines (hold_id, line_no, sku, quantity)
    SELECT p_id, ord, l ->> 'sku', (l ->> 'quantity')::int FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(l, ord);
    v_allocs := allocate_lines(p_id, 'HOLD', p_lines);
    RETURN jsonb_build_object('outcome', 'ACCEPTED', 'createdAt', v_created, 'allocations', v_allocs);
END
$$;
