package io.ordo.catalog;

import static io.ordo.support.Api.as;
import static io.ordo.support.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ordo.support.Api;
import io.ordo.support.Ids;
import io.ordo.support.TestServices;
import io.ordo.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ChannelResourceTest {
    static final Class<?> SERVICES = TestServices.class;

    @Test
    void adminCreatesAChannelAndReadsItBack() {
        String code = Ids.unique("web");
        asAdmin().body(Map.of("code", code, "name", "  Web shop EU ", "type", "WEB"))
                .post("/v1/channels")
                .then().statusCode(201)
                .header("Location", endsWith("/v1/channels/" + code))
                .body("code", equalTo(code), "name", equalTo("Web shop EU"), "type", equalTo("WEB"),
                        "createdAt", notNullValue());

        asAdmin().get("/v1/channels/{code}", code).then().statusCode(200).body("type", equalTo("WEB"));
        as(Tokens.fulfillment()).get("/v1/channels").then().statusCode(200).body("items.code", hasItem(code));
    }

    @Test
    void aDuplicateCodeIsAConflictAndChangesNothing() {
        String code = Api.createChannel(Ids.unique("dup"));
        asAdmin().body(Map.of("code", code, "name", "Other", "type", "POS"))
                .post("/v1/channels")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409), "type", equalTo("urn:ordo:problem:already-exists"));
        asAdmin().get("/v1/channels/{code}", code).then().body("type", equalTo("WEB"));
    }

    @Test
    void aChannelTokenSeesOnlyItsOwnChannel() {
        String mine = Api.createChannel(Ids.unique("mine"));
        String other = Api.createChannel(Ids.unique("other"));
        as(Tokens.channel(mine)).get("/v1/channels").then().statusCode(200).body("items.code", contains(mine));
        as(Tokens.channel(mine)).get("/v1/channels/{code}", mine).then().statusCode(200);
        as(Tokens.channel(mine)).get("/v1/channels/{code}", other).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void anUnknownChannelIsA404Problem() {
        asAdmin().get("/v1/channels/{code}", "no-such-channel").then().statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Not found"), "instance", equalTo("/v1/channels/no-such-channel"));
    }
}
