package io.ordo.support;

import java.util.UUID;

/** Unique codes so that tests sharing one database never collide. */
public final class Ids {
    private Ids() {
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
