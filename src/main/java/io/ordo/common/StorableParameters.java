package io.ordo.common;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@link StorableText}'s rule for query and path parameters: one filter, run after the resource is matched and before
 * any parameter is converted, refuses every parameter whose decoded value PostgreSQL could not store (a NUL, an
 * unpaired surrogate) with a 400 naming the parameter, whatever the endpoint and whether or not it needs a token.
 */
public class StorableParameters {

    @ServerRequestFilter
    public void refuseUnstorableParameters(UriInfo uri) {
        check(uri.getPathParameters(true));
        check(uri.getQueryParameters(true));
    }

    private static void check(Map<String, List<String>> parameters) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            String nameRefusal = StorableText.refusal(name);
            if (nameRefusal != null) {
                throw new InvalidRequest(name.replace("\u0000", "\\u0000"), "parameter name " + nameRefusal);
            }
            for (String value : parameter.getValue()) {
                String refusal = StorableText.refusal(value);
                if (refusal != null) {
                    throw new InvalidRequest(name, refusal);
                }
            }
        }
    }
}
