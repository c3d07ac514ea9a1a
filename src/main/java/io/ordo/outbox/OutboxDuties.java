package io.ordo.outbox;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.duty.BackgroundDuty;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** The outbox's periodic duties, for the external tick. */
final class OutboxDuties {
    private OutboxDuties() {
    }

    /**
     * Relays every committed event (the relay's advisory lock lets one instance or tick relay at a time; a tick waits
     * for its turn, see {@link OutboxRelay#drainAll(long)}).
     */
    @ApplicationScoped
    static class Relay implements BackgroundDuty {
        private static final String DUE = "SELECT outbox_due_count()";
        private final OutboxRelay relay;
        private final Pool pool;

        Relay(OutboxRelay relay, Pool pool) {
            this.relay = relay;
            this.pool = pool;
        }

        @Override
        public String name() {
            return "outbox-relay";
        }

        @Override
        public int stage() {
            return 40;
        }

        @Override
        public Uni<Integer> runDue(long deadlineNanos) {
            return relay.drainAll(deadlineNanos);
        }

        @Override
        public Uni<Long> dueCount() {
            return BackgroundDuty.countBy(pool, DUE);
        }
    }

    /** Deletes published events past {@code ordo.outbox.retention} (a slice per round). */
    @ApplicationScoped
    static class Purge implements BackgroundDuty {
        private final OutboxRelay relay;

        Purge(OutboxRelay relay) {
            this.relay = relay;
        }

        @Override
        public String name() {
            return "outbox-purge";
        }

        @Override
        public int stage() {
            return 90;
        }

        @Override
        public Uni<Integer> runDue(long deadlineNanos) {
            return relay.purgePublished();
        }
    }
}
