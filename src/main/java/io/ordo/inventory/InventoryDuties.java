package io.ordo.inventory;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.duty.BackgroundDuty;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** Inventory's periodic duties, for the external tick. */
final class InventoryDuties {
    private InventoryDuties() {
    }

    /** Gives back the stock of expired holds (each claimed with SKIP LOCKED while still ACTIVE: released once). */
    @ApplicationScoped
    static class HoldExpiry implements BackgroundDuty {
        private static final String DUE = "SELECT holds_due_count()";
        private final HoldExpirySweeper sweeper;
        private final Pool pool;

        HoldExpiry(HoldExpirySweeper sweeper, Pool pool) {
            this.sweeper = sweeper;
            this.pool = pool;
        }

        @Override
        public String name() {
            return "hold-expiry";
        }

        @Override
        public int stage() {
            return 10;
        }

        @Override
        public Uni<Integer> runDue(long deadlineNanos) {
            return sweeper.sweepUntil(deadlineNanos);
        }

        @Override
        public Uni<Long> dueCount() {
            return BackgroundDuty.countBy(pool, DUE);
        }
    }

    /** Announces the orders whose backorders were given units (after the hold expiry that may have freed them). */
    @ApplicationScoped
    static class BackorderAnnouncements implements BackgroundDuty {
        private final BackorderAnnouncer announcer;

        BackorderAnnouncements(BackorderAnnouncer announcer) {
            this.announcer = announcer;
        }

        @Override
        public String name() {
            return "backorder-announcements";
        }

        @Override
        public int stage() {
            return 20;
        }

        @Override
        public Uni<Integer> runDue(long deadlineNanos) {
            return announcer.announceUntil(deadlineNanos);
        }
    }
}
