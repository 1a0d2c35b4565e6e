package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device names a QEMU binary knows, from {@code BINARY -device help}, so that a missing device
 * is an error saying which QEMU is needed rather than QEMU's own failure halfway through a start.
 * Asking takes about 0.1 s, a large part of a VM's start, so the answer is cached per binary (real
 * path, modification time, size): in the process, and in a file under
 * {@code ${XDG_CACHE_HOME:-~/.cache}/hostdev/qemu-devices/} that any later run reuses.
 *
 * @param binary  the binary asked (as resolved on PATH)
 * @param devices the device names it lists
 */
public record QemuCapabilities(Path binary, Set<String> devices) {
    private static final Pattern NAME = Pattern.compile("^name \"([^\"]+)\"", Pattern.MULTILINE);
    private static final ConcurrentHashMap<String, QemuCapabilities> CACHE = new ConcurrentHashMap<>();
    static final String INSTALL = "install QEMU 7.2 or later for x86 (Debian/Ubuntu: apt-get install qemu-system-x86)";
    private static final long TIMEOUT_SECONDS = 20;

    /** Copies the set. */
    public QemuCapabilities {
        devices = Set.copyOf(devices);
    }

    /**
     * The capabilities of a binary (a path, or a name looked up on PATH).
     *
     * @throws HostdevException environment if it cannot be found or run
     */
    public static QemuCapabilities of(Path binary) {
        return of(binary, defaultCacheDir());
    }

    /** As {@link #of(Path)}, with the file cache in {@code cacheDir} (none if empty). */
    static QemuCapabilities of(Path binary, java.util.Optional<Path> cacheDir) {
        Path resolved = resolve(binary).orElseThrow(() -> new HostdevException(ErrorCode.ENVIRONMENT,
                "QEMU not found: " + binary + (binary.isAbsolute() ? "" : " is not on PATH"), INSTALL));
        String key;
        try {
            key = resolved.toRealPath() + "@" + Files.getLastModifiedTime(resolved).toMillis() + "/" + Files.size(resolved);
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot read QEMU binary " + resolved + ": " + e.getMessage(), INSTALL, e);
        }
        return CACHE.computeIfAbsent(key, k -> new QemuCapabilities(resolved, cached(k, cacheDir, () -> parseDeviceHelp(run(resolved)))));
    }

    /** Forgets what this process learned (for tests of the file cache). */
    static void forgetInProcess() {
        CACHE.clear();
    }

    static java.util.Optional<Path> defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home != null ? Path.of(home, ".cache") : null;
        return java.util.Optional.ofNullable(base).map(b -> b.resolve("hostdev").resolve("qemu-devices"));
    }

    /** The names from the cache file for this key, or asked and then written there; a cache that fails is skipped. */
    private static Set<String> cached(String key, java.util.Optional<Path> cacheDir, java.util.function.Supplier<Set<String>> ask) {
        if (cacheDir.isEmpty()) {
            return ask.get();
        }
        Path file = cacheDir.get().resolve(Integer.toHexString(key.hashCode()) + ".txt");
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (!lines.isEmpty() && lines.get(0).equals(key)) {
                return new TreeSet<>(lines.subList(1, lines.size()));
            }
        } catch (IOException e) {
            // absent or unreadable: ask QEMU
        }
        Set<String> names = ask.get();
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "devices", ".tmp");
            List<String> lines = new java.util.ArrayList<>();
            lines.add(key);
            lines.addAll(names);
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            // a cache that cannot be written costs only time
        }
        return names;
    }

    /** The binary's path: as given if it has a directory part, else the first executable of that name on PATH. */
    public static java.util.Optional<Path> resolve(Path binary) {
        if (binary.getParent() != null) {
            return Files.isExecutable(binary) ? java.util.Optional.of(binary) : java.util.Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return java.util.Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir).resolve(binary);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }

    /** The names in {@code -device help} output: lines {@code name "pcie-root-port", bus PCI, desc "…"}. */
    static Set<String> parseDeviceHelp(String help) {
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(help);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * Requires every named device.
     *
     * @throws HostdevException environment naming the missing devices and the QEMU needed
     */
    public void require(Collection<String> drivers) {
        Set<String> missing = new TreeSet<>(drivers);
        missing.removeAll(devices);
        if (!missing.isEmpty()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, binary + " has no device " + String.join(", ", missing)
                    + " (it lists " + devices.size() + " devices)",
                    "Hostdev needs a QEMU for x86 with q35, pcie-root-port, pcie-pci-bridge, vfio-pci, qemu-xhci and usb-host: "
                            + INSTALL + "; or check the model names in the spec against '" + binary + " -device help'");
        }
    }

    private static String run(Path binary) {
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-nodefaults", "-machine", "none", "-device", "help");
        pb.redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new HostdevException(ErrorCode.TIMEOUT, binary + " -device help did not finish in " + TIMEOUT_SECONDS + " s", INSTALL);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new HostdevException(ErrorCode.ENVIRONMENT, binary + " -device help failed (exit " + p.exitValue() + "): "
                        + text.strip().lines().findFirst().orElse(""), INSTALL);
            }
            return text;
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot run " + binary + ": " + e.getMessage(), INSTALL, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.INTERNAL, "interrupted while asking " + binary + " for its devices", null, e);
        }
    }
}
