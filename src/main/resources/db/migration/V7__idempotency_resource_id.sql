-- Crash recovery of idempotent creates. Claiming a key and completing it are statements of their own, apart from the
-- transaction that creates the order or hold; an instance that dies between the two leaves a committed resource
-- behind an IN_FLIGHT key. The key now carries the id of what its request creates, chosen when the key is first
-- claimed and kept when a retry with the same body takes an expired claim over, so that the retry can recognise the
-- earlier attempt's resource and answer with it instead of creating a second one (or a 409 duplicate).
--   resource_id: set by the claim (NULL only on rows claimed before this migration).
--   attempt:     1 on a fresh claim, +1 on every takeover; > 1 tells the action that an earlier attempt may have
--                committed, so it looks for its resource first (place_order's 'resume', create_hold's check).
-- (No volatile default: adding the columns must not rewrite the table.)
ALTER TABLE idempotency_keys
    ADD COLUMN resource_id uuid,
    ADD COLUMN attempt integer NOT NULL DEFAULT 1;

-- The functions that use the columns (place_order's 'resume', create_hold's EXISTS) are defined in
-- R__orders_functions.sql and R__inventory_functions.sql.
