package io.ordo.common;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * Refuses a declared body larger than {@code quarkus.http.limits.max-body-size} with a 413 problem before a byte of it
 * is read (Vert.x's own refusal has no body). Chunked bodies over the limit are still cut off by Vert.x itself.
 */
@ApplicationScoped
public class BodySizeGuard {
    private final long maxBodyBytes;

    public BodySizeGuard(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && exceeds(length)) {
                String body = new JsonObject()
                        .put("type", ProblemType.PAYLOAD_TOO_LARGE.uri())
                        .put("title", ProblemType.PAYLOAD_TOO_LARGE.title())
                        .put("status", 413)
                        .put("detail", "The request body exceeds " + maxBodyBytes + " bytes")
                        .put("instance", ctx.request().path())
                        .encode();
                ctx.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(body);
                return;
            }
            ctx.next();
        });
    }

    private boolean exceeds(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
