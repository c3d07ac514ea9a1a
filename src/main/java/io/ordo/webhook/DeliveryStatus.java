package io.ordo.webhook;

/** PENDING until a 2xx (DELIVERED) or until the last attempt failed or the endpoint said 410 Gone (FAILED). */
public enum DeliveryStatus {
    PENDING, DELIVERED, FAILED
}
