package dev.hostdev.launcher.spec;

import dev.hostdev.engine.HostdevException;
import java.nio.file.Path;

/**
 * Where a spec came from: the file's name for messages, the directory that relative paths in it
 * are resolved against, and the line of every key.
 */
final class SpecSource {
    private final String fileName;
    private final Path baseDir;
    private final TomlLineIndex lines;

    SpecSource(String fileName, Path baseDir, TomlLineIndex lines) {
        this.fileName = fileName;
        this.baseDir = baseDir;
        this.lines = lines;
    }

    /** The directory relative paths are resolved against. */
    Path baseDir() {
        return baseDir;
    }

    /** The line of the key at a JSON pointer (or its nearest known parent), 0 if unknown. */
    int lineOf(String pointer) {
        return lines.lineOf(pointer);
    }

    /** The index of key lines. */
    TomlLineIndex lines() {
        return lines;
    }

    /** Where the key at a JSON pointer is: {@code FILE:LINE}, or {@code FILE} when its line is unknown. */
    String where(String pointer) {
        int line = lineOf(pointer);
        return line > 0 ? fileName + ":" + line : fileName;
    }

    /** A usage error located at the key: {@code FILE:LINE: message}. */
    HostdevException error(String pointer, String message, String hint) {
        return errorAtLine(lineOf(pointer), message, hint);
    }

    /** A usage error at a known line (0: the file as a whole). */
    HostdevException errorAtLine(int line, String message, String hint) {
        String where = line > 0 ? fileName + ":" + line : fileName;
        return HostdevException.usage(where + ": " + message, hint);
    }

    /** Turns a JSON pointer into the spelling a person reads: {@code hostdev[1].pci}. */
    static String keyName(String pointer) {
        StringBuilder b = new StringBuilder();
        for (String part : pointer.substring(1).split("/")) {
            String p = part.replace("~1", "/").replace("~0", "~");
            if (!p.isEmpty() && p.chars().allMatch(Character::isDigit)) {
                b.append('[').append(p).append(']');
            } else {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(p);
            }
        }
        return b.toString();
    }
}
