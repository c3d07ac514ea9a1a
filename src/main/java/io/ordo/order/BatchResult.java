package io.ordo.order;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.ordo.common.Problem;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Outcome of {@code POST /v1/orders/batch}: one result per index of the request, in order. A placed order is its
 * {@link OrderDocument}'s JSON, written as it is.
 */
@RegisterForReflection
@Schema(name = "BatchResult")
public record BatchResult(List<Item> results) {

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "BatchResultItem")
    public record Item(int index, @Schema(examples = "201") int status,
            @Schema(implementation = OrderView.class, description = "The placed order (status 201)") @JsonRawValue String order,
            Problem problem) {
    }
}
