package dev.hostdev.engine.kmod;

import dev.hostdev.engine.sysfs.HostRoot;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The modules that can drive a device, as {@code lspci -k} finds them through libkmod: the device's
 * {@code modalias} matched against the shell-style patterns of {@code /lib/modules/RELEASE/modules.alias},
 * and when none matches, of {@code modules.builtin.alias} (modules built into the kernel). RELEASE is
 * the kernel's release as the host root tells it ({@code /proc/sys/kernel/osrelease}), else the
 * running kernel's. Aliases in modprobe.d configuration are not read. Only the aliases of one bus are
 * kept ({@code pci:} for PCI devices), so that matching a listing costs little.
 */
public final class ModuleAliases {
    private record Alias(String pattern, String literalPrefix, String module) {
    }

    private final List<Alias> aliases;
    private final List<Alias> builtin;
    private final Optional<Path> file;

    private ModuleAliases(List<Alias> aliases, List<Alias> builtin, Optional<Path> file) {
        this.aliases = aliases;
        this.builtin = builtin;
        this.file = file;
    }

    /**
     * Reads the aliases of the bus whose modaliases start with {@code busPrefix} (e.g. {@code "pci:"}).
     * A missing or unreadable file gives no aliases: {@link #file()} tells which file was read.
     */
    public static ModuleAliases load(HostRoot root, String busPrefix) {
        String release = firstLine(root.resolve("/proc/sys/kernel/osrelease")).filter(r -> !r.isEmpty())
                .orElse(System.getProperty("os.version"));
        if (release == null || release.isEmpty() || release.contains("/") || release.startsWith(".")) {
            return new ModuleAliases(List.of(), List.of(), Optional.empty());
        }
        Path dir = root.resolve("/lib/modules/" + release);
        Path aliasFile = dir.resolve("modules.alias");
        return new ModuleAliases(read(aliasFile, busPrefix), read(dir.resolve("modules.builtin.alias"), busPrefix),
                Files.isReadable(aliasFile) ? Optional.of(aliasFile) : Optional.empty());
    }

    /** The modules.alias read, if there was one. */
    public Optional<Path> file() {
        return file;
    }

    /** The modules whose aliases match {@code modalias}, each once, in the order of the file. */
    public List<String> modulesFor(String modalias) {
        Set<String> out = matches(aliases, modalias);
        if (out.isEmpty()) {
            out = matches(builtin, modalias);
        }
        return List.copyOf(out);
    }

    private static Set<String> matches(List<Alias> list, String modalias) {
        Set<String> out = new LinkedHashSet<>();
        for (Alias a : list) {
            if (modalias.startsWith(a.literalPrefix()) && Glob.matches(a.pattern(), modalias)) {
                out.add(a.module());
            }
        }
        return out;
    }

    private static List<Alias> read(Path file, String busPrefix) {
        List<Alias> out = new ArrayList<>();
        if (!Files.isReadable(file)) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            for (String l; (l = r.readLine()) != null; ) {
                if (!l.startsWith("alias " + busPrefix)) {
                    continue;
                }
                String[] w = l.trim().split("\\s+");
                if (w.length == 3) {
                    out.add(new Alias(w[1], Glob.literalPrefix(w[1]), w[2]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable alias file names no modules; the driver in use is still shown
            return out;
        }
        return out;
    }

    private static Optional<String> firstLine(Path p) {
        if (!Files.isReadable(p)) {
            return Optional.empty();
        }
        try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.ISO_8859_1)) {
            return Optional.ofNullable(r.readLine()).map(String::trim);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
