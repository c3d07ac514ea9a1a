-- Webhook functions (tables: V4 webhook_subscriptions, webhook_deliveries). Repeatable: Flyway re-applies this file
-- whenever it changes, so each function here is its one and only definition. The delivery queue's statements live
-- in DeliveryStore; what is here is what something outside the service also calls.

-- Deliveries whose next attempt is due (first attempts not claimed at fan-out, retries, claims of a crashed instance
-- whose lease ran out): the delivery worker's due work (GET /v1/ops/due, and the KEDA scaler's query in k8s/keda/).
-- A delivery waiting behind an earlier one of the same order counts too: it is due as soon as that one is sent.
-- Counted on the partial index webhook_deliveries_due.
CREATE OR REPLACE FUNCTION webhook_deliveries_due_count() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM webhook_deliveries WHERE status = 'PENDING' AND next_attempt_at <= now()
$$;
