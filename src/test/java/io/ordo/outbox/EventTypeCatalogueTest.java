package io.ordo.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * {@link EventType} is the one list of event types, so every type Ordo emits must be in it. The SQL functions emit
 * some types as string literals: this scans every {@code *.sql} file under {@code db/migration} (versioned and
 * repeatable alike, at any depth) and every Java source for literals shaped like an event type ({@code 'word.word'}
 * or {@code "word.word"}) and fails on one that is not a constant of the enum, so a new emitted type cannot be left
 * unsubscribable.
 */
class EventTypeCatalogueTest {
    /** A literal shaped like an event type: aggregate, dot, event name, both lower case. */
    private static final Pattern SQL_LITERAL = Pattern.compile("'([a-z][a-z_]*\\.[a-z][a-z_]*)'");
    private static final Pattern JAVA_LITERAL = Pattern.compile("[\"']([a-z][a-z_]*\\.[a-z][a-z_]*)[\"']");
    /**
     * Dotted literals that are not event types: {@code ordo.*} are custom PostgreSQL settings (current_setting),
     * the others name files, packages or media types.
     */
    private static final Set<String> NOT_EVENT_PREFIXES = Set.of("ordo", "io", "application", "java", "jakarta",
            "org", "pg_catalog", "public");

    static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
    static final Path JAVA = Path.of("src/main/java");

    @Test
    void everyTypeLiteralInTheMigrationsIsAnEventType() {
        List<Path> scripts = files(MIGRATIONS, ".sql");
        assertTrue(scripts.size() >= 7, "the migrations are found: " + scripts);
        Set<String> literals = literals(scripts, SQL_LITERAL);
        assertTrue(literals.containsAll(Set.of("order.created", "hold.expired", "stock.low")),
                "the scan sees the types the SQL functions emit today: " + literals);
        assertAllKnown(literals);
    }

    @Test
    void everyTypeLiteralInTheJavaSourcesIsAnEventType() {
        List<Path> sources = files(JAVA, ".java");
        assertTrue(sources.size() > 50, "the sources are found");
        Set<String> literals = literals(sources, JAVA_LITERAL);
        assertTrue(literals.contains("order.rejected"), "the scan sees the AMQP intake's SQL: " + literals);
        assertAllKnown(literals);
    }

    @Test
    void wireNamesAreUniqueAndShapedLikeTheContract() {
        List<String> names = EventType.wireNames();
        assertEquals(names.size(), new TreeSet<>(names).size());
        names.forEach(name -> assertTrue(SQL_LITERAL.matcher("'" + name + "'").matches(), name));
        assertTrue(names.contains("order.return_received"));
    }

    private static void assertAllKnown(Set<String> literals) {
        List<String> unknown = literals.stream()
                .filter(l -> !NOT_EVENT_PREFIXES.contains(l.substring(0, l.indexOf('.'))))
                .filter(l -> EventType.fromWire(l).isEmpty())
                .toList();
        assertEquals(List.of(), unknown, "emitted event types missing from io.ordo.outbox.EventType (add them there, "
                + "or to NOT_EVENT_PREFIXES if they are not event types)");
    }

    private static Set<String> literals(List<Path> files, Pattern pattern) {
        Set<String> found = new TreeSet<>();
        for (Path file : files) {
            Matcher matcher = pattern.matcher(read(file));
            while (matcher.find()) {
                found.add(matcher.group(1));
            }
        }
        return found;
    }

    private static List<Path> files(Path root, String suffix) {
        try (Stream<Path> walk = Files.walk(root)) {
            return new ArrayList<>(walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
