package io.ordo.order;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.ordo.common.InvalidRequest;
import io.ordo.common.OrdoException;
import io.ordo.common.idempotency.Claim;
import io.ordo.inventory.HoldNotUsable;
import io.ordo.inventory.InsufficientStock;
import io.ordo.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * The one service every intake path calls (REST, batch, AMQP, signed inbound webhooks): it settles the channel,
 * checks what Bean Validation cannot (currency minor units, line and order totals that the money columns can store),
 * and places the order with its stock reserved in the same transaction.
 */
@ApplicationScoped
public class OrderIntake {
    private static final Logger LOG = Logger.getLogger(OrderIntake.class);
    private final IntakeBatcher batcher;
    private final OrderRepository orders;

    public OrderIntake(IntakeBatcher batcher, OrderRepository orders) {
        this.batcher = batcher;
        this.orders = orders;
    }

    /**
     * Places one validated order under an idempotency claim ({@link Claim#none()} without a key); fails with the
     * domain refusal (shortage, duplicate, hold...) otherwise. The order gets the claim's resource id. When
     * the claim was taken over from an attempt that died, and that attempt's order (same id) committed, the answer
     * is that order as it is now, read back, instead of a duplicate-order refusal.
     */
    public Uni<OrderDocument> place(PlaceOrder request, Caller caller, Claim claim) {
        NewOrder order;
        try {
            order = prepare(request, caller, claim);
        } catch (RuntimeException refused) {
            return Uni.createFrom().failure(refused);
        }
        return batcher.place(order).chain(outcome -> isEarlierAttempts(order, outcome) ? readBack(order)
                : Uni.createFrom().item(toDocument(order, outcome)));
    }

    /**
     * Whether the database found this very order (its id) already placed: only a retry under an idempotency claim
     * taken over from an attempt that died after its commit gets there (place_order's 'resume').
     */
    private static boolean isEarlierAttempts(NewOrder order, Placement outcome) {
        return outcome instanceof Placement.Duplicate duplicate && order.id().equals(duplicate.existingOrderId());
    }

    private Uni<OrderDocument> readBack(NewOrder order) {
        return orders.findDocument(order.id()).map(found -> found.orElseThrow(
                () -> new IllegalStateException("order " + order.id() + " reported existing but not found")));
    }

