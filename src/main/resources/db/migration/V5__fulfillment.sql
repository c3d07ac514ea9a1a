-- Fulfillment (shipments, returns, refunds) and low-stock alerts. Independent of V4.
-- Lock order stays: holds -> orders -> returns -> stock rows in (sku, location) order.
-- The functions of fulfillment (shipping, returns, their JSON) are defined once each in R__fulfillment_functions.sql;
-- low stock (note_stock_levels, low_stock_threshold) and the release of reservations in R__inventory_functions.sql.

-- Allocations remember the units shipped from them. Open (still reserved) units of an allocation are
-- quantity - shipped while released_at IS NULL; a fully shipped allocation reserves nothing. Invariant:
-- stock.reserved = sum(quantity - shipped) of the allocations with released_at IS NULL.
ALTER TABLE allocations ADD COLUMN shipped integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT allocations_shipped_within_quantity CHECK (shipped >= 0 AND shipped <= quantity);

ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_kind_check,
    ADD CONSTRAINT stock_movements_kind_check CHECK (kind IN ('COUNT', 'ADJUSTMENT', 'SHIPMENT', 'RETURN'));

-- Low stock: each stock row is an event aggregate of its own (id, event_sequence), may override the configured
-- threshold, and remembers whether the current low spell was announced (once per crossing).
ALTER TABLE stock ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid(),
    ADD COLUMN low_stock_threshold integer
        CONSTRAINT stock_low_stock_threshold_range CHECK (low_stock_threshold BETWEEN 0 AND 1000000000),
    ADD COLUMN low_stock_notified boolean NOT NULL DEFAULT false,
    ADD COLUMN event_sequence integer NOT NULL DEFAULT 0;

CREATE TABLE shipments (
    id              uuid PRIMARY KEY,
    order_id        uuid NOT NULL REFERENCES orders (id),
    location        text NOT NULL REFERENCES locations (code),
    carrier         text NOT NULL,
    tracking_number text NOT NULL,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shipments_by_order ON shipments (order_id, created_at);

-- Units of one order line in one shipment.
CREATE TABLE shipment_lines (
    shipment_id uuid NOT NULL REFERENCES shipments (id),
    line_no     integer NOT NULL,
    sku         text NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (shipment_id, line_no)
);

CREATE TABLE returns (
    id              uuid PRIMARY KEY,
    order_id        uuid NOT NULL REFERENCES orders (id),
    status          text NOT NULL CHECK (status IN ('REQUESTED', 'RECEIVED', 'REFUNDED')),
    reason          text,
    location        text REFERENCES locations (code),
    refunded_amount numeric(18, 4) NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
    requested_by    text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    received_at     timestamptz,
    refunded_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX returns_by_order ON returns (order_id, created_at);

-- Units of one order line asked back (quantity), and once received, how many arrived and how many were restocked.
CREATE TABLE return_lines (
    return_id uuid NOT NULL REFERENCES returns (id),
    line_no   integer NOT NULL,
    sku       text NOT NULL,
    quantity  integer NOT NULL CHECK (quantity > 0),
    received  integer NOT NULL DEFAULT 0,
    restocked integer NOT NULL DEFAULT 0,
    PRIMARY KEY (return_id, line_no),
    CONSTRAINT return_lines_counts CHECK (received BETWEEN 0 AND quantity AND restocked BETWEEN 0 AND received)
);

