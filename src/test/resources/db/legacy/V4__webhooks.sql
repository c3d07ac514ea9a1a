-- Outbound webhooks: subscriptions, one delivery per (event, subscription), and every attempt of each delivery.
CREATE TABLE webhook_subscriptions (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    url                   text NOT NULL,
    events                text[] NOT NULL,
    channel               text REFERENCES channels (code),
    description           text,
    enabled               boolean NOT NULL DEFAULT true,
    disabled_reason       text,
    -- kept in clear text: the HMAC needs it; never returned after creation or rotation, never logged
    secret                text NOT NULL,
    previous_secret       text,
    previous_secret_until timestamptz,
    -- first failed attempt since the last success; NULL while the endpoint is healthy
    failing_since         timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscriptions_channel ON webhook_subscriptions (channel, created_at);

CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    subscription_id  uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id         uuid NOT NULL,                -- the webhook-id, the same on every attempt
    event_type       text NOT NULL,
    aggregate_id     uuid NOT NULL,
    sequence         integer NOT NULL,
    outbox_position  bigint NOT NULL,              -- per (subscription, aggregate) deliveries go out in this order
    body             text NOT NULL,                -- exactly the bytes that are signed and sent
    status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         integer NOT NULL DEFAULT 0,   -- attempts started; also the fencing token of a claim
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    claimed_until    timestamptz,                  -- lease of the worker that is sending it
    last_status_code integer,
    last_error       text,
    event_created_at timestamptz NOT NULL,         -- the event's transaction: latency is measured from here
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    UNIQUE (event_id, subscription_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_aggregate ON webhook_deliveries (subscription_id, aggregate_id, outbox_position)
    WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, created_at DESC, id);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE status <> 'PENDING';

CREATE TABLE webhook_attempts (
    delivery_id  uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt      integer NOT NULL,
    attempted_at timestamptz NOT NULL,
    status_code  integer,
    latency_ms   integer NOT NULL,
    error        text,
    PRIMARY KEY (delivery_id, attempt)
);

-- Inbound webhooks: the secret a channel signs its orders with (and the previous one during a rotation).
ALTER TABLE channels ADD COLUMN inbound_secret text;
ALTER TABLE channels ADD COLUMN inbound_previous_secret text;
ALTER TABLE channels ADD COLUMN inbound_previous_secret_until timestamptz;
