package io.ordo.webhook;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.duty.BackgroundDuty;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** The webhook deliveries' periodic duties, for the external tick. */
final class WebhookDuties {
    private WebhookDuties() {
    }

    /** Sends the deliveries that are due (claimed with a lease: each attempt is made once). */
    @ApplicationScoped
    static class Deliveries implements BackgroundDuty {
        private static final String DUE = "SELECT webhook_deliveries_due_count()";
        private final DeliveryWorker worker;
        private final Pool pool;

        Deliveries(DeliveryWorker worker, Pool pool) {
            this.worker = worker;
            this.pool = pool;
        }

        @Override
        public String name() {
            return "webhook-deliveries";
        }

        @Override
        public int stage() {
            return 50;
        }

        @Override
        public Uni<Integer> runDue(long deadlineNanos) {
            return worker.deliverDue(deadlineNanos);
        }

        @Override
        public Uni<Long> dueCount() {
            return BackgroundDuty.countBy(pool, DUE);
        }
    }

    /** Deletes finished deliveries past {@code ordo.webhooks.delivery-retention} (a slice per round). */
    @ApplicationScoped
    static class Purge implements BackgroundDuty {
        private final DeliveryWorker worker;

        Purge(DeliveryWorker worker) {
            this.worker = worker;
        }

        @Override
        public String name() {
            return "webhook-delivery-purge";
        }

        @Override
        public int stage() {
            return 90;
        }

        @Override
        public Uni<Integer> runDue(long deadlineNanos) {
            return worker.purgeFinished();
        }
    }
}
