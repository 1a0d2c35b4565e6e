package dev.hostdev.launcher.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.json.JsonTrees;
import java.io.IOException;

/**
 * TOML text into a tree, with the parser's errors told as {@code FILE:LINE: not valid TOML: …}: what the spec
 * loader and the host configuration loader share.
 */
final class TomlText {
    /** TOML's parser factory, with the defaults a {@code TomlMapper} has. */
    private static final TomlFactory TOML = new TomlFactory();

    private TomlText() {
    }

    /**
     * Parses {@code text}, read from {@code source}.
     *
     * @param hint the fix a syntax error is told with (what the file's keys look like)
     * @return the tree, or null for text with no keys (empty, or comments only)
     * @throws HostdevException usage, naming the file and the line of the error
     */
    static JsonNode parse(SpecSource source, String text, String hint) {
        try {
            try (JsonParser p = TOML.createParser(text)) {
                return JsonTrees.read(p);
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            String message = e.getOriginalMessage();
            // The parser reports a duplicate after reading on, past blank lines and comments: find it ourselves.
            if (message.startsWith("Duplicate key") && source.lines().duplicateKey() != null) {
                line = source.lines().duplicateLine();
                message = SpecSource.keyName(source.lines().duplicateKey()) + " is defined twice";
            }
            throw source.errorAtLine(line, "not valid TOML: " + message, hint);
        } catch (IOException e) {
            // the text is in memory: only the parser's own errors (above) can come
            throw source.errorAtLine(0, "not valid TOML: " + e.getMessage(), hint);
        }
    }
}
