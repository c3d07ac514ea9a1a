package io.ordo.inventory;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.InvalidRequest;
import io.ordo.common.PgErrors;
import io.ordo.common.ResourceNotFound;
import io.ordo.common.idempotency.Claim;
import io.ordo.security.Caller;
import io.smallrye.mutiny.Uni;

/** Counts, adjustments and stock queries. Reservations (orders, holds) live with their own features. */
@ApplicationScoped
public class StockService {
    private final StockRepository stock;
    private final BackorderAnnouncer backorders;

    public StockService(StockRepository stock, BackorderAnnouncer backorders) {
        this.stock = stock;
        this.backorders = backorders;
    }

    public Uni<StockLevelView> count(String sku, String location, SetStock request, Caller caller) {
        return stock.setOnHand(sku, location, request.onHand(), request.lowStockThreshold(), caller.subject())
                .onFailure(PgErrors::isForeignKeyViolation)
                .transform(e -> new ResourceNotFound("Location", location))
                .invoke(backorders::kick); // units it added may have gone to waiting backorders
    }

    /**
     * Adjusts under an idempotency claim: the movement gets the claim's id, and when an earlier attempt of this
     * request recorded it (its instance died before completing the key), the answer is that movement as it was
     * answered, and the stock is not adjusted a second time.
     */
    public Uni<StockLevelView> adjust(String sku, String location, AdjustStock request, Caller caller, Claim claim) {
        if (request.delta() == 0) {
            return Uni.createFrom().failure(new InvalidRequest("delta", "must not be 0"));
        }
        UUID id = claim.idOrRandom();
        Uni<Optional<StockLevelView>> earlier = claim.resumed() ? stock.adjustment(id)
                : Uni.createFrom().item(Optional.empty());
        return earlier.chain(found -> found.isPresent() ? Uni.createFrom().item(found)
                : stock.adjust(id, sku, location, request.delta(), request.reason().strip(), caller.subject()))
                .chain(done -> done.map(level -> Uni.createFrom().item(level))
                        .orElseGet(() -> explainRefusal(sku, location, request.delta())))
                .invoke(backorders::kick);
    }

    public Uni<StockView> bySku(String sku) {
        return stock.bySku(sku).map(levels -> {
            if (levels.isEmpty()) {
                throw new ResourceNotFound("Stock of SKU", sku);
            }
            return StockView.of(sku, levels);
        });
    }

    /** The conditional update changed nothing: say whether the row is missing or the level was refused. */
    private Uni<StockLevelView> explainRefusal(String sku, String location, int delta) {
        return stock.level(sku, location).chain(level -> {
            if (level.isPresent()) {
                StockRepository.Level current = level.get();
                return Uni.createFrom().failure(new StockLevelRefused(sku, location, current.onHand() + delta,
                        current.onHand(), current.reserved()));
            }
            return stock.locationExists(location).chain(exists -> Uni.createFrom().failure(exists
                    ? new ResourceNotFound("Stock of SKU " + sku + " at location", location)
                    : new ResourceNotFound("Location", location)));
        });
    }
}
