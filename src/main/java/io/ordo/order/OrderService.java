package io.ordo.order;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.ResourceNotFound;
import io.ordo.inventory.BackorderAnnouncer;
import io.ordo.outbox.EventType;
import io.ordo.security.Caller;
import io.smallrye.mutiny.Uni;

/** Reading orders and changing their status. Channel tokens see only their channel; others' orders are 404s. */
@ApplicationScoped
public class OrderService {
    public static final int DEFAULT_PAGE = 50;
    public static final int MAX_PAGE = 200;

    private final OrderRepository orders;
    private final BackorderAnnouncer backorders;

    public OrderService(OrderRepository orders, BackorderAnnouncer backorders) {
        this.orders = orders;
        this.backorders = backorders;
    }

    public Uni<OrderView> get(UUID id, Caller caller) {
        return orders.findById(id).map(found -> found.filter(o -> caller.maySee(o.channel()))
                .orElseThrow(() -> new ResourceNotFound("Order", id.toString())));
    }

    public Uni<OrderPage> list(OrderQuery query, int limit, Caller caller) {
        OrderQuery scoped = query;
        if (!caller.seesAllChannels()) {
            String own = caller.channel().orElseThrow();
            if (query.channel() != null && !query.channel().equals(own)) {
                return Uni.createFrom().item(new OrderPage(List.of(), null));
            }
            scoped = new OrderQuery(own, query.status(), query.sku(), query.createdFrom(), query.createdTo(),
                    query.backordered(), query.after());
        }
        return orders.list(scoped, limit + 1).map(found -> {
            boolean more = found.size() > limit;
            List<OrderView> page = more ? found.subList(0, limit) : found;
            return new OrderPage(List.copyOf(page), more ? Cursor.encode(page.get(page.size() - 1)) : null);
        });
    }

    public Uni<List<OrderHistoryEntry>> history(UUID id, Caller caller) {
        return get(id, caller).chain(visible -> orders.history(id));
    }

    /** Cancels before anything shipped, releasing every reservation. */
    public Uni<OrderView> cancel(UUID id, String reason, Integer expectedVersion, Caller caller) {
        return change(id, expectedVersion, caller, order -> order.cancel(reason))
                .invoke(backorders::kick); // its units may have gone to other orders' backorders
    }

    /** ACCEPTED → PROCESSING and SHIPPED → DELIVERED, the moves a caller may make by naming the status. */
    public Uni<OrderView> changeStatus(UUID id, OrderStatus target, Integer expectedVersion, Caller caller) {
        return change(id, expectedVersion, caller, order -> order.move(target));
    }

    /**
     * Moves the order's unshipped reservations under its channel's current rules, away from {@code excludeLocations},
     * in one transaction with the order's lock held; {@code order.rerouted} records what moved. Needs the version
     * the caller saw (428 without If-Match).
     */
    public Uni<OrderView> reroute(UUID id, RerouteOrder body, Integer expectedVersion, Caller caller) {
        if (expectedVersion == null) {
            return Uni.createFrom().failure(new VersionRequired());
        }
        List<String> exclude = body.excludeLocations() == null ? List.of()
                : body.excludeLocations().stream().distinct().toList();
        return orders.pool().withTransaction(tx -> orders.lockForChange(tx, id, caller, expectedVersion)
                .chain(order -> orders.reroute(tx, order.acceptReroute().id(), exclude).chain(answer -> {
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("reason", body.reason());
                    detail.put("excludeLocations", exclude);
                    detail.put("moved", answer.getJsonArray("moved").getList());
                    detail.put("backordered", answer.getInteger("backordered"));
                    return orders.record(tx, order, order.rerouted(detail), caller.subject());
                })))
                .invoke(backorders::kick) // units it left may have gone to other orders' backorders
                .chain(() -> orders.findById(id)).map(view -> view.orElseThrow());
    }

    private Uni<OrderView> change(UUID id, Integer expectedVersion, Caller caller,
            Function<Order, Order.Change> action) {
        return orders.pool().withTransaction(tx -> orders.lockForChange(tx, id, caller, expectedVersion)
                .chain(order -> orders.record(tx, order, action.apply(order), caller.subject())))
                .chain(() -> orders.findById(id)).map(view -> view.orElseThrow());
    }
}
