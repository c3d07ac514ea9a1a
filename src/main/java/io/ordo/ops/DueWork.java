package io.ordo.ops;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** How much background work is waiting: per counting duty, and in all. */
@Schema(description = "Background work waiting to be done")
public record DueWork(
        @Schema(description = "Items due, by duty (purges are not counted: they are never urgent)") Map<String, Long> due,
        @Schema(description = "Sum of the counts: what the KEDA scaler's query computes") long total) {
}
