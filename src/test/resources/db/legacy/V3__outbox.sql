-- Transactional outbox: every event is written in the transaction that makes the change, and relayed afterwards.
CREATE TABLE outbox (
    id             bigserial PRIMARY KEY,
    event_id       uuid NOT NULL DEFAULT gen_random_uuid(),
    aggregate_type text NOT NULL,
    aggregate_id   uuid NOT NULL,
    sequence       integer NOT NULL,
    type           text NOT NULL,
    payload        jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    published_at   timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Minor units of a currency, for formatting money the way the API does.
CREATE FUNCTION currency_digits(p_currency text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_currency IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND',
                            'VUV', 'XAF', 'XOF', 'XPF') THEN 0
        WHEN p_currency IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND') THEN 3
        ELSE 2 END;
$$;

-- The order as GET /v1/orders/{id} shows it: the `data` of its events.
CREATE FUNCTION order_json(p_order uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
    SELECT jsonb_build_object(
        'id', o.id, 'number', o.number, 'channel', o.channel, 'externalId', o.external_id, 'status', o.status,
        'currency', o.currency, 'customer', o.customer, 'shippingAddress', o.shipping_address,
        'lines', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                      'sku', l.sku, 'quantity', l.quantity,
                      'unitPrice', round(l.unit_price, currency_digits(o.currency))::text,
                      'allocations', (SELECT coalesce(jsonb_agg(jsonb_build_object('location', a.location,
                                                                                   'quantity', a.quantity)
                                                                ORDER BY loc.priority, a.location), '[]')
                                        FROM allocations a JOIN locations loc ON loc.code = a.location
                                       WHERE a.owner_id = o.id AND a.line_no = l.line_no AND a.released_at IS NULL))
                      ORDER BY l.line_no), '[]')
                    FROM order_lines l WHERE l.order_id = o.id),
        'total', round(o.total, currency_digits(o.currency))::text,
        'holdId', o.hold_id, 'version', o.version,
        'createdAt', to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'updatedAt', to_char(o.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
      FROM orders o WHERE o.id = p_order);
END
$$;

-- Appends one event to the outbox (in the caller's transaction).
CREATE FUNCTION append_outbox_event(p_aggregate_type text, p_aggregate_id uuid, p_sequence integer, p_type text,
                                    p_payload jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (aggregate_type, aggregate_id, sequence, type, payload)
    VALUES (p_aggregate_type, p_aggregate_id, p_sequence, p_type, p_payload);
END
$$;

-- The one place where "an order changed" is recorded: its history row and its outbox event, together.
CREATE OR REPLACE FUNCTION append_order_event(p_order uuid, p_sequence integer, p_type text, p_status text,
                                              p_detail jsonb, p_actor text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_history (order_id, sequence, type, status, detail, actor)
    VALUES (p_order, p_sequence, p_type, p_status, p_detail, p_actor);
    PERFORM append_outbox_event('order', p_order, p_sequence, p_type, order_json(p_order));
END
$$;

-- Expiry now also announces each expired hold (hold.expired).
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
