package io.ordo.fulfillment;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.InvalidRequest;
import io.ordo.common.ResourceNotFound;
import io.ordo.common.idempotency.Claim;
import io.ordo.inventory.BackorderAnnouncer;
import io.ordo.order.Money;
import io.ordo.order.OrderRepository;
import io.ordo.order.ReturnStatus;
import io.ordo.order.ReturnView;
import io.ordo.outbox.EventType;
import io.ordo.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Returns: REQUESTED (only shipped units not yet claimed by another return) → RECEIVED at a location (restocked or
 * damaged) → REFUNDED (at most what was paid for the units that came back). Every step locks the order's row first,
 * then the return's, and records an order event (history and outbox) in the same transaction.
 */
@ApplicationScoped
public class ReturnService {
    private final OrderRepository orders;
    private final FulfillmentRepository fulfillment;
    private final BackorderAnnouncer backorders;

    public ReturnService(OrderRepository orders, FulfillmentRepository fulfillment, BackorderAnnouncer backorders) {
        this.orders = orders;
        this.fulfillment = fulfillment;
        this.backorders = backorders;
    }

    /**
     * Requests a return under an idempotency claim: the return gets the claim's id, and when an earlier attempt of
     * this request committed it (its instance died before completing the key), the answer is that return as it is
     * now instead of a second return.
     */
    public Uni<ReturnView> request(UUID orderId, RequestReturn request, Integer expectedVersion, Caller caller,
            Claim claim) {
        try {
            Lines.requireDistinctSkus(request.lines().stream().map(UnitLine::sku).toList());
        } catch (RuntimeException invalid) {
            return Uni.createFrom().failure(invalid);
        }
        UUID returnId = claim.idOrRandom();
        return orders.pool().withTransaction(tx -> claim.alreadyDone(tx).chain(done -> done ? Uni.createFrom()
                .voidItem() : orders.lockForChange(tx, orderId, caller, expectedVersion).chain(order -> {
            return fulfillment.requestReturn(tx, orderId, returnId, request, caller.subject()).chain(outcome -> {
                if (outcome instanceof FulfillmentRepository.ReturnRequest.Refused refused) {
                    throw new NotReturnable(refused.lines());
                }
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("returnId", returnId.toString());
                detail.put("lines", request.lines().stream()
                        .map(l -> new JsonObject().put("sku", l.sku()).put("quantity", l.quantity()).getMap()).toList());
                if (request.reason() != null) {
                    detail.put("reason", request.reason());
                }
                return orders.record(tx, order,
                        order.acceptReturn(new OrderRepository.Event(EventType.ORDER_RETURN_REQUESTED, detail)), caller.subject());
            });
        }))).chain(() -> get(returnId, caller));
    }

    public Uni<ReturnView> get(UUID returnId, Caller caller) {
        return fulfillment.findReturn(returnId).map(found -> found.filter(r -> caller.maySee(r.channel()))
                .map(FulfillmentRepository.VisibleReturn::view)
                .orElseThrow(() -> new ResourceNotFound("Return", returnId.toString())));
    }

    /** Receives a return; an earlier attempt of this request that committed (see {@link Claim}) is not repeated. */
    public Uni<ReturnView> receive(UUID returnId, ReceiveReturn request, Caller caller, Claim claim) {
        return step(returnId, ReturnStatus.RECEIVED, caller, claim, (tx, locked) -> fulfillment
                .receive(tx, returnId, request, caller.subject()).map(outcome -> {
                    if (outcome instanceof FulfillmentRepository.Receipt.UnknownLocation) {
                        throw new InvalidRequest("location", "no location '" + request.location() + "' exists");
                    }
                    if (outcome instanceof FulfillmentRepository.Receipt.Refused refused) {
                        throw new ReturnMismatch(refused.lines());
                    }
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("returnId", returnId.toString());
                    detail.put("location", request.location());
                    detail.put("lines", request.lines().stream().map(l -> new JsonObject().put("sku", l.sku())
                            .put("quantity", l.quantity()).put("restock", l.restocks()).getMap()).toList());
                    return new OrderRepository.Event(EventType.ORDER_RETURN_RECEIVED, detail);
                })).invoke(backorders::kick); // restocked units may have gone to waiting backorders
    }

    /** Refunds a return; an earlier attempt of this request that committed (see {@link Claim}) is not repeated. */
    public Uni<ReturnView> refund(UUID returnId, RefundReturn request, Caller caller, Claim claim) {
        BigDecimal amount = new BigDecimal(request.amount());
        if (amount.signum() <= 0) {
            return Uni.createFrom().failure(new InvalidRequest("amount", "must be greater than 0"));
        }
        return step(returnId, ReturnStatus.REFUNDED, caller, claim, (tx, locked) -> {
            if (!Money.fitsMinorUnits(amount, Money.currency(locked.currency()))) {
                throw new InvalidRequest("amount", "has more decimals than " + locked.currency() + " allows");
            }
            if (amount.compareTo(locked.refundable()) > 0) {
                throw new RefundExceedsPaid(Money.format(amount, locked.currency()),
                        Money.format(locked.refundable(), locked.currency()), locked.currency());
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("returnId", returnId.toString());
            detail.put("amount", Money.format(amount, locked.currency()));
            detail.put("currency", locked.currency());
            return fulfillment.refund(tx, returnId, amount)
                    .replaceWith(new OrderRepository.Event(EventType.ORDER_REFUNDED, detail));
        });
    }

    /**
     * One step of a return: lock the order, then the return; check that the return may move to {@code target};
     * run {@code action}, which yields the order event to record; commit; answer the return as it is now. When an
     * earlier attempt under the same idempotency claim committed this step, nothing is done but the answer.
     */
    private Uni<ReturnView> step(UUID returnId, ReturnStatus target, Caller caller, Claim claim,
            BiFunction<SqlConnection, FulfillmentRepository.LockedReturn, Uni<OrderRepository.Event>> action) {
        return orders.pool().withTransaction(tx -> claim.alreadyDone(tx).chain(done -> done ? Uni.createFrom()
                .voidItem() : fulfillment.orderOfReturn(tx, returnId).chain(orderId -> {
            UUID id = orderId.orElseThrow(() -> new ResourceNotFound("Return", returnId.toString()));
            return orders.lockForChange(tx, id, caller, () -> new ResourceNotFound("Return", returnId.toString()))
                    .chain(order -> fulfillment.lockReturn(tx, returnId).chain(locked -> {
                        if (!locked.status().canMoveTo(target)) {
                            throw new ReturnTransitionNotAllowed(locked.status(), target);
                        }
                        return action.apply(tx, locked)
                                .chain(event -> orders.record(tx, order, order.acceptReturn(event), caller.subject()));
                    }));
        }))).chain(() -> get(returnId, caller));
    }
}
