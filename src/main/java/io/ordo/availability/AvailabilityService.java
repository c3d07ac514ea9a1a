package io.ordo.availability;

import java.util.LinkedHashSet;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.ResourceNotFound;
import io.ordo.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * What SKUs may be promised now, for a caller: admin and fulfillment count the channel they name (or every location);
 * a channel token always counts its own channel's assortment, and naming another channel is a 404, as reading that
 * channel is (its existence never leaks).
 */
@ApplicationScoped
public class AvailabilityService {
    private final AvailabilityRepository availability;

    public AvailabilityService(AvailabilityRepository availability) {
        this.availability = availability;
    }

    /** The figures of the request's SKUs (already validated), each once, in the order first asked. */
    public Uni<List<SkuAvailability>> find(AvailabilityRequest request, Caller caller) {
        String channel = request.channel();
        if (!caller.seesAllChannels()) {
            String own = caller.channel().orElseThrow();
            if (channel != null && !channel.equals(own)) {
                return Uni.createFrom().failure(new ResourceNotFound("Channel", channel));
            }
            channel = own;
        }
        String scope = channel;
        List<String> skus = List.copyOf(new LinkedHashSet<>(request.skus()));
        return availability.find(skus, scope)
                .map(found -> found.orElseThrow(() -> new ResourceNotFound("Channel", scope)));
    }
}
