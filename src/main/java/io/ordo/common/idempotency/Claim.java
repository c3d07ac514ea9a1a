package io.ordo.common.idempotency;

import java.util.UUID;

/**
 * What a create action learns from the idempotency layer. {@code resourceId} is the id the action gives to what it
 * creates: chosen when the key was first claimed and kept when a retry with the same body takes over a claim whose
 * attempt never completed (its instance died), so that the retry can recognise a resource the earlier attempt did
 * commit. {@code resumed} says that such an earlier attempt existed; only then need the action look for its resource.
 * Without an Idempotency-Key there is no claim: {@code resourceId} is null and the action picks its own id.
 */
public record Claim(UUID resourceId, boolean resumed) {
    private static final Claim NONE = new Claim(null, false);

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
}
