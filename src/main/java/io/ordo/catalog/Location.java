package io.ordo.catalog;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import io.ordo.common.InvalidRequest;

/**
 * A warehouse or store that holds stock. Routing ranks locations by the channel's rules (R__routing_functions.sql);
 * {@link #priority} (lower first) is the default rule and every tie-break. {@link #country} and the coordinates feed
 * SAME_COUNTRY and NEAREST; an inactive location is not reserved from.
 */
@Entity
@Table(name = "locations")
public class Location extends CatalogEntry {
    static final String COUNTRY = "^[A-Z]{2}$";
    static final String COUNTRY_MESSAGE = "must be an ISO 3166-1 alpha-2 code such as PT";

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public LocationType type;

    @Column(nullable = false)
    public int priority;

    public String country;

    public Double latitude;

    public Double longitude;

    @Column(nullable = false)
    public boolean active;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    static Location create(CreateLocation request, Instant now) {
        requireCoordinatePair(request.latitude(), request.longitude());
        Location location = new Location();
        location.code = request.code();
        location.name = request.name().strip();
        location.type = request.type();
        location.priority = request.priority();
        location.country = request.country();
        location.latitude = request.latitude();
        location.longitude = request.longitude();
        location.active = request.active() == null || request.active();
        location.createdAt = now;
        location.updatedAt = now;
        return location;
    }

    void update(UpdateLocation change, Instant now) {
        if (change.name() != null) {
            name = change.name().strip();
        }
        if (change.priority() != null) {
            priority = change.priority();
        }
        if (change.country() != null) {
            country = change.country();
        }
        if (change.latitude() != null) {
            latitude = change.latitude();
            longitude = change.longitude();
        }
        if (change.active() != null) {
            active = change.active();
        }
        updatedAt = now;
    }

    static void requireCoordinatePair(Double latitude, Double longitude) {
        if ((latitude == null) != (longitude == null)) {
            throw new InvalidRequest(latitude == null ? "latitude" : "longitude",
                    "latitude and longitude must be given together");
        }
    }
}
