package io.ordo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way (DESIGN.md): {@code io.ordo.common} is the ground and names no feature package;
 * {@code io.ordo.security} names nothing else of Ordo, and in particular not {@code common} (neither of the two
 * imports the other; the security package refuses with Quarkus's own exception types, which common maps);
 * {@code io.ordo.ops} runs the features' background duties through CDI and names none of them. Checked on
 * the source files: every reference to an {@code io.ordo.<package>} outside comments and string literals, imports,
 * static imports and fully qualified names alike.
 */
class DependencyRuleTest {
    private static final Path MAIN = Path.of("src/main/java/io/ordo");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.ordo\\.([a-z][a-z0-9_]*)");
    private static final Pattern LITERALS_AND_COMMENTS = Pattern.compile(
            "\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])+'|/\\*(?s:.*?)\\*/|//[^\\n]*");

    @Test
    void commonNamesNoFeaturePackage() {
        assertEquals(List.of(), violations("common", Set.of("common")));
    }

    @Test
    void opsComposesTheFeaturesDutiesWithoutNamingAFeature() {
        assertEquals(List.of(), violations("ops", Set.of("ops", "common", "security")));
    }

    @Test
    void securityNamesNoOtherOrdoPackageNotEvenCommon() {
        assertEquals(List.of(), violations("security", Set.of("security")));
    }

    @Test
    void theScanSeesImportsStaticImportsAndQualifiedNamesButNotCommentsOrStrings() {
        String source = """
                package io.ordo.common;
                import io.ordo.order.OrderView;
                import static io.ordo.webhook.EventTypes.ALL;
                /** Not {@link io.ordo.catalog.Channel}. */
                class X { // io.ordo.fulfillment in a comment
                    String s = "io.ordo.outbox in a string";
                    Object o = new io.ordo.inventory.Sku();
                }
                """;
        assertEquals(Set.of("common", "order", "webhook", "inventory"), referencedPackages(source));
    }

    /** {@code file: io.ordo.<package>} for each reference of a file under {@code io/ordo/<root>} outside {@code allowed}. */
    private static List<String> violations(String root, Set<String> allowed) {
        Path dir = MAIN.resolve(root);
        assertTrue(Files.isDirectory(dir), "run from the project directory: " + dir.toAbsolutePath());
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
            assertTrue(sources.size() > 2, "found the sources of " + root);
            return sources.stream()
                    .flatMap(file -> referencedPackages(read(file)).stream()
                            .filter(used -> !allowed.contains(used))
                            .map(used -> MAIN.relativize(file) + ": io.ordo." + used))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first segment after {@code io.ordo.} of every reference in the code (package declaration included). */
    static Set<String> referencedPackages(String source) {
        String code = LITERALS_AND_COMMENTS.matcher(source).replaceAll(" ");
        Set<String> packages = new TreeSet<>();
        Matcher reference = REFERENCE.matcher(code);
        while (reference.find()) {
            packages.add(reference.group(1));
        }
        return packages;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
