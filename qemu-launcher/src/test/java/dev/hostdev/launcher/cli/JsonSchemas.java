package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schemas of docs/schemas (one per command, as docs/json.md documents them), and the check every
 * {@code --json} output must pass: one compact object on one line, valid against its command's schema.
 */
public final class JsonSchemas {
    /** docs/schemas, seen from the module's directory where Maven runs the tests. */
    public static final Path DIR = Path.of("..", "docs", "schemas").toAbsolutePath().normalize();
    /** Reads schemas (and the files their relative $refs name) from docs/schemas only, never from a network. */
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemas(JsonSchemas::read));
    private static final Map<String, Schema> LOADED = new ConcurrentHashMap<>();

    private JsonSchemas() {
    }

    /** The schema of docs/schemas/NAME.schema.json. */
    public static Schema schema(String name) {
        return LOADED.computeIfAbsent(name, n -> {
            Path file = DIR.resolve(n + ".schema.json");
            assertTrue(Files.isRegularFile(file), "no schema " + file);
            return REGISTRY.getSchema(SchemaLocation.of(file.toUri().toString()));
        });
    }

    /**
     * Requires {@code stdout} to be exactly one line holding one compact JSON object that {@code name}'s schema
     * accepts.
     *
     * @param what how a failure names the command
     */
    public static void assertValid(String name, String stdout, String what) {
        assertTrue(stdout.endsWith("\n"), what + ": output ends its line: " + stdout);
        String line = stdout.substring(0, stdout.length() - 1);
        assertFalse(line.contains("\n"), what + ": one line, not several:\n" + stdout);
        assertTrue(line.startsWith("{"), what + ": an object: " + line);
        assertFalse(line.startsWith("{ ") || line.contains("\": "), what + ": compact, no pretty-printing: " + line);
        List<Error> errors = schema(name).validate(line, InputFormat.JSON);
        if (!errors.isEmpty()) {
            fail(what + " does not match docs/schemas/" + name + ".schema.json:\n  "
                    + String.join("\n  ", errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList())
                    + "\noutput: " + line);
        }
    }

    private static String read(String iri) {
        if (!iri.startsWith("file:")) {
            return null;
        }
        Path file = Path.of(java.net.URI.create(iri)).normalize();
        if (!file.startsWith(DIR)) {
            return null;
        }
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The names of every schema file. */
    public static List<String> names() throws java.io.IOException {
        try (var s = Files.list(DIR)) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".schema.json"))
                    .map(f -> f.substring(0, f.length() - ".schema.json".length())).sorted().toList();
            assertFalse(names.isEmpty());
            return names;
        }
    }

    static void assertExit(int expected, CliRun r, String what) {
        assertEquals(expected, r.exitCode(), what + ": " + r.err() + r.out());
    }
}
