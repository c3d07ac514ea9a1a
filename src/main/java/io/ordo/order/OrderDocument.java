package io.ordo.order;

import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import io.ordo.common.idempotency.StoredResponse;

/**
 * An order as JSON text, exactly as the SQL function {@code order_document} built it (the body its order.created
 * event carries), with the id and version its response headers name. Intake answers with it as it came from the
 * database: nothing decodes and re-encodes the order on the hot path.
 */
public record OrderDocument(UUID id, int version, String json) {

    /** The 201 answer of every intake path: this document, {@code Location} and {@code ETag}. */
    public StoredResponse created() {
        return new StoredResponse(201, json, MediaType.APPLICATION_JSON,
                Map.of(HttpHeaders.LOCATION, "/v1/orders/" + id, HttpHeaders.ETAG, IfMatch.etag(version)));
    }
}
