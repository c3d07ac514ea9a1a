package io.ordo.common.idempotency;

import java.util.Map;

import jakarta.ws.rs.core.Response;

/**
 * A response of a create endpoint as it is sent and, under an idempotency key, stored for replay: status, JSON body
 * and the headers that belong to it (Location, ETag).
 */
public record StoredResponse(int status, String body, String mediaType, Map<String, String> headers) {

    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    public Response toResponse(boolean replayed) {
        Response.ResponseBuilder builder = Response.status(status).entity(body).type(mediaType);
        headers.forEach(builder::header);
        if (replayed) {
            builder.header(REPLAYED_HEADER, "true");
        }
        return builder.build();
    }
}
