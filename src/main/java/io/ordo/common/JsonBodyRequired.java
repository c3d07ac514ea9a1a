package io.ordo.common;

import java.util.List;
import java.util.Set;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * A body sent without a {@code Content-Type} is a 415 problem on every endpoint that reads one. JAX-RS matches a
 * request with no {@code Content-Type} against {@code @Consumes(application/json)} as if it were JSON, so without
 * this filter {@code POST /v1/orders} with an untyped body was accepted and reserved stock. A wrong type is refused by
 * the framework's own matching (also a 415); {@code application/json; charset=utf-8} and any other type compatible
 * with the endpoint's {@code @Consumes} pass. Endpoints that read no body declare {@code @Consumes(WILDCARD)} and are
 * left alone, as are requests with no body at all.
 */
public class JsonBodyRequired {
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

    @ServerRequestFilter
    public void requireTypedBody(ResteasyReactiveContainerRequestContext request) {
        if (!BODY_METHODS.contains(request.getMethod()) || !hasBody(request)
                || request.getHeaderString(HttpHeaders.CONTENT_TYPE) != null) {
            return;
        }
        List<MediaType> consumes = ((ResteasyReactiveRequestContext) request.getServerRequestContext()).getTarget()
                .getConsumes();
        if (consumes == null || consumes.isEmpty() || consumes.stream().anyMatch(MediaType::isWildcardType)) {
            return;
        }
        throw new NotSupportedException();
    }

    private static boolean hasBody(ResteasyReactiveContainerRequestContext request) {
        if (request.getHeaderString("Transfer-Encoding") != null) {
            return true;
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return false;
        }
        try {
            return Long.parseLong(length.trim()) > 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
