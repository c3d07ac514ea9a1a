-- Order functions: the order document (the JSON of an order), placement, and recording an order's events (tables: V2
-- orders/order_lines/order_history, V8 orders.currency_digits). Repeatable: Flyway re-applies this file whenever it
-- changes, so each function here is its one and only definition; a function whose signature changes or that goes away
-- is dropped by a versioned migration (V8 dropped the six-argument append_order_event and new_order_json).
-- Every function here is plpgsql (resolved when called, so the file order of the R__ files does not matter for them)
-- rather than sql: its plans are cached across calls, which matters on the intake path.

-- THE builder of the order document: the order as GET /v1/orders/{id} shows it and the `data` of its events. Every
-- order JSON is made here, from its parts: order_json passes them from the tables, place_order from the request it is
-- placing (no read back on the intake path), and the service decodes its OrderView from this document, so the REST
-- view and the event payload cannot differ.
-- p_lines: [{sku, quantity, unitPrice, backordered?, expectedAt?}] in line order (line n is the n-th element;
-- backordered: units waiting for stock, 0 when absent; expectedAt: a pre-order line's release date as text);
-- p_allocs: [{line, location, quantity, reason}] (units still reserved) in line, then reservation (rank) order.
-- p_routing: the order's `routing` ({rules, allowSplit, decidedAt}, see order_routing_json).
-- The order is `backordered` while any line waits. Money is rounded to the
-- currency's minor units, p_digits (decided by the service, see io.ordo.order.Money, and kept on the order row).
CREATE OR REPLACE FUNCTION order_document(p_id uuid, p_number bigint, p_channel text, p_external_id text,
                                          p_status text, p_currency text, p_digits integer, p_customer jsonb,
                                          p_address jsonb, p_lines jsonb, p_allocs jsonb, p_total numeric,
                                          p_hold uuid, p_version integer, p_created timestamptz,
                                          p_updated timestamptz, p_shipments jsonb, p_returns jsonb,
                                          p_routing jsonb)
    RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_lines       jsonb;
    v_backordered boolean;
BEGIN
    -- the lines and whether any waits, in one pass over them
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'sku', l ->> 'sku', 'quantity', (l ->> 'quantity')::int,
               'unitPrice', round((l ->> 'unitPrice')::numeric, p_digits)::text,
               'allocations', (SELECT coalesce(jsonb_agg(jsonb_build_object('location', a ->> 'location',
                                                                            'quantity', (a ->> 'quantity')::int,
                                                                            'reason', a -> 'reason')
                                                         ORDER BY a_ord), '[]')
                                 FROM jsonb_array_elements(p_allocs) WITH ORDINALITY AS x(a, a_ord)
                                WHERE (a ->> 'line')::int = ord),
               'backordered', coalesce((l ->> 'backordered')::int, 0),
               'expectedAt', l ->> 'expectedAt')
               ORDER BY ord), '[]'),
           coalesce(bool_or((l ->> 'backordered')::int > 0), false)
      INTO v_lines, v_backordered
      FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(l, ord);
    RETURN jsonb_build_object(
        'id', p_id, 'number', p_number, 'channel', p_channel, 'externalId', p_external_id, 'status', p_status,
        'currency', p_currency, 'customer', p_customer, 'shippingAddress', p_address,
        'lines', v_lines, 'backordered', v_backordered, 'routing', p_routing,
        'total', round(p_total, p_digits)::text,
        'holdId', p_hold, 'version', p_version,
        'createdAt', to_char(p_created AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'updatedAt', to_char(p_updated AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'shipments', p_shipments, 'returns', p_returns);
END
$$;

-- The order document of a stored order, from its tables: allocations show the units still reserved (quantity -
-- shipped, fully shipped ones omitted); `shipments` and `returns` are looked up only once the order can have them.
CREATE OR REPLACE FUNCTION order_json(p_order uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT order_document(o.id, o.number, o.channel, o.external_id, o.status, o.currency, o.currency_digits,
        o.customer, o.shipping_address,
        (SELECT coalesce(jsonb_agg(jsonb_build_object('sku', l.sku, 'quantity', l.quantity, 'unitPrice', l.unit_price,
                                                      'backordered', b.quantity, 'expectedAt', utc_text(l.expected_at))
                                   ORDER BY l.line_no), '[]')
           FROM order_lines l LEFT JOIN backorders b ON b.owner_id = o.id AND b.line_no = l.line_no
          WHERE l.order_id = o.id),
        (SELECT coalesce(jsonb_agg(jsonb_build_object('line', a.line_no, 'location', a.location,
                                                      'quantity', a.quantity - a.shipped,
                                                      'reason', coalesce(a.reason, jsonb_build_object(
                                                          'rule', 'PRIORITY',
                                                          'detail', 'reserved before routing reasons were recorded')))
                                   ORDER BY a.line_no, loc.priority, a.location), '[]')
           FROM allocations a JOIN locations loc ON loc.code = a.location
          WHERE a.owner_id = o.id AND a.released_at IS NULL AND a.shipped < a.quantity),
        o.total, o.hold_id, o.version, o.created_at, o.updated_at,
        CASE WHEN o.status IN ('ACCEPTED', 'PROCESSING', 'CANCELLED') THEN '[]'::jsonb ELSE order_shipments_json(o.id) END,
        CASE WHEN o.status IN ('ACCEPTED', 'PROCESSING', 'CANCELLED') THEN '[]'::jsonb ELSE order_returns_json(o.id) END,
        order_routing_json(o.routing, o.created_at))
      FROM orders o WHERE o.id = p_order);
END
$$;

-- The one place where "an order changed" is recorded: its history row and its outbox event (payload: the order
-- document, given by the caller), together, in the caller's transaction. place_order passes the document it built
-- from the request; later changes pass order_json(order) (OrderRepository).
CREATE OR REPLACE FUNCTION append_order_event(p_order uuid, p_sequence integer, p_type text, p_status text,
                                              p_detail jsonb, p_actor text, p_payload jsonb)
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_history (order_id, sequence, type, status, detail, actor)
    VALUES (p_order, p_sequence, p_type, p_status, p_detail, p_actor);
    PERFORM append_outbox_event('order', p_order, p_sequence, p_type, p_payload);
END
$$;

-- Intake is two steps per order, so that as little as possible happens while the batch holds its stock rows (a hot
-- SKU's row is held by one batch at a time: everything done under it is paid once per order, in series):
--   1. order_rows, before any stock lock: the channel and hold checks, the orders row (the duplicate check is its
--      unique key) and the order_lines rows, with their index entries and foreign-key checks;
--   2. reserve_order, under the policy and stock locks: shortages, the reservation, the document and the event.
-- place_orders runs step 1 for the whole batch, takes the locks, then step 2; place_order runs both in a row, under
-- the locks, for the few orders that must (see place_orders).
-- Answers: {outcome: ACCEPTED, order: <the order document>} or, having changed nothing, {outcome: SHORTAGE,
-- shortages}, {outcome: DUPLICATE, existingOrderId}, {outcome: UNKNOWN_CHANNEL}, {outcome: HOLD_NOT_FOUND},
-- {outcome: HOLD_NOT_ACTIVE, status} or {outcome: HOLD_MISMATCH}.

-- Step 1 for one order (JSON as built by io.ordo.order.NewOrder), its hold (if any) already locked: outcome is the
-- final answer when the order is refused here (UNKNOWN_CHANNEL, HOLD_*, DUPLICATE), else NULL, with the new row's
-- number and created_at.
CREATE OR REPLACE FUNCTION order_rows(o jsonb, p_routed boolean, OUT outcome jsonb, OUT number bigint,
                                      OUT created timestamptz, OUT routing jsonb)
    LANGUAGE plpgsql AS $$
DECLARE
    v_id      uuid := (o ->> 'id')::uuid;
    v_hold_id uuid := (o ->> 'holdId')::uuid;
    v_hold    holds%ROWTYPE;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM channels WHERE code = o ->> 'channel') THEN
        outcome := jsonb_build_object('outcome', 'UNKNOWN_CHANNEL');
        RETURN;
    END IF;
    IF v_hold_id IS NOT NULL THEN
        SELECT * INTO v_hold FROM holds WHERE id = v_hold_id;
        IF NOT FOUND OR v_hold.channel <> o ->> 'channel' THEN
            outcome := jsonb_build_object('outcome', 'HOLD_NOT_FOUND');
            RETURN;
        END IF;
        IF v_hold.status <> 'ACTIVE' OR v_hold.expires_at <= now() THEN
            outcome := jsonb_build_object('outcome', 'HOLD_NOT_ACTIVE',
                                          'status', CASE WHEN v_hold.status = 'ACTIVE' THEN 'EXPIRED' ELSE v_hold.status END);
            RETURN;
        END IF;
        IF EXISTS (SELECT l ->> 'sku', sum((l ->> 'quantity')::int) FROM jsonb_array_elements(o -> 'lines') l GROUP BY 1
                   EXCEPT SELECT sku, sum(quantity) FROM hold_lines WHERE hold_id = v_hold_id GROUP BY 1)
           OR EXISTS (SELECT sku, sum(quantity) FROM hold_lines WHERE hold_id = v_hold_id GROUP BY 1
                      EXCEPT SELECT l ->> 'sku', sum((l ->> 'quantity')::int) FROM jsonb_array_elements(o -> 'lines') l GROUP BY 1)
           OR (SELECT count(*) <> count(DISTINCT l ->> 'sku') FROM jsonb_array_elements(o -> 'lines') l) THEN
            outcome := jsonb_build_object('outcome', 'HOLD_MISMATCH');
            RETURN;
        END IF;
    END IF;

    IF p_routed THEN
        SELECT jsonb_build_object('rules', to_jsonb(r.rules), 'allowSplit', r.allow_split) INTO routing
          FROM channel_routing r WHERE r.channel = o ->> 'channel';  -- channel_routing_json, without the call
    END IF;
    INSERT INTO orders (id, channel, external_id, status, currency, currency_digits, customer, shipping_address, total,
                        hold_id, routing)
    VALUES (v_id, o ->> 'channel', o ->> 'externalId', 'ACCEPTED', o ->> 'currency', (o ->> 'currencyDigits')::int,
            o -> 'customer', o -> 'shippingAddress', (o ->> 'total')::numeric, v_hold_id, routing)
    ON CONFLICT (channel, external_id) DO NOTHING
    RETURNING orders.number, orders.created_at INTO number, created;
    IF NOT FOUND THEN
        outcome := jsonb_build_object('outcome', 'DUPLICATE', 'existingOrderId',
                                      (SELECT id FROM orders WHERE channel = o ->> 'channel'
                                                               AND external_id = o ->> 'externalId'));
        RETURN;
    END IF;

    INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price)
    SELECT v_id, ord, l ->> 'sku', (l ->> 'quantity')::int, (l ->> 'unitPrice')::numeric
      FROM jsonb_array_elements(o -> 'lines') WITH ORDINALITY AS t(l, ord);
END
$$;

-- Step 2 for one order whose rows order_rows wrote (p_number, p_created), under the locks of place_orders: the
-- policy rows of its SKUs (p_promisable: those that promise beyond the shelf), then the stock rows. A shortage that
-- its policies cannot promise takes its rows away again and answers SHORTAGE (a number of the sequence stays unused);
-- otherwise it reserves, backorders the rest, and writes the order.created event.
-- p_routing: the channel's routing rules when order_rows wrote the rows (NULL: the default), decided here
-- (route_lines, R__routing_functions.sql) among the locked stock rows. p_assorted: some channel may reserve from
-- fewer than every location (locations_restricted; else no per-order lookup).
-- Intake hot path: the order.created payload (and the ACCEPTED answer) is the order document built from what this
-- function already holds (the request, the number, the timestamps and the allocations it just made) instead of
-- reading the order back with order_json, which would cost three more index scans and a join per order inside the
-- placing transaction. It is the same JSON (OrderEventsTest compares the two).
CREATE OR REPLACE FUNCTION reserve_order(o jsonb, p_number bigint, p_created timestamptz, p_routing jsonb,
                                         p_promisable text[], p_assorted boolean) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_id        uuid := (o ->> 'id')::uuid;
    v_hold_id   uuid := (o ->> 'holdId')::uuid;
    v_short     jsonb;
    v_allocs    jsonb;
    v_document  jsonb;
    v_lines     jsonb := o -> 'lines';
    v_assort    text[];
    v_plan      record;
    v_rules     text[];
    v_split     boolean;
    v_backorder boolean := false;
BEGIN
    IF v_hold_id IS NULL THEN
        IF p_assorted THEN
            v_assort := channel_assortment(o ->> 'channel');
        END IF;
        IF p_routing IS NOT NULL THEN  -- the rules order_rows recorded on the order (no second read of the channel's)
            -- ["A", "B"] -> {A, B}: an expression rather than a query over the JSON array, under the stock locks (the
            -- names are the five of channel_routing's CHECK: nothing to quote)
            v_rules := translate((p_routing -> 'rules')::text, '[]"', '{}')::text[];
            v_split := (p_routing ->> 'allowSplit')::boolean;
        END IF;
        SELECT * INTO v_plan
          FROM route_lines(v_lines, v_assort, v_rules, coalesce(v_split, true), o -> 'shippingAddress', NULL);
        IF v_plan.missing IS NOT NULL THEN
            v_short := unpromisable_shortages(routed_shortages(v_lines, v_plan.missing), p_promisable);
            IF v_short IS NOT NULL THEN
                DELETE FROM order_lines WHERE order_id = v_id;
                DELETE FROM orders WHERE id = v_id;
                RETURN jsonb_build_object('outcome', 'SHORTAGE', 'shortages', v_short);
            END IF;
            v_backorder := true;
        END IF;
        v_allocs := v_plan.allocations;
        PERFORM reserve_allocations(v_id, 'ORDER', v_allocs, true);
        IF v_backorder THEN
            PERFORM backorder_missing(v_id, 'ORDER', o ->> 'channel', v_plan.missing, NULL);
        END IF;
    ELSE
        UPDATE allocations a SET owner_id = v_id, owner_kind = 'ORDER', line_no = ol.line_no
          FROM order_lines ol
         WHERE a.owner_id = v_hold_id AND a.released_at IS NULL AND ol.order_id = v_id AND ol.sku = a.sku;
        -- the hold's backorders become the order's, keeping their place in the queue
        WITH moved AS (DELETE FROM backorders WHERE owner_id = v_hold_id
                       RETURNING sku, channel, quantity, position, location)
        INSERT INTO backorders (owner_id, owner_kind, line_no, sku, channel, quantity, position, location)
        SELECT v_id, 'ORDER', ol.line_no, m.sku, min(m.channel), sum(m.quantity), min(m.position), min(m.location)
          FROM moved m JOIN order_lines ol ON ol.order_id = v_id AND ol.sku = m.sku
         GROUP BY ol.line_no, m.sku;
        v_backorder := FOUND;
        UPDATE holds SET status = 'CONVERTED', order_id = v_id, updated_at = now() WHERE id = v_hold_id;
        SELECT coalesce(jsonb_agg(jsonb_build_object('line', a.line_no, 'sku', a.sku, 'location', a.location,
                                                     'quantity', a.quantity, 'reason', a.reason)
                                  ORDER BY a.line_no, loc.priority, a.location), '[]')
          INTO v_allocs FROM allocations a JOIN locations loc ON loc.code = a.location WHERE a.owner_id = v_id;
    END IF;

    IF v_backorder THEN
        v_lines := backordered_lines(v_id, 'ORDER', v_lines);
    END IF;
    -- a new order: status ACCEPTED, version 1, updatedAt = createdAt, nothing shipped or returned
    v_document := order_document(v_id, p_number, o ->> 'channel', o ->> 'externalId', 'ACCEPTED', o ->> 'currency',
                                 (o ->> 'currencyDigits')::int, o -> 'customer', o -> 'shippingAddress', v_lines,
                                 v_allocs, (o ->> 'total')::numeric, v_hold_id, 1, p_created, p_created,
                                 '[]'::jsonb, '[]'::jsonb, order_routing_json(p_routing, p_created));
    PERFORM append_order_event(v_id, 1, 'order.created', 'ACCEPTED',
                               CASE WHEN v_hold_id IS NULL THEN NULL ELSE jsonb_build_object('holdId', v_hold_id) END,
                               o ->> 'actor', v_document);
    RETURN jsonb_build_object('outcome', 'ACCEPTED', 'order', v_document);
END
$$;

-- Both steps in a row for one order, under the locks of place_orders.
-- An order marked 'resume' (a retry that took over a crashed attempt's idempotency key, with that attempt's order id)
-- answers DUPLICATE with its own id when that order exists. The check comes first, before the shortage and hold
-- checks that the earlier attempt's own reservation would otherwise fail, and after the stock and hold locks that
-- place_orders takes, so a still-running earlier attempt has committed or rolled back by then.
CREATE OR REPLACE FUNCTION place_order(o jsonb, p_promisable text[], p_assorted boolean) RETURNS jsonb
    LANGUAGE plpgsql AS $$
DECLARE
    v_rows record;
BEGIN
    IF (o ->> 'resume')::boolean IS TRUE THEN
        IF EXISTS (SELECT 1 FROM orders WHERE id = (o ->> 'id')::uuid) THEN
            RETURN jsonb_build_object('outcome', 'DUPLICATE', 'existingOrderId', (o ->> 'id')::uuid);
        END IF;
    END IF;
    v_rows := order_rows(o, true);
    IF v_rows.outcome IS NOT NULL THEN
        RETURN v_rows.outcome;
    END IF;
    RETURN reserve_order(o, v_rows.number, v_rows.created, v_rows.routing, p_promisable, p_assorted);
END
$$;

-- Places a batch of orders in one transaction, each standing or falling alone. First the holds are locked, then every
-- order's own rows are written (order_rows) in (channel, externalId) order, so that two batches with the same
-- external ids wait for each other instead of deadlocking on the unique key; then the policy rows and all stock rows
-- the batch may touch are locked in the global order (concurrent batches cannot deadlock on stock), and each order is
-- reserved (reserve_order) in the batch's order, which is the order of the queue for backorders.
-- Two kinds of order take both steps under the locks (place_order), as before this split: a 'resume' retry (see
-- place_order), and an order whose external id repeats an earlier one of the same batch, which is a DUPLICATE of it
-- only if that one is accepted (a SHORTAGE takes its row away again).
-- The SKUs are checked for low stock once, after the whole batch (one statement, see note_stock_levels). Returns the
-- answers as a JSON array, in the batch's order. They are collected in a jsonb[] (appended in place) and turned into
-- one array at the end: appending to a jsonb array re-encodes the whole array each time, which with an order document
-- in every answer cost a quadratic ~15 % of the batch's time at 32 orders.
-- plan_cache_mode = force_generic_plan, for every statement of the batch (the setting holds for the functions it
-- calls): under the default setting PostgreSQL plans a statement that has parameters afresh on every execution
-- whenever its generic plan looks costlier than the custom ones, which with the lines' JSON (estimated at 100 rows)
-- and parameters such as "p_candidates IS NULL OR ..." it does for several of the intake's statements, and planning
-- costs far more than running them (route_lines' count of SKUs taken in full: 80-119 us per order re-planned, 19 us
-- generic). Measured on the intake SQL alone: -9 % time per order on spread SKUs. The entry points of the routing
-- decision (create_hold, preview_routing, reroute_order) set it too. The price: a connection keeps the plan it made
-- at its first use, even one made on a nearly empty database; every statement here is a lookup by key, whose plan
-- does not depend on the tables' size, which is why this is judged safe (revisit if a statement here scans).
CREATE OR REPLACE FUNCTION place_orders(p_orders jsonb) RETURNS jsonb LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    o            jsonb;
    i            integer;
    v_rows       record;
    -- the batch taken apart once (each jsonb_array_elements over it copies every order): v_orders[i] is a lookup
    v_orders     jsonb[] := ARRAY(SELECT x FROM jsonb_array_elements(p_orders) x);
    v_count      integer := cardinality(v_orders);
    v_held       uuid[] := ARRAY(SELECT (x ->> 'holdId')::uuid FROM unnest(v_orders) x WHERE x ->> 'holdId' IS NOT NULL);
    v_ids        uuid[] := '{}';
    v_final      jsonb[] := array_fill(NULL::jsonb, ARRAY[v_count]);
    v_numbers    bigint[] := array_fill(NULL::bigint, ARRAY[v_count]);
    v_created    timestamptz[] := array_fill(NULL::timestamptz, ARRAY[v_count]);
    v_routing    jsonb[] := array_fill(NULL::jsonb, ARRAY[v_count]);
    results      jsonb[] := '{}';
    v_skus       text[];
    v_promisable text[];
    v_assorted   boolean;
    v_routed     boolean := EXISTS (SELECT 1 FROM channel_routing);  -- else no per-order lookup of the rules
BEGIN
    IF cardinality(v_held) > 0 THEN
        PERFORM 1 FROM holds WHERE id = ANY (v_held) ORDER BY id FOR UPDATE;
    END IF;
    -- step 1; v_final[i] stays NULL for an order to reserve, 'null' (JSON) for one that takes both steps later
    FOR i IN SELECT t.n FROM unnest(v_orders) WITH ORDINALITY AS t(x, n)
              ORDER BY t.x ->> 'channel', t.x ->> 'externalId', t.n LOOP
        o := v_orders[i];
        IF (o ->> 'resume')::boolean IS TRUE THEN
            v_final[i] := 'null';
            CONTINUE;
        END IF;
        v_rows := order_rows(o, v_routed);
        IF v_rows.outcome IS NULL THEN
            v_ids := v_ids || (o ->> 'id')::uuid;
            v_numbers[i] := v_rows.number;
            v_created[i] := v_rows.created;
            v_routing[i] := v_rows.routing;
        ELSIF v_rows.outcome ->> 'outcome' = 'DUPLICATE'
              AND (v_rows.outcome ->> 'existingOrderId')::uuid = ANY (v_ids) THEN
            v_final[i] := 'null';
        ELSE
            v_final[i] := v_rows.outcome;
        END IF;
    END LOOP;

    v_skus := ARRAY(SELECT DISTINCT l ->> 'sku' FROM unnest(v_orders) x, jsonb_array_elements(x -> 'lines') l
                     WHERE x ->> 'holdId' IS NULL);
    -- the policy rows of every SKU of the batch, the holds' too (a conversion moves the hold's backorders, which
    -- serving would otherwise change under it), then the stock rows
    v_promisable := lock_sku_policies(CASE WHEN cardinality(v_held) = 0 THEN v_skus
        ELSE ARRAY(SELECT DISTINCT l ->> 'sku' FROM unnest(v_orders) x, jsonb_array_elements(x -> 'lines') l) END);
    v_assorted := locations_restricted();
    PERFORM lock_stock(v_skus);

    -- step 2, in the batch's order
    FOR i IN 1 .. v_count LOOP
        o := v_orders[i];
        IF v_final[i] IS NULL THEN
            results := results || reserve_order(o, v_numbers[i], v_created[i], v_routing[i], v_promisable, v_assorted);
        ELSIF v_final[i] = 'null' THEN
            results := results || place_order(o, v_promisable, v_assorted);
        ELSE
            results := results || v_final[i];
        END IF;
    END LOOP;
    PERFORM note_stock_levels(v_skus, NULL, true);
    RETURN to_jsonb(results);
END
$$;
