-- Outbox functions (tables: V3 outbox). Repeatable: Flyway re-applies this file whenever it changes, so each function
-- here is its one and only definition. A function whose signature changes or that goes away is dropped by a versioned
-- migration (V8 shows how).

-- Appends one event to the outbox, in the caller's transaction: the ONE statement that writes the outbox. Order events
-- come through append_order_event, hold expiry (expire_due_holds) and low stock (note_stock_levels) call it directly,
-- and the service's Java code calls it too (the order.rejected event of AMQP intake).
CREATE OR REPLACE FUNCTION append_outbox_event(p_aggregate_type text, p_aggregate_id uuid, p_sequence integer,
                                               p_type text, p_payload jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (aggregate_type, aggregate_id, sequence, type, payload)
    VALUES (p_aggregate_type, p_aggregate_id, p_sequence, p_type, p_payload);
END
$$;

-- Events not yet relayed: the outbox relay's due work (GET /v1/ops/due, and the KEDA scaler's query in k8s/keda/).
-- Counted on the partial index outbox_unpublished.
CREATE OR REPLACE FUNCTION outbox_due_count() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM outbox WHERE published_at IS NULL
$$;
