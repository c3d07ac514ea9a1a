-- Available to promise (issue 14): SKU policies, backorders, channel assortment and the availability feed. Tables,
-- indexes and data only; the functions over them are defined once each in R__inventory_functions.sql (policies,
-- backorders, serving, assortment) and R__availability_functions.sql (the stock.changed feed).
-- Lock order everywhere (deadlock freedom): holds -> orders -> returns -> sku_policies rows in sku order -> stock rows
-- in (sku, location) order. Order rows are never locked after a policy or stock row: an order that gains units from
-- its backorders is announced afterwards (backorder_allocations, below), by a job that locks the order first.

-- How a SKU may be promised beyond what is on the shelf. No row = DENY. backordered: the units of this SKU waiting
-- in backorders now (kept here, under this row's lock, so that the limit check and availability cost one lookup).
-- Invariant: backordered = sum(quantity) of the SKU's backorders rows.
CREATE TABLE sku_policies (
    sku                  text PRIMARY KEY,
    inventory_policy     text NOT NULL CHECK (inventory_policy IN ('DENY', 'BACKORDER', 'PREORDER')),
    backorder_limit      integer CHECK (backorder_limit BETWEEN 0 AND 1000000000),
    expected_at          timestamptz,
    backordered          integer NOT NULL DEFAULT 0 CHECK (backordered >= 0),
    availability_changed boolean NOT NULL DEFAULT true,
    updated_by           text NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sku_policies_preorder_expected CHECK (inventory_policy <> 'PREORDER' OR expected_at IS NOT NULL)
);
CREATE INDEX sku_policies_availability_changed ON sku_policies (sku) WHERE availability_changed;

-- Units of one line of an order or a hold that wait for stock, in the queue of their SKU. position: the place in
-- the queue, taken when the line was accepted while its SKU was locked, so position order is acceptance order (a
-- hold's backorders keep their place when the hold becomes an order). channel: whose assortment may serve it.
CREATE SEQUENCE backorder_positions;
CREATE TABLE backorders (
    owner_id   uuid NOT NULL,
    owner_kind text NOT NULL CHECK (owner_kind IN ('ORDER', 'HOLD')),
    line_no    integer NOT NULL,
    sku        text NOT NULL,
    channel    text NOT NULL,
    quantity   integer NOT NULL CHECK (quantity > 0),
    position   bigint NOT NULL DEFAULT nextval('backorder_positions'),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, line_no)
);
CREATE INDEX backorders_queue ON backorders (sku, position);

-- A pre-order line remembers the release date it was promised with (kept current while it waits, see
-- set_sku_policy); NULL for every other line.
ALTER TABLE order_lines ADD COLUMN expected_at timestamptz;
ALTER TABLE hold_lines ADD COLUMN expected_at timestamptz;

-- Units given to an order's backorders that its order row does not show yet: version, history and the event
-- order.backorder_allocated are written by announce_backorder_allocations, which locks the order first.
CREATE TABLE backorder_allocations (
    id         bigserial PRIMARY KEY,
    order_id   uuid NOT NULL,
    line_no    integer NOT NULL,
    sku        text NOT NULL,
    location   text NOT NULL,
    quantity   integer NOT NULL CHECK (quantity > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backorder_allocations_by_order ON backorder_allocations (order_id, id);

-- Channel assortment: the locations a channel may sell from. A channel without rows sells from every location.
CREATE TABLE channel_locations (
    channel  text NOT NULL REFERENCES channels (code),
    location text NOT NULL REFERENCES locations (code),
    PRIMARY KEY (channel, location)
);

-- The availability feed: a stock row whose available units may have changed since the last stock.changed of its SKU
-- is marked (set in the same statement that changes it, so it costs no extra write), and found through the partial
-- index; the last availability announced per SKU, with the SKU's event aggregate id and sequence.
ALTER TABLE stock ADD COLUMN availability_changed boolean NOT NULL DEFAULT false;
CREATE INDEX stock_availability_changed ON stock (sku) WHERE availability_changed;
CREATE TABLE availability_feed (
    sku              text PRIMARY KEY,
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    available        integer NOT NULL,
    backorderable    integer,
    inventory_policy text NOT NULL,
    expected_at      timestamptz,
    sequence         integer NOT NULL,
    emitted_at       timestamptz NOT NULL DEFAULT now()
);

-- allocate_lines and stock_shortages take the channel's assortment now (new signatures in R__inventory_functions.sql)
DROP FUNCTION IF EXISTS allocate_lines(uuid, text, jsonb);
DROP FUNCTION IF EXISTS stock_shortages(jsonb);
-- place_order takes the batch's promisable SKUs and whether any channel has an assortment
DROP FUNCTION IF EXISTS place_order(jsonb);
