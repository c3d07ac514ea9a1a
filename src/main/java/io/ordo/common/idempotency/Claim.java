package io.ordo.common.idempotency;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * What a create action learns from the idempotency layer. {@code resourceId} is the id the action gives to what it
 * creates: chosen when the key was first claimed and kept when a retry with the same body takes over a claim whose
 * attempt never completed (its instance died), so that the retry can recognise a resource the earlier attempt did
 * commit. {@code resumed} says that such an earlier attempt existed; only then need the action look for its resource.
 * Without an Idempotency-Key there is no claim: {@code resourceId} is null and the action picks its own id.
 * <p>
 * An action whose work is a change rather than a new row (a shipment, a return's receipt or refund) cannot recognise
 * its work by an id: it calls {@link #alreadyDone(SqlConnection)} inside its own transaction instead.
 */
public record Claim(UUID resourceId, boolean resumed, WorkMarker marker) {
    private static final Claim NONE = new Claim(null, false, tx -> Uni.createFrom().item(false));

    /** Records, inside the action's transaction, that this attempt's work commits with it (see {@link #alreadyDone}). */
    @FunctionalInterface
    public interface WorkMarker {
        Uni<Boolean> markIn(SqlConnection tx);
    }

    public static Claim none() {
        return NONE;
    }

    /** The claimed id, or a fresh one when there is no key. */
    public UUID idOrRandom() {
        return resourceId == null ? UUID.randomUUID() : resourceId;
    }

    /** Whether {@code id} is the resource of this claim, i.e. one that an earlier attempt of this request created. */
    public boolean owns(UUID id) {
        return resourceId != null && resourceId.equals(id);
    }

    /**
     * The claim of the {@code index}-th thing one request creates (the orders of a batch): its id is derived from this
     * claim's, so a retry derives the same ids again. Without a key, no claim.
     */
    public Claim forItem(int index) {
        if (resourceId == null) {
            return NONE;
        }
        UUID id = UUID.nameUUIDFromBytes((resourceId + "#" + index).getBytes(StandardCharsets.UTF_8));
        return new Claim(id, resumed, marker);
    }

    /**
     * To be called inside the transaction that does the action's work, before the work: records that this attempt's
     * work commits with {@code tx}, and answers true when an earlier attempt's work under the same key has committed
     * already (the action must then not do it again but answer with its result as it is now). The key's row stays
     * locked until {@code tx} ends, so an earlier attempt still running is waited for. Without a key: false.
     */
    public Uni<Boolean> alreadyDone(SqlConnection tx) {
        return marker.markIn(tx);
    }
}
