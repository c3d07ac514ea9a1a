package io.ordo.catalog;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

/** A warehouse or store that holds stock. Reservations prefer the lowest {@link #priority}. */
@Entity
@Table(name = "locations")
public class Location extends CatalogEntry {
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public LocationType type;

    @Column(nullable = false)
    public int priority;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    static Location create(CreateLocation request, Instant now) {
        Location location = new Location();
        location.code = request.code();
        location.name = request.name().strip();
        location.type = request.type();
        location.priority = request.priority();
        location.createdAt = now;
        return location;
    }
}
