package io.ordo.fulfillment;

import static io.ordo.fulfillment.Fulfil.level;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.ordo.support.Api;
import io.ordo.support.Db;
import io.ordo.support.Ids;
import io.ordo.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Shipments and returns racing for the same units: never more out than reserved, never more back than shipped. */
@QuarkusTest
class FulfillmentConcurrencyTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @AfterEach
    void invariantsHold() {
        Db.assertInvariants();
    }

    @Test
    void twoShipmentsRacingForTheLastReservedUnitsOfALine() {
        String channel = Api.createChannel(Ids.unique("race"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("LAST");
        Api.setStock(sku, location, 10);
        String id = Fulfil.placeOrder(channel, "RACE-1", sku, 5);
        Fulfil.ship(id, location, sku, 2).then().statusCode(201);

        Map<Integer, Long> statuses = fire(2, "/v1/orders/" + id + "/shipments",
                i -> Fulfil.shipment(location, sku, 3));

        assertEquals(Map.of(201, 1L, 409, 1L), statuses);
        assertEquals("5/0", level(sku, location));
        assertEquals(2, Db.count("SELECT count(*) FROM shipments WHERE order_id = ?::uuid", id));
        assertEquals(List.of("SHIPPED"), Db.strings("SELECT status FROM orders WHERE id = ?::uuid", id));
    }

    @Test
    void fortyWarehouseClerksShipOneUnitEachOfTwentyReserved() {
        String channel = Api.createChannel(Ids.unique("clerks"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("MANY");
        Api.setStock(sku, location, 25);
        String id = Fulfil.placeOrder(channel, "MANY-1", sku, 20);

        Map<Integer, Long> statuses = fire(40, "/v1/orders/" + id + "/shipments",
                i -> Fulfil.shipment(location, sku, 1));

        assertEquals(Map.of(201, 20L, 409, 20L), statuses);
        assertEquals("5/0", level(sku, location));
        assertEquals(20, Db.count("SELECT count(*) FROM shipments WHERE order_id = ?::uuid", id));
        assertEquals(20, Db.count("SELECT count(*) FROM stock_movements WHERE sku = ? AND kind = 'SHIPMENT'", sku));
        // one event per shipment, plus the two status moves, numbered without a gap
        assertEquals(23, Db.count("SELECT max(sequence) FROM order_history WHERE order_id = ?::uuid", id));
        assertEquals(23, Db.count("SELECT count(*) FROM outbox WHERE aggregate_id = ?::uuid", id));
    }

    @Test
    void concurrentReturnRequestsNeverClaimMoreThanWasShipped() {
        String channel = Api.createChannel(Ids.unique("claims"));
        String location = Api.createLocation(Ids.unique("WH"), 1);
        String sku = Ids.unique("CLAIM");
        Api.setStock(sku, location, 10);
        String id = Fulfil.placeOrder(channel, "CLAIM-1", sku, 6);
        Fulfil.ship(id, location, sku, 6).then().statusCode(201);

        Map<Integer, Long> statuses = fire(30, "/v1/orders/" + id + "/returns",
                i -> Map.of("lines", Fulfil.lines(sku, 2)));

        assertEquals(Map.of(201, 3L, 409, 27L), statuses);
        assertEquals(6, Db.count("SELECT sum(l.quantity) FROM return_lines l JOIN returns r ON r.id = l.return_id "
                + "WHERE r.order_id = ?::uuid", id));
    }

    private Map<Integer, Long> fire(int count, String path, IntFunction<Map<String, Object>> body) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = Tokens.fulfillment();
        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, count).mapToObj(i -> {
            try {
                HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body.apply(i)))).build();
                return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        return calls.stream().map(CompletableFuture::join)
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    }
}
