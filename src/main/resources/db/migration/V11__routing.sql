-- Routing with reasons (issue 15): where a location is, whether it may be reserved from, each channel's routing
-- rules, and why each allocation went where it went. Tables, columns and data only; the functions over them are
-- defined once each in R__routing_functions.sql (the decision, preview, reroute) and R__inventory_functions.sql
-- (which locations a channel may reserve from).

-- country: ISO 3166-1 alpha-2, NULL on locations created before v2 (they rank after the shipping country's under
-- SAME_COUNTRY, like any location in another country). latitude/longitude: both or neither (NEAREST skips a location
-- without them). active: false takes the location out of routing, holds, backorder serving and availability (its
-- stock and its existing reservations stay).
ALTER TABLE locations
    ADD COLUMN country   text CHECK (country ~ '^[A-Z]{2}$'),
    ADD COLUMN latitude  double precision CHECK (latitude BETWEEN -90 AND 90),
    ADD COLUMN longitude double precision CHECK (longitude BETWEEN -180 AND 180),
    ADD COLUMN active    boolean NOT NULL DEFAULT true,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT locations_coordinates_together CHECK ((latitude IS NULL) = (longitude IS NULL));

-- A channel's routing rules, in the order they apply. No row: the default, rules {PRIORITY} with splits, which is v1.
CREATE TABLE channel_routing (
    channel     text PRIMARY KEY REFERENCES channels (code),
    rules       text[] NOT NULL CHECK (cardinality(rules) BETWEEN 1 AND 5
                                       AND rules <@ ARRAY['SAME_COUNTRY', 'FEWEST_SHIPMENTS', 'NEAREST', 'PRIORITY',
                                                          'MOST_AVAILABLE']),
    allow_split boolean NOT NULL,
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Why this location: {rule, detail} (and `skipped` when NEAREST could not be applied). NULL on allocations made
-- before v2 (shown as PRIORITY, the only rule there was).
ALTER TABLE allocations ADD COLUMN reason jsonb;

-- Where a waiting backorder may be served from, beyond its channel's assortment: excluded_locations, those a reroute
-- moved its order away from (NULL: none); location, the one location of an order routed without splits (NULL: any).
ALTER TABLE backorders ADD COLUMN excluded_locations text[], ADD COLUMN location text;

-- The rules an order was routed with: {rules, allowSplit} of its channel when it was placed, plus decidedAt once
-- rerouted; NULL for the default rules, decided when the order was created.
ALTER TABLE orders ADD COLUMN routing jsonb;

-- Functions replaced by the routing decision (R__routing_functions.sql) or whose signature changed.
DROP FUNCTION IF EXISTS allocate_lines(uuid, text, jsonb, text[], text, boolean);
DROP FUNCTION IF EXISTS stock_shortages(jsonb, text[]);
DROP FUNCTION IF EXISTS order_rows(jsonb);
DROP FUNCTION IF EXISTS order_routing_json(jsonb, timestamptz);
DROP FUNCTION IF EXISTS reserve_allocations(uuid, text, jsonb);
DROP FUNCTION IF EXISTS route_rank(text, boolean, integer, boolean, double precision, integer, integer);
DROP FUNCTION IF EXISTS reserve_order(jsonb, bigint, timestamptz, text[], boolean);
DROP FUNCTION IF EXISTS place_order(jsonb, text[], boolean);
DROP FUNCTION IF EXISTS order_document(uuid, bigint, text, text, text, text, integer, jsonb, jsonb, jsonb, jsonb, numeric,
                                       uuid, integer, timestamptz, timestamptz, jsonb, jsonb);
