-- Idempotency keys, v2 (issue 13 and issue 20 items 5 and 9). Tables and data only: no functions here.
--
-- scope: besides the token subject, a key belongs to the caller's role and channel ('channel:<code>', 'admin',
--   'fulfillment', 'admin+fulfillment'), so that two channel tokens that share a subject never see each other's
--   answers (a replay crossing channels gave channel B channel A's order). Rows claimed before this migration get
--   the scope their subject implies where it is known (inbound webhooks, AMQP intake); the others keep '' and are
--   simply not found by a retry after the upgrade (README, "Idempotency keys").
-- committed_attempt: written inside the transaction of a shipment, return request, return receipt or refund, so a
--   retry that takes over a crashed attempt's key learns whether that attempt's work committed (then it answers with
--   it instead of doing the work again). NULL: no attempt's work has committed.
ALTER TABLE idempotency_keys
    ADD COLUMN scope text NOT NULL DEFAULT '',
    ADD COLUMN committed_attempt integer;

UPDATE idempotency_keys SET scope = 'channel:' || substr(subject, length('inbound:') + 1) WHERE subject LIKE 'inbound:%';
UPDATE idempotency_keys SET scope = 'admin' WHERE subject LIKE 'amqp:%';

ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey,
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (subject, scope, key);

-- reserved_after: the stock row's reserved units right after an adjustment, so that an adjustment recovered after a
-- crash answers with exactly the level the first attempt answered (NULL on movements recorded before this migration
-- and on other kinds of movement).
ALTER TABLE stock_movements ADD COLUMN reserved_after integer;
