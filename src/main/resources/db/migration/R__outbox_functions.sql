-- Outbox functions (tables: V3 outbox). Repeatable: Flyway re-applies this file whenever it changes, so each function
-- here is its one and only definition. A function whose signature changes or that goes away is dropped by a versioned
-- migration (V8 shows how).

-- Appends one event to the outbox, in the caller's transaction: the ONE statement that writes the outbox. Order events
-- come through append_order_event, hold expiry (expire_due_holds) and low stock (note_stock_levels) call it directly,
-- and the service's Java code calls it too (the order.rejected event of AMQP intake).
-- The writer's transaction id is taken BEFORE the event's id (the INSERT's nextval): the outbox relay's floor
-- (outbox_floor_candidate below) relies on every transaction holding an outbox id having an older xid than the
-- relay's reading (a no-op where the caller has written before, as every caller does today).
CREATE OR REPLACE FUNCTION append_outbox_event(p_aggregate_type text, p_aggregate_id uuid, p_sequence integer,
                                               p_type text, p_payload jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_current_xact_id();
    INSERT INTO outbox (aggregate_type, aggregate_id, sequence, type, payload)
    VALUES (p_aggregate_type, p_aggregate_id, p_sequence, p_type, p_payload);
END
$$;

-- Events not yet relayed: the outbox relay's due work (GET /v1/ops/due, and the KEDA scaler's query in k8s/keda/).
-- Counted on the partial index outbox_unpublished.
CREATE OR REPLACE FUNCTION outbox_due_count() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM outbox WHERE published_at IS NULL
$$;

-- A candidate for the outbox relay's floor (OutboxRelay, OutboxFloor): the highest outbox id handed out so far, then
-- an xid assigned to the relay's own transaction AFTER that read. Every transaction holding one of those ids took
-- its xid before its id (append_outbox_event), hence before the read, hence an xid below below_xid. Once a later
-- snapshot's xmin is at or past below_xid, all of them have committed or rolled back, and a claim that then covers
-- every unpublished id up to last_id leaves none behind: the relay may start its claims after last_id, skipping the
-- index entries of published rows that VACUUM has not removed yet.
CREATE OR REPLACE FUNCTION outbox_floor_candidate(OUT last_id bigint, OUT below_xid bigint) LANGUAGE plpgsql AS $$
BEGIN
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO last_id FROM outbox_id_seq;
    below_xid := pg_current_xact_id()::text::bigint;
END
$$;
