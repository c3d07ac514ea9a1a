package io.ordo.ops;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What one tick did, duty by duty, in the order they ran. Registered for reflection: it leaves the resource inside a
 * {@code Response}, whose entity type Quarkus cannot see at build time (native image).
 */
@RegisterForReflection
@Schema(description = "One round of background work")
public record DutyRound(
        @Schema(description = "True when no duty stopped early for a failure") boolean complete,
        @Schema(description = "True when the round ran past ordo.ops.tick-budget: work may be left for the next tick")
        boolean budgetSpent,
        @Schema(description = "Wall time of the whole round") long millis,
        List<Outcome> duties) {

    /** One duty's part of the round. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "DutyOutcome")
    public record Outcome(
            @Schema(description = "The duty", examples = "outbox-relay") String duty,
            @Schema(description = "Items this round did (events relayed, holds expired, deliveries sent...);"
                    + " 0 when other instances or ticks took them") int done,
            long millis,
            @Schema(description = "Why the duty stopped early (the database or the broker away); what it did not do"
                    + " stays due") String error) {
    }
}
