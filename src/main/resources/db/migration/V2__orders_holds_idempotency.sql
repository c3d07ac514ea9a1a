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

-- The functions over these tables (placement, reservation, release, holds and their expiry) are defined once each
-- in the repeatable migrations R__orders_functions.sql and R__inventory_functions.sql.
