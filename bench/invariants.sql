-- Stock and order invariants after a benchmark. Prints one PASS / FAIL / SKIP line per check (and up to 5
-- offending rows after a FAIL). Run it with bench/check-invariants.sh, or directly:
--   psql -h 127.0.0.1 -U postgres -d ordo -qAtX -f bench/invariants.sql
-- Names can be overridden with psql variables (check-invariants.sh detects them):
--   -v alloc_table=allocations -v alloc_qty=quantity -v alloc_sku=sku -v alloc_loc=location
--   -v alloc_open='released_at IS NULL'     (raw SQL predicate for an open allocation)
--   -v alloc_shipped=shipped                (units of an allocation already shipped; 0 when the column is absent)
--   -v orders_table=orders -v orders_channel=channel -v orders_ext=external_id
-- Everything runs in one REPEATABLE READ snapshot, so it is consistent even while the service takes writes
-- (as long as the service changes stock.reserved and allocations in the same transaction).
\set ON_ERROR_STOP 1
\pset footer off
\if :{?alloc_table}  \else \set alloc_table allocations \endif
\if :{?alloc_qty}    \else \set alloc_qty quantity \endif
\if :{?alloc_sku}    \else \set alloc_sku sku \endif
\if :{?alloc_loc}    \else \set alloc_loc location \endif
\if :{?alloc_open}   \else \set alloc_open 'released_at IS NULL' \endif
\if :{?alloc_shipped} \set alloc_shipped_expr :"alloc_shipped" \else \set alloc_shipped_expr 0 \endif
\if :{?orders_table} \else \set orders_table orders \endif
\if :{?orders_channel} \else \set orders_channel channel \endif
\if :{?orders_ext}   \else \set orders_ext external_id \endif

BEGIN ISOLATION LEVEL REPEATABLE READ;  -- not READ ONLY: the temporary views below; rolled back at the end

SELECT to_regclass('stock') IS NOT NULL AS has_stock,
       to_regclass(:'alloc_table') IS NOT NULL AS has_alloc,
       to_regclass(:'orders_table') IS NOT NULL AS has_orders \gset

-- (a) 0 <= reserved <= on_hand on every stock row ------------------------------------------------------
\if :has_stock
SELECT count(*) AS bad_a, count(*) > 0 AS any_a FROM stock WHERE NOT (reserved >= 0 AND reserved <= on_hand) \gset
SELECT CASE WHEN :bad_a = 0 THEN 'PASS' ELSE 'FAIL' END
       || ' (a) 0 <= reserved <= on_hand: ' || count(*) || ' stock rows, ' || :bad_a || ' violations'
  FROM stock;
\if :any_a
SELECT '    ' || sku || ' @ ' || location || ': on_hand ' || on_hand || ', reserved ' || reserved
  FROM stock WHERE NOT (reserved >= 0 AND reserved <= on_hand) ORDER BY sku, location LIMIT 5;
\endif
\else
SELECT 'FAIL (a) table stock not found';
\endif

-- (b) reserved = sum of open allocations (units not yet shipped), per (sku, location) ----------------------
\if :has_alloc
\if :{?alloc_shipped} \else
SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = :'alloc_table' AND column_name = 'shipped')
       AS alloc_has_shipped \gset
\if :alloc_has_shipped \set alloc_shipped_expr shipped \endif
\endif
CREATE TEMP VIEW open_alloc AS
  SELECT :"alloc_sku" AS sku, :"alloc_loc" AS location, sum(:"alloc_qty" - :alloc_shipped_expr)::bigint AS qty, count(*) AS n
    FROM :"alloc_table" WHERE :alloc_open GROUP BY 1, 2;
CREATE TEMP VIEW reserved_mismatch AS
  SELECT coalesce(s.sku, a.sku) AS sku, coalesce(s.location, a.location) AS location,
         s.reserved, coalesce(a.qty, 0) AS open_qty, coalesce(a.n, 0) AS open_rows, s.sku IS NULL AS no_stock_row
    FROM stock s FULL JOIN open_alloc a ON a.sku = s.sku AND a.location = s.location
   WHERE coalesce(s.reserved, -1) <> coalesce(a.qty, 0);
SELECT count(*) AS bad_b, count(*) > 0 AS any_b FROM reserved_mismatch \gset
SELECT CASE WHEN :bad_b = 0 THEN 'PASS' ELSE 'FAIL' END
       || ' (b) stock.reserved = sum of open ' || :'alloc_table' || '.' || :'alloc_qty' || ' - ' || :'alloc_shipped_expr'
       || ' (' || :'alloc_open'
       || '): ' || :bad_b || ' mismatching (sku, location); totals reserved '
       || (SELECT coalesce(sum(reserved), 0) FROM stock) || ', open allocations '
       || (SELECT coalesce(sum(qty), 0) FROM open_alloc) || ' in ' || (SELECT coalesce(sum(n), 0) FROM open_alloc) || ' rows';
\if :any_b
SELECT '    ' || sku || ' @ ' || location || ': reserved ' || coalesce(reserved::text, '(no stock row)')
       || ', open allocations ' || open_qty || ' in ' || open_rows || ' rows'
  FROM reserved_mismatch ORDER BY sku, location LIMIT 5;
\endif
\elif :has_orders
SELECT CASE WHEN (SELECT count(*) FROM :"orders_table") = 0 AND (SELECT coalesce(sum(reserved), 0) FROM stock) = 0
            THEN 'SKIP (b) no table ' || :'alloc_table' || ' (and no orders, nothing reserved)'
            ELSE 'FAIL (b) no table ' || :'alloc_table' || ' to check reservations against (set ALLOC_TABLE)' END;
\else
SELECT 'SKIP (b) no table ' || :'alloc_table' || ' (orders not deployed yet?)';
\endif

-- (c) no two orders share (channel, external_id) --------------------------------------------------------
\if :has_orders
CREATE TEMP VIEW dup_orders AS
  SELECT :"orders_channel"::text AS channel, :"orders_ext"::text AS external_id, count(*) AS n
    FROM :"orders_table" GROUP BY 1, 2 HAVING count(*) > 1;
SELECT count(*) AS bad_c, count(*) > 0 AS any_c FROM dup_orders \gset
SELECT CASE WHEN :bad_c = 0 THEN 'PASS' ELSE 'FAIL' END
       || ' (c) unique (' || :'orders_channel' || ', ' || :'orders_ext' || '): '
       || (SELECT count(*) FROM :"orders_table") || ' orders, ' || :bad_c || ' duplicated pairs';
\if :any_c
SELECT '    ' || channel || ' / ' || external_id || ': ' || n || ' orders' FROM dup_orders ORDER BY n DESC LIMIT 5;
\endif
\else
SELECT 'SKIP (c) no table ' || :'orders_table' || ' (orders not deployed yet?)';
\endif

ROLLBACK;
