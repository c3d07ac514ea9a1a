-- Currency minor units have one source: the service (io.ordo.order.Money, from java.util.Currency), which validates
-- unitPrice decimals with them and hands them to place_order with each order; the order row keeps them, so every
-- JSON of the order (order_document, return_json) rounds money the way the service validated it. Before, SQL had a
-- list of its own (currency_digits) that could disagree with Java (CLF: 4 in Java, 2 in SQL).
-- The backfill gives the orders placed before this migration what java.util.Currency (JDK 17) says for their code:
-- 0, 3 or 4 for these codes, 2 for every other (also for codes Java does not know, which the service never accepted).
ALTER TABLE orders ADD COLUMN currency_digits integer;
UPDATE orders SET currency_digits = CASE
    WHEN currency IN ('ADP', 'BEF', 'BIF', 'BYB', 'BYR', 'CLP', 'DJF', 'ESP', 'GNF', 'GRD', 'ISK', 'ITL', 'JPY', 'KMF',
                      'KRW', 'LUF', 'MGF', 'PTE', 'PYG', 'ROL', 'RWF', 'TPE', 'TRL', 'UGX', 'UYI', 'VND', 'VUV', 'XAF',
                      'XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XFO', 'XFU', 'XOF', 'XPD', 'XPF', 'XPT', 'XSU',
                      'XTS', 'XUA', 'XXX') THEN 0
    WHEN currency IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND') THEN 3
    WHEN currency = 'CLF' THEN 4
    ELSE 2 END;
ALTER TABLE orders ALTER COLUMN currency_digits SET NOT NULL,
    ADD CONSTRAINT orders_currency_digits_range CHECK (currency_digits BETWEEN 0 AND 4);

-- Functions that nothing calls any more (every function is now defined in an R__*_functions.sql file):
--   append_order_event without a payload: the service passes order_json(order) to the seven-argument form;
--   new_order_json: place_order builds its document with order_document;
--   currency_digits: replaced by orders.currency_digits.
DROP FUNCTION IF EXISTS append_order_event(uuid, integer, text, text, jsonb, text);
DROP FUNCTION IF EXISTS new_order_json(jsonb, bigint, timestamptz, jsonb);
DROP FUNCTION IF EXISTS currency_digits(text);
