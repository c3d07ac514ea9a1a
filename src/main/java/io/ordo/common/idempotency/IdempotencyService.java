package io.ordo.common.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.ordo.common.InvalidRequest;
import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Runs a create request at most once per (caller, Idempotency-Key) within the retention window; the caller is its
 * token subject and its scope (role and channel: {@code Caller.idempotencyScope()}). The key is claimed with an insert before
 * the work starts; a retry with the same body replays the stored response, a different body is a 422, and a retry
 * while the first attempt still runs is a 409. Domain refusals (4xx) are stored and replayed too; an unexpected
 * failure releases the key's lease so that a retry can run again at once ({@link KeyReleases}, which keeps trying
 * when the database is away).
 * <p>
 * Claiming and completing a key are statements of their own, outside the action's transaction, so an instance may
 * die after the action committed and before the key was completed. A retry with the same body takes such a claim
 * over once its lease has expired, and gets the claim's {@link Claim#resourceId()} again: actions that create
 * something use it as the new resource's id and, when {@link Claim#resumed()}, first look for that resource and
 * answer with it (orders, batches, holds, return requests, stock adjustments, webhook subscriptions); actions that
 * change something (shipments, return receipts and refunds) ask {@link Claim#alreadyDone} inside their transaction.
 * Channels and locations do neither: a retry after such a crash is refused as a conflict (the code exists).
 */
@ApplicationScoped
public class IdempotencyService {
    public static final String HEADER = "Idempotency-Key";

    /*
     * Claims the key: a new row, or an old one whose retention window is over (a new resource id, attempt 1), or a
     * takeover of an IN_FLIGHT claim with the same request hash whose lease expired (its resource id and the attempt
     * whose work committed, if any, kept; attempt + 1). The resource id of a row claimed before V7 is NULL; a
     * takeover of it gets a new one. A claim waits for the key's row while an attempt's transaction holds it
     * ({@link Claim#alreadyDone}).
     */
    private static final String CLAIM = """
            INSERT INTO idempotency_keys (subject, scope, key, request_hash, state, locked_until, resource_id, attempt)
            VALUES ($1, $2, $3, $4, 'IN_FLIGHT', now() + make_interval(secs => $5), gen_random_uuid(), 1)
            ON CONFLICT (subject, scope, key) DO UPDATE
               SET request_hash = EXCLUDED.request_hash, state = 'IN_FLIGHT', locked_until = EXCLUDED.locked_until,
                   response_status = NULL, response_body = NULL, response_headers = NULL, created_at = now(),
                   resource_id = CASE WHEN idempotency_keys.state = 'IN_FLIGHT'
                                           AND idempotency_keys.request_hash = EXCLUDED.request_hash
                                      THEN coalesce(idempotency_keys.resource_id, EXCLUDED.resource_id)
                                      ELSE EXCLUDED.resource_id END,
                   committed_attempt = CASE WHEN idempotency_keys.state = 'IN_FLIGHT'
                                                 AND idempotency_keys.request_hash = EXCLUDED.request_hash
                                            THEN idempotency_keys.committed_attempt END,
                   attempt = CASE WHEN idempotency_keys.state = 'IN_FLIGHT'
                                       AND idempotency_keys.request_hash = EXCLUDED.request_hash
                                  THEN idempotency_keys.attempt + 1 ELSE 1 END
             WHERE idempotency_keys.created_at < now() - make_interval(secs => $6)
                OR (idempotency_keys.state = 'IN_FLIGHT' AND idempotency_keys.locked_until < now()
                    AND idempotency_keys.request_hash = EXCLUDED.request_hash)
            RETURNING resource_id, attempt""";
    private static final String EXISTING = """
            SELECT request_hash, state, response_status, response_body, response_headers
              FROM idempotency_keys WHERE subject = $1 AND scope = $2 AND key = $3""";
    private static final String COMPLETE = """
            UPDATE idempotency_keys SET state = 'DONE', response_status = $4, response_body = $5, response_headers = $6
             WHERE subject = $1 AND scope = $2 AND key = $3""";
    /*
     * Inside the action's transaction (Claim.alreadyDone): the first attempt whose work commits writes its number;
     * a later attempt reads an earlier one's. The row lock it takes holds off a takeover until the transaction ends.
     */
    private static final String MARK_WORK = """
            UPDATE idempotency_keys SET committed_attempt = coalesce(committed_attempt, $4)
             WHERE subject = $1 AND scope = $2 AND key = $3 RETURNING committed_attempt <> $4""";

    private final Pool pool;
    private final ObjectMapper json;
    private final IdempotencyConfig config;
    private final KeyReleases releases;

    public IdempotencyService(Pool pool, ObjectMapper json, IdempotencyConfig config, KeyReleases releases) {
        this.pool = pool;
        this.json = json;
        this.config = config;
        this.releases = releases;
    }

    /**
     * Runs {@code action} unless {@code subject} (the caller's token subject) already used {@code key}.
     * {@code request} is what identifies the request besides the key (method, path and body); a domain refusal of
     * the action becomes a stored problem.
     */
    public Uni<Response> once(String subject, String scope, String key, String requestPath, Object request,
            Supplier<Uni<StoredResponse>> action) {
        return once(subject, scope, key, requestPath, request, claim -> action.get());
    }

    /**
     * As {@link #once(String, String, String, String, Object, Supplier)}, for an action that creates something under the
     * claim's resource id (see {@link Claim}).
     */
    public Uni<Response> once(String subject, String scope, String key, String requestPath, Object request,
            Function<Claim, Uni<StoredResponse>> action) {
        return outcome(subject, scope, key, requestPath, request, action)
                .map(outcome -> outcome.response().toResponse(outcome.replayed()));
    }

    /** What the first attempt answered, and whether this is a replay of it. */
    public record Outcome(StoredResponse response, boolean replayed) {
    }

    /**
     * As {@link #once}, for callers that are not HTTP requests (AMQP intake): the stored answer itself, the action
     * run under the claim (see {@link Claim}).
     */
    public Uni<Outcome> outcome(String subject, String scope, String key, String requestPath, Object request,
            Function<Claim, Uni<StoredResponse>> action) {
        if (key == null) {
            return run(action, Claim.none(), requestPath).map(r -> new Outcome(r, false));
        }
        if (!isValidKey(key)) {
            return Uni.createFrom().failure(new InvalidRequest(HEADER, "must be 1-255 printable ASCII characters"));
        }
        String hash = fingerprint(requestPath, request);
        ScopedKey scoped = new ScopedKey(subject, scope, key);
        Tuple claim = Tuple.of(scoped.subject(), scoped.scope(), key, hash,
                config.inFlightLease().toSeconds(), config.retention().toSeconds());
        return releases.settle(scoped).chain(() -> pool.preparedQuery(CLAIM).execute(claim)).chain(claimed -> {
            if (claimed.rowCount() == 0) {
                return answerFromStored(scoped, hash);
            }
            Row row = claimed.iterator().next();
            int attempt = row.getInteger("attempt");
            Claim.WorkMarker marker = tx -> tx.preparedQuery(MARK_WORK)
                    .execute(Tuple.of(scoped.subject(), scoped.scope(), key, attempt))
                    .map(rows -> rows.size() > 0 && Boolean.TRUE.equals(rows.iterator().next().getBoolean(0)));
            return runAndStore(scoped, requestPath, new Claim(row.getUUID("resource_id"), attempt > 1, marker),
                    attempt, action);
        });
    }

    /*
     * A failure of the action or of the key's completion (the action may have committed: a retry then recovers its
     * result through the claim) ends the key's lease, so that a retry need not wait for it.
     */
    private Uni<Outcome> runAndStore(ScopedKey key, String requestPath, Claim claim, int attempt,
            Function<Claim, Uni<StoredResponse>> action) {
        return run(action, claim, requestPath)
                .chain(response -> pool.preparedQuery(COMPLETE)
                        .execute(Tuple.of(key.subject(), key.scope(), key.key(), response.status(), response.body(),
                                new JsonObject(new HashMap<>(response.headers()))))
                        .replaceWith(new Outcome(response, false)))
                .onFailure().call(failure -> releases.release(key, attempt));
    }

    private Uni<Outcome> answerFromStored(ScopedKey key, String hash) {
        return pool.preparedQuery(EXISTING).execute(Tuple.of(key.subject(), key.scope(), key.key())).map(rows -> {
            if (rows.size() == 0) {
                // purged between our claim and this read: the client may simply retry
                throw IdempotencyConflict.inFlight();
            }
            Row row = rows.iterator().next();
            if (!hash.equals(row.getString("request_hash"))) {
                throw IdempotencyConflict.reusedWithAnotherBody();
            }
            if (!"DONE".equals(row.getString("state"))) {
                throw IdempotencyConflict.inFlight();
            }
            String body = row.getString("response_body");
            JsonObject storedHeaders = (JsonObject) row.getJson("response_headers");
            Map<String, String> headers = new HashMap<>();
            if (storedHeaders != null) {
                storedHeaders.forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
            }
            int status = row.getInteger("response_status");
            String mediaType = status >= 400 ? Problem.MEDIA_TYPE : "application/json";
            return new Outcome(new StoredResponse(status, body, mediaType, headers), true);
        });
    }

    /** The action's response, or its domain refusal as a problem response (so that it can be stored). */
    private Uni<StoredResponse> run(Function<Claim, Uni<StoredResponse>> action, Claim claim, String requestPath) {
        return Uni.createFrom().<StoredResponse> deferred(() -> action.apply(claim))
                .onFailure(OrdoException::isRefusal).recoverWithItem(failure -> {
                    Problem problem = OrdoException.problemOf(failure).withInstance(requestPath);
                    return new StoredResponse(problem.getStatus(), write(problem), Problem.MEDIA_TYPE, Map.of());
                });
    }

    public String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
    }

    private String fingerprint(String requestPath, Object request) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(requestPath.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(json.writeValueAsBytes(request));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isValidKey(String key) {
        if (key.isEmpty() || key.length() > 255) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
