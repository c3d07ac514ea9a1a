-- Crash recovery of idempotent creates. Claiming a key and completing it are statements of their own, apart from the
-- transaction that creates the order or hold; an instance that dies between the two leaves a committed resource
-- behind an IN_FLIGHT key. The key now carries the id of what its request creates, chosen when the key is first
-- claimed and kept when a retry with the same body takes an expired claim over, so that the retry can recognise the
-- earlier attempt's resource and answer with it instead of creating a second one (or a 409 duplicate).
--   resource_id: set by the claim (NULL only on rows claimed before this migration).
--   attempt:     1 on a fresh claim, +1 on every takeover; > 1 tells the action that an earlier attempt may have
--                committed, so it looks for its resource first (place_order's 'resume', create_hold's check).
-- (No volatile default: adding the columns must not rewrite the table.)
ALTER TABLE idempotency_keys
    ADD COLUMN resource_id uuid,
    ADD COLUMN attempt integer NOT NULL DEFAULT 1;

-- V6's place_order; V7: an order marked 'resume' (a retry that took over a crashed attempt's key, with that
-- attempt's order id) answers DUPLICATE with its own id when that order exists. The check comes first, before the
-- shortage and hold checks that the earlier attempt's own reservation would otherwise fail, and after the stock and
-- hold locks that place_orders takes, so a still-running earlier attempt has committed or rolled back by then.
CREATE OR REPLACE FUNCTION place_order(o jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
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
    IF (o ->> 'resume')::boolean IS TRUE THEN  -- never on the hot path: only a retry that took a key over
        IF EXISTS (SELECT 1 FROM orders WHERE id = v_id) THEN
            RETURN jsonb_build_object('outcome', 'DUPLICATE', 'existingOrderId', v_id);
        END IF;
    END IF;
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
                               o ->> 'actor', new_order_json(o, v_number, v_created, v_allocs));
    RETURN jsonb_build_object('outcome', 'ACCEPTED', 'number', v_number, 'createdAt', v_created,
                              'allocations', v_allocs);
END
$$;

-- V5's create_hold; V7: a hold whose id already exists (an earlier attempt under the same idempotency key committed
-- it before its instance died, or is committing it right now) answers EXISTS instead of failing on the primary key
-- or reserving a second time. Checked after the stock locks, which a still-running earlier attempt holds until it
-- commits, and before the shortage check, which that attempt's own reservation could fail.
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
