package io.ordo.common;

import io.ordo.catalog.ChannelView;
import io.ordo.catalog.CreateChannel;
import io.ordo.catalog.CreateLocation;
import io.ordo.catalog.LocationView;
import io.ordo.fulfillment.CreateShipment;
import io.ordo.fulfillment.ReceiveReturn;
import io.ordo.fulfillment.RefundReturn;
import io.ordo.fulfillment.RequestReturn;
import io.ordo.fulfillment.UnitLine;
import io.ordo.inventory.AdjustStock;
import io.ordo.inventory.AllocationView;
import io.ordo.inventory.HoldView;
import io.ordo.inventory.LocationStockView;
import io.ordo.inventory.PlaceHold;
import io.ordo.inventory.SetStock;
import io.ordo.inventory.Shortage;
import io.ordo.inventory.StockLevelView;
import io.ordo.inventory.StockView;
import io.ordo.order.BatchResult;
import io.ordo.order.CancelOrder;
import io.ordo.order.ChangeStatus;
import io.ordo.order.Customer;
import io.ordo.order.OrderHistoryEntry;
import io.ordo.order.OrderLineView;
import io.ordo.order.OrderPage;
import io.ordo.order.OrderView;
import io.ordo.order.PlaceOrder;
import io.ordo.order.PlaceOrderLine;
import io.ordo.order.PlaceOrders;
import io.ordo.order.ReturnView;
import io.ordo.order.ShipmentView;
import io.ordo.order.ShippingAddress;
import io.ordo.webhook.CreateWebhook;
import io.ordo.webhook.DeliveryView;
import io.ordo.webhook.SecretView;
import io.ordo.webhook.UpdateWebhook;
import io.ordo.webhook.WebhookView;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Every JSON body type, for the native image. Quarkus registers the types it sees in resource signatures, but many
 * bodies travel where it cannot see them: inside {@code Uni<Response>}, through {@code ObjectMapper} (idempotency
 * replays, AMQP intake, the batch endpoint's per-element parsing). Records need their accessors and canonical
 * constructor at run time, so list them all here rather than rely on what happens to be visible.
 */
@RegisterForReflection(targets = {
        ChannelView.class, CreateChannel.class, CreateLocation.class, LocationView.class,
        AdjustStock.class, AllocationView.class, HoldView.class, HoldView.Line.class, LocationStockView.class,
        PlaceHold.class, PlaceHold.Line.class, SetStock.class, Shortage.class, StockLevelView.class, StockView.class,
        BatchResult.class, BatchResult.Item.class, CancelOrder.class, ChangeStatus.class, Customer.class,
        OrderHistoryEntry.class, OrderLineView.class, OrderPage.class, OrderView.class, PlaceOrder.class,
        PlaceOrderLine.class, PlaceOrders.class, ShippingAddress.class,
        CreateShipment.class, UnitLine.class, RequestReturn.class, ReceiveReturn.class, ReceiveReturn.Line.class,
        RefundReturn.class, ShipmentView.class, ShipmentView.Line.class, ReturnView.class, ReturnView.Line.class,
        CreateWebhook.class, UpdateWebhook.class, WebhookView.class, SecretView.class, DeliveryView.class,
        DeliveryView.Attempt.class,
        Problem.class, Problem.FieldError.class, Items.class })
final class JsonTypes {
    private JsonTypes() {
    }
}
