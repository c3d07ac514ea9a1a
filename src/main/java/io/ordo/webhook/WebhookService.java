package io.ordo.webhook;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.InvalidRequest;
import io.ordo.common.PgErrors;
import io.ordo.common.ResourceNotFound;
import io.ordo.common.idempotency.Claim;
import io.ordo.outbox.EventType;
import io.ordo.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Subscriptions and their delivery log. A channel token manages only its own channel's subscriptions (others are
 * 404s, so their existence never leaks); an admin manages all, including those for every channel.
 */
@ApplicationScoped
public class WebhookService {
    public static final int DEFAULT_PAGE = 50;
    public static final int MAX_PAGE = 200;

    private final WebhookRepository webhooks;
    private final WebhookUrlGuard guard;
    private final long rotationWindowSeconds;

    public WebhookService(WebhookRepository webhooks, WebhookUrlGuard guard, WebhooksConfig config) {
        this.webhooks = webhooks;
        this.guard = guard;
        this.rotationWindowSeconds = config.secretRotationWindow().toSeconds();
    }

    /**
     * Creates a subscription under an idempotency claim (its id is the claim's); the answer is the only time its
     * secret is shown. When an earlier attempt of this request created it and its instance died before answering,
     * the answer is that subscription with the secret it was created with (the one it signs with; its current one if
     * it was rotated meanwhile): never a second subscription, never a second secret.
     */
    public Uni<WebhookView> create(CreateWebhook request, Caller caller, Claim claim) {
        String channel = caller.channelForWrite(request.channel()).orElse(null);
        List<String> events = eventTypes(request.events());
        String secret = Signatures.newSecret();
        UUID id = claim.idOrRandom();
        return guard.check(request.url())
                .chain(target -> webhooks.insert(id, request.url(), events, channel, request.description(), secret))
                .onFailure(PgErrors::isForeignKeyViolation)
                .transform(e -> new InvalidRequest("channel", "no channel '" + channel + "' exists"))
                .chain(created -> created.isPresent() ? Uni.createFrom().item(created.get().view().withSecret(secret))
                        : webhooks.createdWithSecret(id).map(earlier -> earlier.orElseThrow(
                                () -> new IllegalStateException("webhook " + id + " reported existing but not found"))));
    }

    public Uni<List<WebhookView>> list(Caller caller, String channel) {
        if (caller.channel().isPresent()) {
            String own = caller.channel().get();
            if (channel != null && !channel.equals(own)) {
                return Uni.createFrom().item(List.of());
            }
            channel = own;
        }
        return webhooks.list(channel).map(all -> all.stream().map(WebhookRepository.Subscription::view).toList());
    }

    public Uni<WebhookView> get(UUID id, Caller caller) {
        return visible(id, caller).map(WebhookRepository.Subscription::view);
    }

    public Uni<WebhookView> update(UUID id, UpdateWebhook request, Caller caller) {
        List<String> events = request.events() == null ? null : eventTypes(request.events());
        Uni<?> urlChecked = request.url() == null ? Uni.createFrom().voidItem() : guard.check(request.url());
        return visible(id, caller).chain(() -> urlChecked)
                .chain(() -> webhooks.update(id, request.url(), events, request.description(), request.enabled()))
                .onItem().ifNull().failWith(() -> notFound(id))
                .map(WebhookRepository.Subscription::view);
    }

    public Uni<Void> delete(UUID id, Caller caller) {
        return visible(id, caller).chain(() -> webhooks.delete(id)).replaceWithVoid();
    }

    /** A new secret; deliveries carry signatures with both for {@code ordo.webhooks.secret-rotation-window}. */
    public Uni<SecretView> rotateSecret(UUID id, Caller caller) {
        String secret = Signatures.newSecret();
        return visible(id, caller).chain(() -> webhooks.rotateSecret(id, secret, rotationWindowSeconds))
                .onItem().ifNull().failWith(() -> notFound(id))
                .map(previousUntil -> new SecretView(secret, previousUntil));
    }

    public Uni<List<DeliveryView>> deliveries(UUID id, DeliveryStatus status, int limit, Caller caller) {
        return visible(id, caller).chain(() -> webhooks.deliveries(id, status, limit));
    }

    /** Makes a delivery due now, whatever its status; a FAILED one gets one more attempt. */
    public Uni<DeliveryView> retry(UUID id, UUID deliveryId, Caller caller) {
        return visible(id, caller).chain(() -> webhooks.retry(id, deliveryId)).chain(retried -> webhooks
                .delivery(id, deliveryId).map(found -> {
                    DeliveryView view = found.orElseThrow(() -> new ResourceNotFound("Delivery", deliveryId.toString()));
                    if (!retried) {
                        throw new DeliveryNotRetryable();
                    }
                    return view;
                }));
    }

    private Uni<WebhookRepository.Subscription> visible(UUID id, Caller caller) {
        return webhooks.find(id).map(found -> found
                .filter(s -> caller.admin() || caller.channel().map(own -> own.equals(s.channel())).orElse(false))
                .orElseThrow(() -> notFound(id)));
    }

    private static ResourceNotFound notFound(UUID id) {
        return new ResourceNotFound("Webhook", id.toString());
    }

    private static List<String> eventTypes(List<String> requested) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            String type = requested.get(i);
            if (EventType.fromWire(type).isEmpty()) {
                throw new InvalidRequest("events[" + i + "]",
                        "must be one of " + String.join(", ", EventType.wireNames()));
            }
            if (!seen.add(type)) {
                throw new InvalidRequest("events[" + i + "]", "is listed twice");
            }
        }
        return List.copyOf(requested);
    }
}
