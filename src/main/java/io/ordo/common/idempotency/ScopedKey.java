package io.ordo.common.idempotency;

/**
 * An Idempotency-Key as it is stored: the caller's token subject, the caller's scope (its role and channel, as the
 * caller's feature names it: {@code Caller.idempotencyScope()}) and the key. Two channel tokens that share a subject
 * have different scopes, so neither ever sees the other's answers.
 */
record ScopedKey(String subject, String scope, String key) {
}
