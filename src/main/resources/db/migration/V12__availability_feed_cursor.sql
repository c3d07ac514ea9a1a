-- The availability feed picks its SKUs without scanning every flagged row (issue 14): flush_availability
-- (R__availability_functions.sql) used to group all flagged stock rows and join them to the feed on every run to rank
-- them (24 ms at 10,000 dirty SKUs, twice a second, 8 % of a core under spread intake); it now takes the urgent ones
-- through a small partial index and the rest in SKU order after a cursor, reading only as many rows as it takes.

-- A stock row whose low-stock state flipped (either way: it fell to its threshold, or it rose above it again) since
-- its SKU was last announced: set by note_stock_levels with the flip, cleared with availability_changed by the
-- flusher. Together with low_stock_notified it marks the rows whose change may turn a storefront's badge.
ALTER TABLE stock ADD COLUMN low_crossed boolean NOT NULL DEFAULT false;
CREATE INDEX stock_availability_urgent ON stock (sku) WHERE availability_changed AND (low_stock_notified OR low_crossed);

-- Where the flusher's round over the other dirty SKUs stands: the last SKU it took ('' before the first).
CREATE TABLE availability_cursor (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    after_sku text NOT NULL
);
INSERT INTO availability_cursor (after_sku) VALUES ('');