    /**
     * Places already validated orders in one database call. Each element is the {@link OrderDocument} or the refusal of that order;
     * orders that fail {@link #prepare} never reach the database. Under an idempotency claim the i-th order's id is
     * derived from the claim's ({@link Claim#forItem}), so a retry after a crash answers with the orders the earlier
     * attempt placed, read back, and places only the others.
     */
    public Uni<List<Object>> placeAll(List<PlaceOrder> requests, Caller caller, Claim claim) {
        List<Object> results = new ArrayList<>(requests.size());
        List<NewOrder> prepared = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            try {
                NewOrder order = prepare(requests.get(i), caller, claim.forItem(i));
                prepared.add(order);
                positions.add(i);
                results.add(null);
            } catch (RuntimeException refused) {
                results.add(refused);
            }
        }
        if (prepared.isEmpty()) {
            return Uni.createFrom().item(results);
        }
        return orders.placeBatch(prepared).map(outcomes -> List.<Object> copyOf(outcomes))
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("a batch of %d orders failed as a whole (%s); placing them one by one", prepared.size(),
                            failure.toString());
                    return eachAlone(prepared);
                })
                .chain(outcomes -> {
                    List<Uni<Void>> readBacks = new ArrayList<>();
                    for (int i = 0; i < prepared.size(); i++) {
                        NewOrder order = prepared.get(i);
                        int position = positions.get(i);
                        if (!(outcomes.get(i) instanceof Placement outcome)) {
                            results.set(position, outcomes.get(i));
                            continue;
                        }
                        if (isEarlierAttempts(order, outcome)) {
                            readBacks.add(readBack(order).invoke(view -> results.set(position, view)).replaceWithVoid());
                            continue;
                        }
                        Object result;
                        try {
                            result = toDocument(order, outcome);
                        } catch (RuntimeException refused) {
                            result = refused;
                        }
                        results.set(position, result);
                    }
                    return readBacks.isEmpty() ? Uni.createFrom().item(results)
                            : Uni.join().all(readBacks).andFailFast().replaceWith(results);
                });
    }

    /**
     * Each order through the batcher, which places a failing batch's orders alone: one order's unstorable value
     * refuses that order only. Each element is the outcome or the order's refusal; any other failure fails all.
     */
    private Uni<List<Object>> eachAlone(List<NewOrder> prepared) {
        List<Uni<Object>> each = prepared.stream()
                .map(order -> batcher.place(order).<Object> map(outcome -> outcome)
                        .onFailure(OrdoException.class).recoverWithItem(refusal -> refusal))
                .toList();
        return Uni.join().all(each).andFailFast();
    }

    NewOrder prepare(PlaceOrder request, Caller caller) {
        return prepare(request, caller, Claim.none());
    }

    NewOrder prepare(PlaceOrder request, Caller caller, Claim claim) {
        String channel = caller.channelForWrite(request.channel())
                .orElseThrow(() -> new InvalidRequest("channel", "must not be null"));
        ShippingAddress address = request.shippingAddress();
        if ((address.latitude() == null) != (address.longitude() == null)) {
            throw new InvalidRequest(address.latitude() == null ? "shippingAddress.latitude" : "shippingAddress.longitude",
                    "latitude and longitude must be given together");
        }
        Currency currency = Money.currency(request.currency());
        if (currency == null) {
            throw new InvalidRequest("currency", "is not an ISO 4217 currency");
        }
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; i < request.lines().size(); i++) {
            PlaceOrderLine line = request.lines().get(i);
            BigDecimal price = new BigDecimal(line.unitPrice());
            if (!Money.fitsMinorUnits(price, currency)) {
                throw new InvalidRequest("lines[" + i + "].unitPrice",
                        "has more decimals than " + currency.getCurrencyCode() + " allows");
            }
            BigDecimal lineTotal = price.multiply(BigDecimal.valueOf(line.quantity()));
            if (!Money.storable(lineTotal)) {
                throw new InvalidRequest("lines[" + i + "]", "unitPrice × quantity must not exceed " + Money.MAX_STORED);
            }
            total = total.add(lineTotal);
        }
        if (!Money.storable(total)) {
            throw new InvalidRequest("lines", "the order total must not exceed " + Money.MAX_STORED);
        }
        return new NewOrder(claim.idOrRandom(), channel, request, total, Money.minorUnits(currency), caller.subject(),
                claim.resumed());
    }

    /** The placed order, or the refusal of {@code place_order} as the domain exception that reports it. */
    private static OrderDocument toDocument(NewOrder order, Placement outcome) {
        if (outcome instanceof Placement.Accepted accepted) {
            return accepted.order();
        }
        if (outcome instanceof Placement.OutOfStock shortage) {
            throw new InsufficientStock(shortage.shortages());
        }
        if (outcome instanceof Placement.Duplicate duplicate) {
            throw new DuplicateOrder(order.channel(), order.request().externalId(), duplicate.existingOrderId());
        }
        if (outcome instanceof Placement.UnknownChannel) {
            throw new InvalidRequest("channel", "no channel '" + order.channel() + "' exists");
        }
        if (outcome instanceof Placement.HoldNotFound) {
            throw new InvalidRequest("holdId", "no hold with this id exists for channel '" + order.channel() + "'");
        }
        if (outcome instanceof Placement.HoldNotActive notActive) {
            throw new HoldNotUsable("The hold is " + notActive.status() + " and cannot become an order",
                    notActive.status());
        }
        if (outcome instanceof Placement.HoldMismatch) {
            throw new HoldNotUsable("The order's lines must name each SKU of the hold once, with the hold's quantity",
                    "ACTIVE");
        }
        throw new IllegalStateException("unhandled placement " + outcome);
    }
}
