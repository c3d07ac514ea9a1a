package io.ordo.ops;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The external tick ({@code ordo.ops.*}). */
@ConfigMapping(prefix = "ordo.ops")
public interface OpsConfig {
    /**
     * How long a tick may start new work: no duty starts a batch after it (a batch under way finishes; a webhook
     * batch may take one {@code ordo.webhooks.timeout} more). Keep the budget plus that timeout under the HTTP idle
     * timeout (30 s): a caller waiting longer sees its connection closed, although the round still completes.
     */
    @WithDefault("15s")
    Duration tickBudget();
}
