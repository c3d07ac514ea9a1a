package io.ordo.catalog;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.AlreadyExists;
import io.ordo.common.PgErrors;
import io.ordo.common.ResourceNotFound;
import io.ordo.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ChannelService {
    private final Clock clock;

    public ChannelService(Clock clock) {
        this.clock = clock;
    }

    public Uni<ChannelView> create(CreateChannel request) {
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
        return Panache.withTransaction(() -> Channel.create(request, now).<Channel> persistAndFlush())
                .map(ChannelView::of)
                .onFailure(PgErrors::isUniqueViolation)
                .transform(e -> new AlreadyExists("Channel", request.code()));
    }

    /** The channels this caller may see: all of them, or a channel token's own. */
    @WithSession
    public Uni<List<ChannelView>> list(Caller caller) {
        Uni<List<Channel>> channels = caller.seesAllChannels()
                ? Channel.<Channel> listAll(Sort.by("code"))
                : Channel.<Channel> list("code", caller.channel().orElseThrow());
        return channels.map(all -> all.stream().map(ChannelView::of).toList());
    }

    /** One channel; another channel's code is a 404 for a channel token, so existence never leaks. */
    @WithSession
    public Uni<ChannelView> get(String code, Caller caller) {
        if (!caller.maySee(code)) {
            return Uni.createFrom().failure(new ResourceNotFound("Channel", code));
        }
        return Channel.<Channel> findById(code)
                .onItem().ifNull().failWith(() -> new ResourceNotFound("Channel", code))
                .map(ChannelView::of);
    }
}
