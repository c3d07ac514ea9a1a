package io.ordo.fulfillment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.idempotency.Claim;
import io.ordo.order.Order;
import io.ordo.order.OrderRepository;
import io.ordo.order.OrderView;
import io.ordo.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * Shipments: units leave one location, out of the order's reservations and out of onHand, in one transaction with
 * the order's status, history and outbox events. Two shipments of one order are serialized by the order's row lock.
 */
@ApplicationScoped
public class ShipmentService {
    private final OrderRepository orders;
    private final FulfillmentRepository fulfillment;

    public ShipmentService(OrderRepository orders, FulfillmentRepository fulfillment) {
        this.orders = orders;
        this.fulfillment = fulfillment;
    }

    /**
     * Ships, under an idempotency claim: when an earlier attempt of this request committed its shipment (its instance
     * died before completing the key), nothing is shipped again and the answer is the order as it is now.
     */
    public Uni<OrderView> ship(UUID orderId, CreateShipment request, Integer expectedVersion, Caller caller,
            Claim claim) {
        try {
            Lines.requireDistinctSkus(request.lines().stream().map(UnitLine::sku).toList());
        } catch (RuntimeException invalid) {
            return Uni.createFrom().failure(invalid);
        }
        UUID shipmentId = UUID.randomUUID();
        return orders.pool().withTransaction(tx -> claim.alreadyDone(tx).chain(done -> done ? Uni.createFrom()
                .voidItem() : orders.lockForChange(tx, orderId, caller, expectedVersion)
                .map(Order::acceptShipment).chain(order -> {
            return fulfillment.ship(tx, orderId, shipmentId, request, caller.subject()).chain(outcome -> {
                if (outcome instanceof FulfillmentRepository.Shipping.Refused refused) {
                    throw new NotShippable(request.location(), refused.lines());
                }
                var shipped = (FulfillmentRepository.Shipping.Shipped) outcome;
                return orders.record(tx, order, order.shipped(shipmentId, detail(shipmentId, request),
                        shipped.openUnits() == 0), caller.subject());
            });
        }))).chain(() -> orders.findById(orderId)).map(view -> view.orElseThrow());
    }

    private static Map<String, Object> detail(UUID shipmentId, CreateShipment request) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("shipmentId", shipmentId.toString());
        detail.put("location", request.location());
        detail.put("carrier", request.carrier());
        detail.put("trackingNumber", request.trackingNumber());
        detail.put("lines", request.lines().stream()
                .map(l -> new JsonObject().put("sku", l.sku()).put("quantity", l.quantity()).getMap()).toList());
        return detail;
    }
}
