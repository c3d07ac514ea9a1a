-- Sales channels (web shop, app, marketplace, POS ...). The code is the public, immutable identifier.
CREATE TABLE channels (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    type        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Places that hold stock. Lower priority is preferred when reserving.
CREATE TABLE locations (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    type        text NOT NULL,
    priority    integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX locations_by_priority ON locations (priority, code);

-- One row per (sku, location). The CHECK is the last line of defence against overselling:
-- reservations use conditional updates, and the database refuses anything that breaks it.
CREATE TABLE stock (
    sku         text NOT NULL,
    location    text NOT NULL REFERENCES locations (code),
    on_hand     integer NOT NULL,
    reserved    integer NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sku, location),
    CONSTRAINT stock_reserved_within_on_hand CHECK (reserved >= 0 AND reserved <= on_hand),
    CONSTRAINT stock_on_hand_bounded CHECK (on_hand <= 1000000000)
);

-- Ledger of every change to on_hand made through the stock API (counts and relative adjustments).
CREATE TABLE stock_movements (
    id            uuid PRIMARY KEY,
    sku           text NOT NULL,
    location      text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('COUNT', 'ADJUSTMENT')),
    delta         integer NOT NULL,
    on_hand_after integer NOT NULL,
    reason        text,
    actor         text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (sku, location) REFERENCES stock (sku, location)
);
CREATE INDEX stock_movements_by_stock ON stock_movements (sku, location, created_at);
