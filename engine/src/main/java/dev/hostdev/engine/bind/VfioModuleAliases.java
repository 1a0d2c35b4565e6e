package dev.hostdev.engine.bind;

import dev.hostdev.engine.sysfs.HostRoot;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code vfio_pci:} aliases of the running kernel's {@code /lib/modules/$(uname -r)/modules.alias}: the
 * lines by which vfio-pci and its variant drivers ({@code mlx5_vfio_pci}, {@code nvgrace_gpu_vfio_pci}, …)
 * say which devices they drive, e.g. {@code alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci}.
 * The file is untrusted input: lines that are not of that form are skipped, and its size is capped.
 *
 * @param source  where the aliases were read from, or why none could be ({@code /lib/modules/6.1.0-18/modules.alias},
 *                "no /proc/sys/kernel/osrelease")
 * @param aliases the {@code vfio_pci:} aliases in file order
 * @param read    whether a modules.alias was read at all
 */
public record VfioModuleAliases(String source, List<Alias> aliases, boolean read) {
    private static final long MAX_BYTES = 64L << 20;
    private static final Pattern RELEASE = Pattern.compile("[A-Za-z0-9._+~-]{1,128}");
    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern GLOB = Pattern.compile("vfio_pci:[A-Za-z0-9*?]{1,200}");

    /**
     * One alias line.
     *
     * @param pattern the glob after {@code vfio_pci:}, e.g. {@code v000015B3d0000101Esv*sd*bc*sc*i*}
     * @param module  the module that provides it, e.g. {@code mlx5_vfio_pci}
     */
    public record Alias(String pattern, String module) {
        /** How many {@code *} wildcards it has: the fewer, the more specific (libvirt's measure). */
        public int wildcards() {
            return (int) pattern.chars().filter(c -> c == '*').count();
        }

        /** The line as modules.alias spells it. */
        public String line() {
            return "alias vfio_pci:" + pattern + " " + module;
        }

        boolean matches(String modaliasBody) {
            return glob(pattern, modaliasBody);
        }
    }

    /** Copies the list. */
    public VfioModuleAliases {
        aliases = List.copyOf(aliases);
    }

    /** Reads the aliases of the kernel whose release {@code /proc/sys/kernel/osrelease} under the root names. */
    public static VfioModuleAliases read(HostRoot root) {
        Path osrelease = root.resolve("/proc/sys/kernel/osrelease");
        String release;
        try {
            release = Files.isRegularFile(osrelease) && Files.size(osrelease) < 256
                    ? Files.readString(osrelease, StandardCharsets.UTF_8).strip() : "";
        } catch (IOException | RuntimeException e) {
            release = "";
        }
        if (!RELEASE.matcher(release).matches()) {
            return new VfioModuleAliases("no readable /proc/sys/kernel/osrelease", List.of(), false);
        }
        String name = "/lib/modules/" + release + "/modules.alias";
        Path file = root.resolve(name);
        List<Alias> out = new ArrayList<>();
        try {
            if (!Files.isRegularFile(file)) {
                return new VfioModuleAliases("no " + name, List.of(), false);
            }
            if (Files.size(file) > MAX_BYTES) {
                return new VfioModuleAliases(name + " is larger than " + (MAX_BYTES >> 20) + " MiB: not read", List.of(), false);
            }
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    parse(line).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            return new VfioModuleAliases("cannot read " + name + ": " + e.getMessage(), List.of(), false);
        }
        return new VfioModuleAliases(name, out, true);
    }

    /** One line, if it is {@code alias vfio_pci:GLOB MODULE}. */
    static Optional<Alias> parse(String line) {
        String[] f = line.strip().split("\\s+");
        if (f.length != 3 || !f[0].equals("alias") || !GLOB.matcher(f[1]).matches() || !MODULE.matcher(f[2]).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Alias(f[1].substring("vfio_pci:".length()), f[2]));
    }

    /**
     * The most specific alias matching a device's {@code modalias} ({@code pci:v…d…sv…sd…bc…sc…i…}): the one
     * with the fewest wildcards, the first in the file among equals (as libvirt's
     * virPCIDeviceFindBestVFIOVariant picks).
     */
    public Optional<Alias> best(String modalias) {
        if (!modalias.startsWith("pci:")) {
            return Optional.empty();
        }
        String body = modalias.substring(4);
        Alias best = null;
        for (Alias a : aliases) {
            if (a.matches(body) && (best == null || a.wildcards() < best.wildcards())) {
                best = a;
            }
        }
        return Optional.ofNullable(best);
    }

    /** How many aliases match the modalias. */
    public long matching(String modalias) {
        return modalias.startsWith("pci:") ? aliases.stream().filter(a -> a.matches(modalias.substring(4))).count() : 0;
    }

    /** Whether a module (or driver: {@code -} and {@code _} are the same to modprobe) has a {@code vfio_pci:} alias. */
    public boolean isVfioModule(String name) {
        String n = moduleName(name);
        return aliases.stream().anyMatch(a -> moduleName(a.module()).equals(n));
    }

    /** The module name modprobe would use: {@code -} read as {@code _}. */
    public static String moduleName(String driverOrModule) {
        return driverOrModule.replace('-', '_').toLowerCase(Locale.ROOT);
    }

    /**
     * fnmatch for {@code *} and {@code ?}, as kmod matches aliases (modalias hex is upper case on both sides); the
     * linear-time form that backtracks only to the last star.
     */
    static boolean glob(String p, String s) {
        int i = 0;
        int j = 0;
        int star = -1;
        int mark = 0;
        while (j < s.length()) {
            if (i < p.length() && (p.charAt(i) == '?' || p.charAt(i) == s.charAt(j))) {
                i++;
                j++;
            } else if (i < p.length() && p.charAt(i) == '*') {
                star = i++;
                mark = j;
            } else if (star >= 0) {
                i = star + 1;
                j = ++mark;
            } else {
                return false;
            }
        }
        while (i < p.length() && p.charAt(i) == '*') {
            i++;
        }
        return i == p.length();
    }
}
