package io.ordo.inventory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** SKU policies over {@code set_sku_policy} and {@code sku_policy_json} (R__inventory_functions.sql). */
@ApplicationScoped
public class SkuPolicyRepository {
    private static final String SET = "SELECT set_sku_policy($1, $2, $3, $4, $5)";
    private static final String GET = "SELECT sku_policy_json($1)";

    private final Pool pool;

    public SkuPolicyRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<SkuPolicyView> set(String sku, SetSkuPolicy policy, String actor) {
        OffsetDateTime expectedAt = policy.expectedAt() == null ? null
                : OffsetDateTime.ofInstant(policy.expectedAt(), ZoneOffset.UTC);
        return pool.withTransaction(tx -> tx.preparedQuery(SET)
                .execute(Tuple.tuple(Arrays.asList(sku, policy.inventoryPolicy().name(), policy.limit(), expectedAt,
                        actor))))
                .map(rows -> view((JsonObject) rows.iterator().next().getJson(0)));
    }

    public Uni<SkuPolicyView> get(String sku) {
        return pool.preparedQuery(GET).execute(Tuple.of(sku))
                .map(rows -> view((JsonObject) rows.iterator().next().getJson(0)));
    }

    private static SkuPolicyView view(JsonObject json) {
        return new SkuPolicyView(json.getString("sku"), InventoryPolicy.valueOf(json.getString("inventoryPolicy")),
                json.getInteger("limit"), instant(json.getString("expectedAt")), json.getInteger("backordered"),
                json.getInteger("backorderable"), instant(json.getString("updatedAt")));
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
