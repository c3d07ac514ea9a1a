package io.ordo.order;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One page of orders, newest first; pass {@code nextCursor} as {@code cursor} for the next page. */
@RegisterForReflection
@Schema(name = "OrderPage")
public record OrderPage(List<OrderView> items, @Schema(nullable = true) String nextCursor) {
}
