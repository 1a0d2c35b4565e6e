package dev.hostdev.launcher.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two facts of a VM spec the memlock check needs: how much RAM the guest gets and whether it
 * has an emulated IOMMU. Only those keys are read; the full spec is the VM side's business.
 *
 * @param file         the spec file, for messages
 * @param memoryBytes  guest RAM in bytes
 * @param guestIommu   whether the guest gets an emulated IOMMU ({@code iommu} set and not false)
 */
public record SpecFacts(Path file, long memoryBytes, boolean guestIommu) {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(i?B)?", Pattern.CASE_INSENSITIVE);
    private static final long MIB = 1L << 20;

    /** Validates the memory size. */
    public SpecFacts {
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("guest memory must be positive: " + memoryBytes);
        }
    }

    /**
     * Reads {@code memory} and {@code iommu} from a spec file.
     *
     * @throws HostdevException not found when the file is absent, usage when it is not TOML or
     *                          lacks a readable {@code memory}
     */
    public static SpecFacts read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw HostdevException.notFound("VM spec " + file + " does not exist", "give the path of a VM spec file (TOML)");
        }
        JsonNode tree;
        try {
            tree = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw HostdevException.usage("VM spec " + file + " is not valid TOML: " + firstLine(e.getMessage()),
                    "see docs/spec.md for the format");
        }
        JsonNode memory = tree.get("memory");
        if (memory == null) {
            throw HostdevException.usage("VM spec " + file + " has no 'memory'", "add e.g. memory = \"2G\"");
        }
        long bytes = parseMemory(memory.asText(), file);
        JsonNode iommu = tree.get("iommu");
        boolean guestIommu = iommu != null && !iommu.isNull()
                && !(iommu.isBoolean() && !iommu.booleanValue())
                && !iommu.asText().isBlank() && !iommu.asText().equalsIgnoreCase("none");
        return new SpecFacts(file, bytes, guestIommu);
    }

    /** Parses a size as QEMU's {@code -m} does: a bare number is MiB; K, M, G, T suffixes. */
    static long parseMemory(String text, Path file) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw HostdevException.usage("VM spec " + file + ": memory '" + text + "' is not a size",
                    "write e.g. memory = \"2G\" or memory = 2048 (MiB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        long factor = switch (unit) {
            case "K" -> 1L << 10;
            case "G" -> 1L << 30;
            case "T" -> 1L << 40;
            default -> MIB;
        };
        return Math.multiplyExact(n, factor);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
