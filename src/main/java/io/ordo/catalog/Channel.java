package io.ordo.catalog;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

/** A sales channel. Its code is the immutable key that orders, tokens and webhooks refer to. */
@Entity
@Table(name = "channels")
public class Channel extends CatalogEntry {
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ChannelType type;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    static Channel create(CreateChannel request, Instant now) {
        Channel channel = new Channel();
        channel.code = request.code();
        channel.name = request.name().strip();
        channel.type = request.type();
        channel.createdAt = now;
        return channel;
    }
}
