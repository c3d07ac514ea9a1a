-- Routing functions: the one routing decision (where each line's units are reserved, and why), applying it,
-- previewing it and rerouting an order (tables: V11 channel_routing, locations.country/latitude/longitude/active,
-- allocations.reason, orders.routing). Repeatable: Flyway re-applies this file whenever it changes, so each function
-- here is its one and only definition; a function whose signature changes or that goes away is dropped by a
-- versioned migration.
-- The decision chooses among stock rows that the caller has locked (intake, holds and reroute lock every stock row
-- of their SKUs in the global order first, see R__inventory_functions.sql); preview calls it without locks and
-- writes nothing. Rules apply in the order given, each ranking the candidate locations (lower key first); ties are
-- broken by priority, then code. The reason of an allocation is the first rule on which its location beat the next
-- candidate (the best location with stock that the line did not take first).

-- Great-circle distance in km between two points (haversine, mean Earth radius); NULL when either has no coordinates
-- (checked first: least() ignores a NULL, which made it half the Earth's circumference).
CREATE OR REPLACE FUNCTION great_circle_km(p_lat1 double precision, p_lon1 double precision,
                                           p_lat2 double precision, p_lon2 double precision)
    RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_lat1 IS NOT NULL AND p_lon1 IS NOT NULL AND p_lat2 IS NOT NULL AND p_lon2 IS NOT NULL
                THEN 2 * 6371.0088 * asin(least(1, sqrt(sin(radians(p_lat2 - p_lat1) / 2) ^ 2
                     + cos(radians(p_lat1)) * cos(radians(p_lat2)) * sin(radians(p_lon2 - p_lon1) / 2) ^ 2))) END;
$$;

-- One slot of the ranking key: the value of a candidate location under p_rule (NULL for no rule), lower first:
-- SAME_COUNTRY 0 in the shipping country, else 1; FEWEST_SHIPMENTS minus the number of the order's SKUs the location
-- can take in full (a location that takes the whole order ranks first); NEAREST the distance in km (0 for every
-- location when the order has no coordinates: skipped; +Infinity for a location without them); PRIORITY the priority;
-- MOST_AVAILABLE minus the units available.
CREATE OR REPLACE FUNCTION route_slot(p_rule text, p_same_country boolean, p_full integer, p_order_located boolean,
                                      p_km double precision, p_priority integer, p_available integer)
    RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_rule WHEN 'SAME_COUNTRY' THEN CASE WHEN p_same_country THEN 0 ELSE 1 END
                       WHEN 'FEWEST_SHIPMENTS' THEN -p_full
                       WHEN 'NEAREST' THEN CASE WHEN NOT p_order_located THEN 0
                                                ELSE coalesce(p_km, 'Infinity'::double precision) END
                       WHEN 'PRIORITY' THEN p_priority
                       WHEN 'MOST_AVAILABLE' THEN -p_available END::double precision;
$$;

-- The ranking key of a candidate location under p_rules (at most five): one slot per rule in their order (NULL
-- beyond the last), then the priority as tie-break.
-- LANGUAGE sql so that it is inlined into the ranking query: a plain expression, no call per candidate row. That
-- holds only while every argument is cheap (a column, a variable): PostgreSQL does not inline a function whose
-- argument used more than once is an expression of more than ten operators, and then plans it on every call (73 us
-- per candidate, measured); the queries below therefore compute the distance and the other facts in a subquery kept
-- apart with OFFSET 0 and pass its columns.
CREATE OR REPLACE FUNCTION route_key(p_rules text[], p_same_country boolean, p_full integer, p_order_located boolean,
                                     p_km double precision, p_priority integer, p_available integer)
    RETURNS double precision[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY[route_slot(p_rules[1], p_same_country, p_full, p_order_located, p_km, p_priority, p_available),
                 route_slot(p_rules[2], p_same_country, p_full, p_order_located, p_km, p_priority, p_available),
                 route_slot(p_rules[3], p_same_country, p_full, p_order_located, p_km, p_priority, p_available),
                 route_slot(p_rules[4], p_same_country, p_full, p_order_located, p_km, p_priority, p_available),
                 route_slot(p_rules[5], p_same_country, p_full, p_order_located, p_km, p_priority, p_available),
                 p_priority];
$$;

-- Why a location was taken before the next candidate: {rule, detail} for the first rule (of p_rules, then the
-- priority and code tie-breaks) on which their keys differ; {rule: ONLY_LOCATION} when no other candidate had stock.
-- skipped: NEAREST, when it came before the deciding rule and could not be applied (the order or the location has no
-- coordinates). The facts are the chosen location's (p_next_priority: the next candidate's).
CREATE OR REPLACE FUNCTION route_reason(p_rules text[], p_key double precision[], p_next_key double precision[],
                                        p_location text, p_next_location text, p_country text, p_full integer,
                                        p_skus integer, p_order_located boolean, p_km double precision,
                                        p_priority integer, p_next_priority integer, p_available integer)
    RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    i        integer := 1;
    v_rule   text;
    v_reason jsonb;
BEGIN
    IF p_next_location IS NULL THEN
        RETURN jsonb_build_object('rule', 'ONLY_LOCATION', 'detail', 'no other location had the units available');
    END IF;
    -- the key: one slot per rule of p_rules (NULL past the last, equal on both sides), the priority last
    WHILE i <= cardinality(p_key) AND p_key[i] IS NOT DISTINCT FROM p_next_key[i] LOOP
        i := i + 1;
    END LOOP;
    IF i > cardinality(p_key) THEN
        v_reason := jsonb_build_object('rule', 'CODE', 'detail', 'tie on every rule: ' || p_location || ' before '
                                                                  || p_next_location);
    ELSIF i = cardinality(p_key) THEN
        v_reason := jsonb_build_object('rule', 'PRIORITY', 'detail', 'tie broken by priority ' || p_priority
                                                                      || ' over ' || p_next_priority);
    ELSE
        v_rule := p_rules[i];
        v_reason := jsonb_build_object('rule', v_rule, 'detail', CASE v_rule
            WHEN 'SAME_COUNTRY' THEN p_country
            WHEN 'FEWEST_SHIPMENTS' THEN CASE WHEN p_full = p_skus THEN 'takes the whole order'
                                              ELSE 'takes ' || p_full || ' of ' || p_skus || ' SKUs in full' END
            WHEN 'NEAREST' THEN round(p_km::numeric) || ' km'
            WHEN 'PRIORITY' THEN 'priority ' || p_priority || ' over ' || p_next_priority
            WHEN 'MOST_AVAILABLE' THEN p_available || ' available' END);
    END IF;
    IF 'NEAREST' = ANY (p_rules[1:i - 1]) AND (NOT p_order_located OR p_km IS NULL) THEN
        v_reason := v_reason || jsonb_build_object('skipped', jsonb_build_array(jsonb_build_object(
            'rule', 'NEAREST', 'detail', CASE WHEN NOT p_order_located THEN 'the order has no coordinates'
                                              ELSE p_location || ' has no coordinates' END)));
    END IF;
    RETURN v_reason;
END
$$;

-- THE routing decision, for the lines of an order or a hold ([{sku, quantity}], line numbers from 1): where each
-- line's units would be reserved, among the stock rows at p_candidates (NULL: every location; see
-- channel_assortment), under p_rules (NULL: the default {PRIORITY}) and p_allow_split, for the shipping address
-- p_address ({country, latitude?, longitude?}, NULL for a hold). Changes nothing: allocations are
-- [{line, sku, location, quantity, reason}] in line, then rank order; missing [{line, sku, quantity, location}] the
-- units that could not be placed (NULL when none; location: the one location of a no-split decision, which they must
-- then come from). p_credit {"sku|location": units}: units that count as available although
-- reserved (a reroute's own reservations).
-- allowSplit false: one location takes the whole order, the best-ranked of those that can (a location that can take
-- every line in full ranks first); when none can, the best-ranked one takes what it has and the rest is missing.
-- The default rules take the first path below: the v1 order (priority, code), one index scan per line.
CREATE OR REPLACE FUNCTION route_lines(p_lines jsonb, p_candidates text[], p_rules text[], p_allow_split boolean,
                                       p_address jsonb, p_credit jsonb,
                                       OUT allocations jsonb, OUT missing jsonb)
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    line      record;
    src       record;
    remaining integer;
    taken     integer;
    v_taken   jsonb := coalesce(p_credit, '{}'::jsonb);
    v_allocs  jsonb[] := '{}';
    v_missing jsonb[] := '{}';
    v_country text := p_address ->> 'country';
    v_lat     double precision := (p_address ->> 'latitude')::double precision;
    v_lon     double precision := (p_address ->> 'longitude')::double precision;
    v_located boolean;
    v_wanted  jsonb;
    v_full    text[] := '{}';
    v_skus    integer;
    v_only    text;
    v_only_reason jsonb;
    v_track   boolean;
    v_single  boolean;
BEGIN
    v_located := v_lat IS NOT NULL AND v_lon IS NOT NULL;
    IF jsonb_array_length(p_lines) > 1 THEN
        SELECT count(DISTINCT l ->> 'sku') INTO v_skus FROM jsonb_array_elements(p_lines) l;
    ELSE
        v_skus := jsonb_array_length(p_lines);
    END IF;
    -- units taken by earlier lines count only when a SKU comes again (or credits were given): else no bookkeeping
    v_track := p_credit IS NOT NULL OR v_skus < jsonb_array_length(p_lines);
    IF (p_rules IS NULL OR p_rules = '{}' OR p_rules = '{PRIORITY}') AND p_allow_split THEN
        FOR line IN SELECT coalesce((l ->> 'line')::int, ord::int) AS line_no, l ->> 'sku' AS sku,
                           (l ->> 'quantity')::int AS quantity
                      FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(l, ord) ORDER BY ord LOOP
            remaining := line.quantity;
            CONTINUE WHEN remaining <= 0;
            FOR src IN SELECT x.location, x.available, x.priority,
                              lead(x.location) OVER w AS next_location, lead(x.priority) OVER w AS next_priority
                         FROM (SELECT s.location, loc.priority,
                                      s.on_hand - s.reserved
                                      + coalesce((v_taken ->> (s.sku || '|' || s.location))::int, 0) AS available
                                 FROM stock s JOIN locations loc ON loc.code = s.location
                                WHERE s.sku = line.sku
                                  AND (p_candidates IS NULL OR s.location = ANY (p_candidates))) x
                        WHERE x.available > 0
                       WINDOW w AS (ORDER BY x.priority, x.location) ORDER BY x.priority, x.location LOOP
                taken := least(remaining, src.available);
                v_allocs := v_allocs || jsonb_build_object('line', line.line_no, 'sku', line.sku,
                    'location', src.location, 'quantity', taken, 'reason',
                    CASE WHEN src.next_location IS NULL
                         THEN jsonb_build_object('rule', 'ONLY_LOCATION',
                                                 'detail', 'no other location had the units available')
                         WHEN src.next_priority > src.priority
                         THEN jsonb_build_object('rule', 'PRIORITY',
                                                 'detail', 'priority ' || src.priority || ' over ' || src.next_priority)
                         ELSE jsonb_build_object('rule', 'CODE', 'detail', 'tie on every rule: ' || src.location
                                                                            || ' before ' || src.next_location) END);
                IF v_track THEN
                    v_taken := jsonb_set(v_taken, ARRAY[line.sku || '|' || src.location],
                                         to_jsonb(coalesce((v_taken ->> (line.sku || '|' || src.location))::int, 0) - taken));
                END IF;
                remaining := remaining - taken;
                EXIT WHEN remaining = 0;
            END LOOP;
            IF remaining > 0 THEN
                v_missing := v_missing || jsonb_build_object('line', line.line_no, 'sku', line.sku, 'quantity', remaining);
            END IF;
        END LOOP;
        allocations := to_jsonb(v_allocs);
        missing := CASE WHEN cardinality(v_missing) > 0 THEN to_jsonb(v_missing) END;
        RETURN;
    END IF;

    p_rules := coalesce(nullif(p_rules, '{}'), '{PRIORITY}');
    -- (stock is read per SKU, LATERAL ... OFFSET 0, so that each is an index lookup: a join with the lines' JSON is
    -- planned for 100 rows as a hash join over a sequential scan of stock)
    -- per location, how many of the order's SKUs it can take in full (FEWEST_SHIPMENTS, and allowSplit false):
    -- v_full holds a location once per SKU it can take in full (an aggregate without GROUP BY: a hash aggregate's
    -- set-up alone cost ~100 us per order). A one-line order, the common case, needs no query for it: its line's own
    -- row says whether it takes it all.
    v_single := jsonb_array_length(p_lines) = 1 AND p_allow_split;
    IF ('FEWEST_SHIPMENTS' = ANY (p_rules) AND NOT v_single) OR NOT p_allow_split THEN
        -- what the order wants of each SKU ([{sku, quantity}]): its lines, summed per SKU when one repeats
        IF v_skus < jsonb_array_length(p_lines) THEN
            SELECT jsonb_agg(jsonb_build_object('sku', w.sku, 'quantity', w.quantity)) INTO v_wanted
              FROM (SELECT l ->> 'sku' AS sku, sum((l ->> 'quantity')::int) AS quantity
                      FROM jsonb_array_elements(p_lines) l GROUP BY 1) w;
        ELSE
            v_wanted := p_lines;
        END IF;
        SELECT coalesce(array_agg(s.location), '{}') INTO v_full
          FROM jsonb_array_elements(v_wanted) w
          CROSS JOIN LATERAL (SELECT * FROM stock s WHERE s.sku = w ->> 'sku' OFFSET 0) s
         WHERE (p_candidates IS NULL OR s.location = ANY (p_candidates))
           AND s.on_hand - s.reserved + coalesce((v_taken ->> (s.sku || '|' || s.location))::int, 0)
               >= (w ->> 'quantity')::int;
    END IF;
    IF NOT p_allow_split THEN
        -- the one location: one that takes every SKU in full first (reason FEWEST_SHIPMENTS, 'takes the whole
        -- order'), then the rules, over the units it has of the order's SKUs
        SELECT r.location, route_reason('{FEWEST_SHIPMENTS}' || p_rules, r.key, r.next_key, r.location, r.next_location,
                                        v_country, r.full_skus, v_skus, v_located, r.km, r.priority, r.next_priority,
                                        r.available)
          INTO v_only, v_only_reason
          FROM (SELECT k.*, lead(k.key) OVER w AS next_key, lead(k.location) OVER w AS next_location,
                       lead(k.priority) OVER w AS next_priority
                  FROM (SELECT c.*, ARRAY[CASE WHEN c.full_skus = v_skus THEN 0 ELSE 1 END]::double precision[]
                                    || route_key(p_rules, c.same_country, c.full_skus, v_located, c.km,
                                                 c.priority, c.available) AS key
                          FROM (SELECT s.location, loc.priority, loc.country, loc.country = v_country AS same_country,
                                       cardinality(array_positions(v_full, s.location)) AS full_skus,
                                       great_circle_km(v_lat, v_lon, loc.latitude, loc.longitude) AS km,
                                       sum(least(s.on_hand - s.reserved
                                                 + coalesce((v_taken ->> (s.sku || '|' || s.location))::int, 0),
                                                 w.requested))::int AS available
                                  FROM (SELECT x ->> 'sku' AS sku, (x ->> 'quantity')::int AS requested
                                          FROM jsonb_array_elements(v_wanted) x) w
                                  CROSS JOIN LATERAL (SELECT * FROM stock s WHERE s.sku = w.sku OFFSET 0) s
                                  JOIN locations loc ON loc.code = s.location
                                 WHERE (p_candidates IS NULL OR s.location = ANY (p_candidates))
                                   AND s.on_hand - s.reserved
                                       + coalesce((v_taken ->> (s.sku || '|' || s.location))::int, 0) > 0
                                 GROUP BY s.location, loc.priority, loc.country, loc.latitude, loc.longitude) c) k
                WINDOW w AS (ORDER BY k.key, k.location)) r
         ORDER BY r.key, r.location
         LIMIT 1;
        p_candidates := ARRAY[v_only];  -- {NULL} when no location has any of the units: everything is missing
    END IF;

    FOR line IN SELECT coalesce((l ->> 'line')::int, ord::int) AS line_no, l ->> 'sku' AS sku,
                       (l ->> 'quantity')::int AS quantity
                  FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(l, ord) ORDER BY ord LOOP
        remaining := line.quantity;
        CONTINUE WHEN remaining <= 0;
        FOR src IN SELECT y.*, lead(y.key) OVER w AS next_key, lead(y.location) OVER w AS next_location,
                          lead(y.priority) OVER w AS next_priority
                     FROM (SELECT x.*, route_key(p_rules, x.same_country, x.full_skus, v_located, x.km,
                                                 x.priority, x.available) AS key
                             FROM (SELECT s.location, loc.priority, loc.country, loc.country = v_country AS same_country,
                                          CASE WHEN v_single THEN (s.on_hand - s.reserved >= line.quantity)::int
                                               ELSE cardinality(array_positions(v_full, s.location)) END AS full_skus,
                                          great_circle_km(v_lat, v_lon, loc.latitude, loc.longitude) AS km,
                                          s.on_hand - s.reserved
                                          + coalesce((v_taken ->> (s.sku || '|' || s.location))::int, 0) AS available
                                     FROM stock s JOIN locations loc ON loc.code = s.location
                                    WHERE s.sku = line.sku
                                      AND (p_candidates IS NULL OR s.location = ANY (p_candidates))
                                      AND (p_allow_split OR v_only IS NOT NULL)
                                   OFFSET 0) x  -- (kept apart: route_key's arguments stay columns, see route_key)
                            WHERE x.available > 0) y
                   WINDOW w AS (ORDER BY y.key, y.location) ORDER BY y.key, y.location LOOP
            taken := least(remaining, src.available);
            v_allocs := v_allocs || jsonb_build_object('line', line.line_no, 'sku', line.sku,
                'location', src.location, 'quantity', taken, 'reason', CASE WHEN NOT p_allow_split THEN v_only_reason ELSE
                route_reason(p_rules, src.key, src.next_key, src.location, src.next_location, v_country,
                             src.full_skus, v_skus, v_located, src.km, src.priority, src.next_priority,
                             src.available) END);
            IF v_track THEN
                v_taken := jsonb_set(v_taken, ARRAY[line.sku || '|' || src.location],
                                     to_jsonb(coalesce((v_taken ->> (line.sku || '|' || src.location))::int, 0) - taken));
            END IF;
            remaining := remaining - taken;
            EXIT WHEN remaining = 0;
        END LOOP;
        IF remaining > 0 THEN
            v_missing := v_missing || jsonb_build_object('line', line.line_no, 'sku', line.sku, 'quantity', remaining,
                                                         'location', v_only);
        END IF;
    END LOOP;
    allocations := to_jsonb(v_allocs);
    missing := CASE WHEN cardinality(v_missing) > 0 THEN to_jsonb(v_missing) END;
END
$$;

-- The shortages of a decision that left units missing, per SKU as the 409 shows them: [{sku, requested, available}]
-- (available: the units the decision could place, over the candidate locations).
CREATE OR REPLACE FUNCTION routed_shortages(p_lines jsonb, p_missing jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (SELECT jsonb_agg(jsonb_build_object('sku', w.sku, 'requested', w.requested,
                                                'available', w.requested - m.missing) ORDER BY w.sku)
              FROM (SELECT l ->> 'sku' AS sku, sum((l ->> 'quantity')::int)::int AS requested
                      FROM jsonb_array_elements(p_lines) l GROUP BY 1) w
              JOIN (SELECT x ->> 'sku' AS sku, sum((x ->> 'quantity')::int)::int AS missing
                      FROM jsonb_array_elements(p_missing) x GROUP BY 1) m ON m.sku = w.sku);
END
$$;

-- Reserves a decision's allocations for an owner (an order or a hold), under the caller's stock locks: each stock
-- row's reserved, and one allocation row per (line, location) with its reason. p_fresh: the owner has no allocation
-- rows yet (intake, a new hold), a plain insert; otherwise (reroute, a served backorder) a row of the same line and
-- location that exists already grows by the units, counting from what it still holds (a released row: from its
-- shipped units). One element at a time, each statement by its key: a set-based UPDATE ... FROM the JSON is planned
-- for 100 rows as a hash join over a sequential scan of stock (9x slower intake on a hot SKU, measured).
CREATE OR REPLACE FUNCTION reserve_allocations(p_owner uuid, p_kind text, p_allocations jsonb, p_fresh boolean)
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_row record;
BEGIN
    FOR v_row IN SELECT j.line, j.sku, j.location, j.quantity, j.reason
                   FROM jsonb_to_recordset(p_allocations)
                        AS j(line integer, sku text, location text, quantity integer, reason jsonb) LOOP
        UPDATE stock SET reserved = reserved + v_row.quantity, updated_at = now(), availability_changed = true
         WHERE sku = v_row.sku AND location = v_row.location;
        IF p_fresh THEN
            INSERT INTO allocations (owner_id, owner_kind, line_no, sku, location, quantity, reason)
            VALUES (p_owner, p_kind, v_row.line, v_row.sku, v_row.location, v_row.quantity, v_row.reason);
        ELSE
            INSERT INTO allocations AS a (owner_id, owner_kind, line_no, sku, location, quantity, reason)
            VALUES (p_owner, p_kind, v_row.line, v_row.sku, v_row.location, v_row.quantity, v_row.reason)
            ON CONFLICT (owner_id, line_no, location) DO UPDATE
               SET quantity = CASE WHEN a.released_at IS NULL THEN a.quantity ELSE a.shipped END + excluded.quantity,
                   released_at = NULL, reason = excluded.reason;
        END IF;
    END LOOP;
END
$$;

-- Puts a decision's missing units in their SKUs' queues for an owner (an order or a hold) of p_channel, under the
-- caller's policy locks: a new line joins the end of its queue; a line that already waits (a reroute) keeps its place
-- and waits for more. p_excluded: locations the line must not be served from (a reroute's; NULL at intake); a
-- missing element's location: the one it must be served from (no split).
CREATE OR REPLACE FUNCTION backorder_missing(p_owner uuid, p_kind text, p_channel text, p_missing jsonb,
                                             p_excluded text[]) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    v_row record;
BEGIN
    INSERT INTO backorders AS b (owner_id, owner_kind, line_no, sku, channel, quantity, excluded_locations, location)
    SELECT p_owner, p_kind, x.line, x.sku, p_channel, x.quantity, p_excluded, x.location
      FROM jsonb_to_recordset(p_missing) AS x(line integer, sku text, quantity integer, location text)
    ON CONFLICT (owner_id, line_no) DO UPDATE
       SET quantity = b.quantity + excluded.quantity, location = excluded.location,
           excluded_locations = ARRAY(SELECT DISTINCT unnest(coalesce(b.excluded_locations, '{}')
                                                             || coalesce(excluded.excluded_locations, '{}')));
    FOR v_row IN SELECT j.sku, j.quantity FROM jsonb_to_recordset(p_missing) AS j(sku text, quantity integer) LOOP
        UPDATE sku_policies SET backordered = backordered + v_row.quantity, availability_changed = true
         WHERE sku = v_row.sku;
    END LOOP;
END
$$;

-- A channel's routing as its order records it: {rules, allowSplit}, NULL for the default (no channel_routing row).
CREATE OR REPLACE FUNCTION channel_routing_json(p_channel text) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_build_object('rules', to_jsonb(rules), 'allowSplit', allow_split)
              FROM channel_routing WHERE channel = p_channel);
END
$$;

-- The `routing` of an order document: the rules it was routed with (NULL: the default) and when that was decided
-- (p_decided: the order's creation, unless a reroute recorded decidedAt). LANGUAGE sql and STABLE like to_char, so
-- that it is inlined where it is called (an IMMUTABLE one is not: it measured 13 us per order on the intake path).
CREATE OR REPLACE FUNCTION order_routing_json(p_routing jsonb, p_decided timestamptz) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('rules', coalesce(p_routing -> 'rules', '["PRIORITY"]'::jsonb),
                              'allowSplit', coalesce((p_routing ->> 'allowSplit')::boolean, true),
                              'decidedAt', coalesce(p_routing ->> 'decidedAt',
                                                    to_char(p_decided AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')));
$$;

-- POST /v1/routing/preview: what this order (JSON as built by io.ordo.order.NewOrder) would get now under its
-- channel's rules, or under p_rules/p_allow_split when given (trying a rule before switching it on). Takes no lock
-- and writes nothing: the same decision intake takes (route_lines over channel_assortment), read from the latest
-- committed stock. Answers {outcome: UNKNOWN_CHANNEL} or {outcome: ACCEPTED | SHORTAGE, routing, lines: [{sku,
-- quantity, allocations: [{location, quantity, reason}], backordered}], shortages?}; ACCEPTED when the missing units
-- (backordered) may be promised under the SKUs' policies, SHORTAGE (with the 409's shortages) when intake would
-- refuse the order.
CREATE OR REPLACE FUNCTION preview_routing(o jsonb, p_rules text[], p_allow_split boolean) RETURNS jsonb
    LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$  -- see place_orders
DECLARE
    v_routing jsonb;
    v_plan    record;
    v_short   jsonb;
    v_promisable text[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM channels WHERE code = o ->> 'channel') THEN
        RETURN jsonb_build_object('outcome', 'UNKNOWN_CHANNEL');
    END IF;
    v_routing := CASE WHEN p_rules IS NOT NULL
                      THEN jsonb_build_object('rules', to_jsonb(p_rules), 'allowSplit', coalesce(p_allow_split, true))
                      ELSE channel_routing_json(o ->> 'channel') END;
    SELECT * INTO v_plan
      FROM route_lines(o -> 'lines', channel_assortment(o ->> 'channel'),
                       ARRAY(SELECT jsonb_array_elements_text(v_routing -> 'rules')),
                       coalesce((v_routing ->> 'allowSplit')::boolean, true), o -> 'shippingAddress', NULL);
    IF v_plan.missing IS NOT NULL THEN
        v_promisable := ARRAY(SELECT sku FROM sku_policies WHERE inventory_policy <> 'DENY'
                                 AND sku IN (SELECT x ->> 'sku' FROM jsonb_array_elements(v_plan.missing) x));
        v_short := unpromisable_shortages(routed_shortages(o -> 'lines', v_plan.missing), v_promisable);
    END IF;
    RETURN jsonb_build_object(
        'outcome', CASE WHEN v_short IS NULL THEN 'ACCEPTED' ELSE 'SHORTAGE' END,
        'routing', order_routing_json(v_routing, now()),
        'lines', (SELECT jsonb_agg(jsonb_build_object(
                      'sku', l ->> 'sku', 'quantity', (l ->> 'quantity')::int,
                      'allocations', (SELECT coalesce(jsonb_agg(jsonb_build_object('location', a ->> 'location',
                                          'quantity', (a ->> 'quantity')::int, 'reason', a -> 'reason') ORDER BY a_ord), '[]')
                                        FROM jsonb_array_elements(v_plan.allocations) WITH ORDINALITY AS y(a, a_ord)
                                       WHERE (a ->> 'line')::int = ord),
                      'backordered', coalesce((SELECT sum((m ->> 'quantity')::int)::int
                                                 FROM jsonb_array_elements(coalesce(v_plan.missing, '[]')) m
                                                WHERE (m ->> 'line')::int = ord), 0)) ORDER BY ord)
                    FROM jsonb_array_elements(o -> 'lines') WITH ORDINALITY AS t(l, ord)))
        || CASE WHEN v_short IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('shortages', v_short) END;
END
$$;

-- POST /v1/orders/{id}/reroute: moves the order's unshipped reservations under its channel's current rules, away from
-- p_exclude, in the caller's transaction, which holds the order's row lock (OrderRepository.lockForChange) and
-- records the order.rerouted event afterwards. Locks the policy rows, then every stock row of the order's SKUs (the
-- global lock order), decides again over the order's unshipped units as if its own reservations were free, and only
-- then changes anything: units the new decision cannot place are backordered when the SKU's policy promises them,
-- else nothing changes and the answer is {outcome: SHORTAGE, shortages}. Units freed where the order no longer
-- reserves go to waiting backorders first. Answers {outcome: REROUTED, moved: [{sku, from: [{location, quantity}],
-- to: [{location, quantity}]}], backordered} (moved: only the lines whose locations changed).
CREATE OR REPLACE FUNCTION reroute_order(p_order uuid, p_exclude text[]) RETURNS jsonb LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan AS $$  -- see place_orders
DECLARE
    v_order      orders%ROWTYPE;
    v_lines      jsonb;
    v_credit     jsonb;
    v_skus       text[];
    v_promisable text[];
    v_waiting    text[];
    v_candidates text[];
    v_routing    jsonb;
    v_plan       record;
    v_short      jsonb;
    v_before     jsonb;
    v_after      jsonb;
    v_backorder  integer := 0;
    v_row        record;
BEGIN
    SELECT * INTO v_order FROM orders WHERE id = p_order;
    -- the units to place again, per line: what each line still has reserved and not shipped
    SELECT jsonb_agg(jsonb_build_object('line', line_no, 'sku', sku, 'quantity', units) ORDER BY line_no),
           array_agg(DISTINCT sku)
      INTO v_lines, v_skus
      FROM (SELECT line_no, sku, sum(quantity - shipped)::int AS units FROM allocations
             WHERE owner_id = p_order AND released_at IS NULL GROUP BY line_no, sku HAVING sum(quantity - shipped) > 0) u;
    IF v_lines IS NULL THEN
        RETURN jsonb_build_object('outcome', 'REROUTED', 'moved', '[]'::jsonb, 'backordered', 0);
    END IF;
    v_promisable := lock_sku_policies(v_skus);
    v_waiting := ARRAY(SELECT sku FROM sku_policies WHERE sku = ANY (v_skus) AND backordered > 0);
    PERFORM lock_stock(v_skus);

    SELECT jsonb_object_agg(sku || '|' || location, units) INTO v_credit
      FROM (SELECT sku, location, sum(quantity - shipped)::int AS units FROM allocations
             WHERE owner_id = p_order AND released_at IS NULL AND quantity > shipped GROUP BY 1, 2) c;
    v_candidates := channel_assortment(v_order.channel);
    IF cardinality(p_exclude) > 0 THEN
        v_candidates := ARRAY(SELECT code FROM locations
                               WHERE (v_candidates IS NULL AND active OR code = ANY (v_candidates))
                                 AND code <> ALL (p_exclude) ORDER BY code);
    END IF;
    v_routing := channel_routing_json(v_order.channel);
    -- the decision over the units to place again ([{line, sku, quantity}], the order's line numbers kept)
    SELECT * INTO v_plan
      FROM route_lines(v_lines, v_candidates, ARRAY(SELECT jsonb_array_elements_text(v_routing -> 'rules')),
                       coalesce((v_routing ->> 'allowSplit')::boolean, true), v_order.shipping_address, v_credit);
    IF v_plan.missing IS NOT NULL THEN
        v_short := unpromisable_shortages(routed_shortages(v_lines, v_plan.missing), v_promisable);
        IF v_short IS NOT NULL THEN
            RETURN jsonb_build_object('outcome', 'SHORTAGE', 'shortages', v_short);
        END IF;
    END IF;

    SELECT jsonb_object_agg(sku, locs) INTO v_before
      FROM (SELECT sku, jsonb_agg(jsonb_build_object('location', location, 'quantity', units) ORDER BY location) AS locs
              FROM (SELECT sku, location, sum(quantity - shipped)::int AS units FROM allocations
                     WHERE owner_id = p_order AND released_at IS NULL AND quantity > shipped GROUP BY 1, 2) b
             GROUP BY sku) g;
    -- give back what the order holds unshipped, then reserve the new decision
    FOR v_row IN SELECT sku, location, sum(quantity - shipped)::int AS units FROM allocations
                  WHERE owner_id = p_order AND released_at IS NULL AND quantity > shipped GROUP BY 1, 2 LOOP
        UPDATE stock SET reserved = reserved - v_row.units, updated_at = now(), availability_changed = true
         WHERE sku = v_row.sku AND location = v_row.location;
    END LOOP;
    UPDATE allocations SET released_at = now() WHERE owner_id = p_order AND released_at IS NULL AND shipped = 0;
    UPDATE allocations SET quantity = shipped WHERE owner_id = p_order AND released_at IS NULL AND quantity > shipped;
    PERFORM reserve_allocations(p_order, 'ORDER', v_plan.allocations, false);
    -- the order's lines that were waiting already must not be served from where it left either
    IF cardinality(p_exclude) > 0 THEN
        UPDATE backorders SET excluded_locations = ARRAY(SELECT DISTINCT unnest(coalesce(excluded_locations, '{}')
                                                                                || p_exclude)),
                              location = CASE WHEN location = ANY (p_exclude) THEN NULL ELSE location END
         WHERE owner_id = p_order;
    END IF;
    -- the units freed at the locations the order left serve the waiting backorders of their SKUs first; then the
    -- units the order could not place join their queues
    IF cardinality(v_waiting) > 0 THEN
        PERFORM serve_backorders(v_waiting);
    END IF;
    IF v_plan.missing IS NOT NULL THEN
        PERFORM backorder_missing(p_order, 'ORDER', v_order.channel, v_plan.missing, nullif(p_exclude, '{}'));
        v_backorder := (SELECT sum((x ->> 'quantity')::int) FROM jsonb_array_elements(v_plan.missing) x);
        UPDATE order_lines ol SET expected_at = p.expected_at
          FROM backorders b JOIN sku_policies p ON p.sku = b.sku AND p.inventory_policy = 'PREORDER'
         WHERE b.owner_id = p_order AND ol.order_id = p_order AND ol.line_no = b.line_no;
    END IF;
    SELECT jsonb_object_agg(sku, locs) INTO v_after
      FROM (SELECT sku, jsonb_agg(jsonb_build_object('location', location, 'quantity', units) ORDER BY location) AS locs
              FROM (SELECT sku, location, sum(quantity - shipped)::int AS units FROM allocations
                     WHERE owner_id = p_order AND released_at IS NULL AND quantity > shipped GROUP BY 1, 2) a
             GROUP BY sku) g;
    UPDATE orders SET routing = coalesce(v_routing, '{}'::jsonb) || jsonb_build_object('decidedAt', utc_text(now()))
     WHERE id = p_order;
    PERFORM note_stock_levels(v_skus, NULL, true);
    RETURN jsonb_build_object('outcome', 'REROUTED', 'backordered', v_backorder, 'moved',
        (SELECT coalesce(jsonb_agg(jsonb_build_object('sku', k, 'from', coalesce(v_before -> k, '[]'),
                                                      'to', coalesce(v_after -> k, '[]')) ORDER BY k), '[]')
           FROM unnest(v_skus) AS k
          WHERE coalesce(v_before -> k, '[]') IS DISTINCT FROM coalesce(v_after -> k, '[]')));
END
$$;
