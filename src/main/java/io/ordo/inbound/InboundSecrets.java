package io.ordo.inbound;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.ResourceNotFound;
import io.ordo.webhook.SecretView;
import io.ordo.webhook.Signatures;
import io.ordo.webhook.WebhooksConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The secret a channel signs its inbound orders with. Rotating keeps the previous secret valid for
 * {@code ordo.webhooks.secret-rotation-window}, so a shop can switch without losing orders.
 */
@ApplicationScoped
public class InboundSecrets {
    private static final String ROTATE = """
            UPDATE channels SET inbound_previous_secret = inbound_secret,
                   inbound_previous_secret_until = CASE WHEN inbound_secret IS NULL THEN NULL
                                                        ELSE now() + make_interval(secs => $3) END,
                   inbound_secret = $2
             WHERE code = $1 RETURNING inbound_previous_secret_until""";
    private static final String VALID = """
            SELECT inbound_secret, CASE WHEN inbound_previous_secret_until > now() THEN inbound_previous_secret END
              FROM channels WHERE code = $1""";

    private final Pool pool;
    private final long windowSeconds;

    public InboundSecrets(Pool pool, WebhooksConfig config) {
        this.pool = pool;
        this.windowSeconds = config.secretRotationWindow().toSeconds();
    }

    /** Creates or rotates the channel's inbound secret and returns it (the only time it is shown). */
    public Uni<SecretView> rotate(String channel) {
        String secret = Signatures.newSecret();
        return pool.preparedQuery(ROTATE).execute(Tuple.of(channel, secret, windowSeconds)).map(rows -> {
            if (rows.size() == 0) {
                throw new ResourceNotFound("Channel", channel);
            }
            var until = rows.iterator().next().getOffsetDateTime(0);
            Instant previousUntil = until == null ? null : until.toInstant();
            return new SecretView(secret, previousUntil);
        });
    }

    /** The secrets an inbound webhook of this channel may be signed with; empty when it has none. */
    Uni<List<String>> valid(String channel) {
        return pool.preparedQuery(VALID).execute(Tuple.of(channel)).map(rows -> {
            if (rows.size() == 0) {
                return List.of();
            }
            Row row = rows.iterator().next();
            String current = row.getString(0);
            String previous = row.getString(1);
            if (current == null) {
                return List.of();
            }
            return previous == null ? List.of(current) : List.of(current, previous);
        });
    }
}
