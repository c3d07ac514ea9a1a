package io.ordo.common;

/** The kinds of problem Ordo reports, each with a stable type URI that clients may switch on. */
public enum ProblemType {
    VALIDATION(400, "Invalid request", "validation"),
    MALFORMED_JSON(400, "Malformed JSON", "malformed-json"),
    UNAUTHORIZED(401, "Authentication required", "unauthorized"),
    FORBIDDEN(403, "Forbidden", "forbidden"),
    NOT_FOUND(404, "Not found", "not-found"),
    CONFLICT(409, "Conflict", "conflict"),
    ALREADY_EXISTS(409, "Already exists", "already-exists"),
    STOCK_LEVEL_REFUSED(409, "Stock level not allowed", "stock-level-refused"),
    INSUFFICIENT_STOCK(409, "Insufficient stock", "insufficient-stock"),
    DUPLICATE_ORDER(409, "Duplicate order", "duplicate-order"),
    TRANSITION_NOT_ALLOWED(409, "Transition not allowed", "transition-not-allowed"),
    HOLD_NOT_USABLE(409, "Hold cannot be used", "hold-not-usable"),
    REQUEST_IN_FLIGHT(409, "Request still in flight", "request-in-flight"),
    NOT_SHIPPABLE(409, "Not shippable", "not-shippable"),
    NOT_RETURNABLE(409, "Not returnable", "not-returnable"),
    RETURN_MISMATCH(409, "More received than the return asked for", "return-mismatch"),
    REFUND_EXCEEDS_PAID(409, "Refund exceeds what was paid", "refund-exceeds-paid"),
    STALE_VERSION(412, "Precondition failed", "stale-version"),
    PRECONDITION_REQUIRED(428, "Precondition required", "precondition-required"),
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused", "idempotency-key-reused"),
    PAYLOAD_TOO_LARGE(413, "Request body too large", "payload-too-large"),
    SERVICE_UNAVAILABLE(503, "Service unavailable", "service-unavailable"),
    INTERNAL(500, "Internal error", "internal");

    private static final String PREFIX = "urn:ordo:problem:";

    private final int status;
    private final String title;
    private final String slug;

    ProblemType(int status, String title, String slug) {
        this.status = status;
        this.title = title;
        this.slug = slug;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String uri() {
        return PREFIX + slug;
    }
}
