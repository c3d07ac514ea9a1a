package io.ordo.catalog;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A channel as the API shows it. */
@RegisterForReflection
@Schema(name = "Channel")
public record ChannelView(
        @Schema(examples = "web-eu") String code,
        @Schema(examples = "Web shop EU") String name,
        @Schema(examples = "WEB") ChannelType type,
        Instant createdAt) {

    static ChannelView of(Channel channel) {
        return new ChannelView(channel.code, channel.name, channel.type, channel.createdAt);
    }
}
