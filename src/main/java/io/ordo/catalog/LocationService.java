package io.ordo.catalog;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.ordo.common.AlreadyExists;
import io.ordo.common.InvalidRequest;
import io.ordo.common.PgErrors;
import io.ordo.common.ResourceNotFound;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class LocationService {
    private final Clock clock;

    public LocationService(Clock clock) {
        this.clock = clock;
    }

    public Uni<LocationView> create(CreateLocation request) {
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
        try {
            Location.requireCoordinatePair(request.latitude(), request.longitude());
        } catch (InvalidRequest e) {
            return Uni.createFrom().failure(e);
        }
        return Panache.withTransaction(() -> Location.create(request, now).<Location> persistAndFlush())
                .map(LocationView::of)
                .onFailure(PgErrors::isUniqueViolation)
                .transform(e -> new AlreadyExists("Location", request.code()));
    }

    /**
     * Changes the fields given; routing, holds, backorder serving and availability see the change from the next
     * transaction on (they read the locations row; nothing is cached).
     */
    public Uni<LocationView> update(String code, UpdateLocation change) {
        try {
            if (change.isEmpty()) {
                throw UpdateLocation.nothingToChange();
            }
            change.requireCoordinatePair();
        } catch (InvalidRequest e) {
            return Uni.createFrom().failure(e);
        }
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
        return Panache.withTransaction(() -> Location.<Location> findById(code)
                .onItem().ifNull().failWith(() -> new ResourceNotFound("Location", code))
                .invoke(location -> location.update(change, now))
                .call(location -> location.persistAndFlush()))
                .map(LocationView::of);
    }

    /** All locations in reservation order: by priority, then code. */
    @WithSession
    public Uni<List<LocationView>> list() {
        return Location.<Location> listAll(Sort.by("priority").and("code"))
                .map(all -> all.stream().map(LocationView::of).toList());
    }

    @WithSession
    public Uni<LocationView> get(String code) {
        return Location.<Location> findById(code)
                .onItem().ifNull().failWith(() -> new ResourceNotFound("Location", code))
                .map(LocationView::of);
    }
}
