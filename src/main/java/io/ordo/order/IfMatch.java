package io.ordo.order;

/** Reads the order version out of an {@code If-Match} header ({@code "3"}, {@code W/"3"}); {@code *} matches any. */
public final class IfMatch {
    private IfMatch() {
    }

    /** The expected version, null when there is no precondition, or -1 when the header names no version of ours. */
    public static Integer expectedVersion(String header) {
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return null;
        }
        String tag = header.trim();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        try {
            return Integer.parseInt(tag);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static String etag(int version) {
        return "\"" + version + "\"";
    }
}
