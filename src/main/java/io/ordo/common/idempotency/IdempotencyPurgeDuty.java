package io.ordo.common.idempotency;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.duty.BackgroundDuty;
import io.smallrye.mutiny.Uni;

/** Deletes idempotency keys past {@code ordo.idempotency.retention} (a slice per round), for the external tick. */
@ApplicationScoped
class IdempotencyPurgeDuty implements BackgroundDuty {
    private final IdempotencyKeyPurge purge;

    IdempotencyPurgeDuty(IdempotencyKeyPurge purge) {
        this.purge = purge;
    }

    @Override
    public String name() {
        return "idempotency-purge";
    }

    @Override
    public int stage() {
        return 90;
    }

    @Override
    public Uni<Integer> runDue(long deadlineNanos) {
        return purge.purgeOnce();
    }
}
