package dev.hostdev.launcher.lab;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * A kernel's module tree ({@code /lib/modules/RELEASE}): resolves module names to files in load order
 * from {@code modules.dep}, skips those built into the kernel ({@code modules.builtin}), and reads a
 * module uncompressed (busybox's {@code insmod} in the initramfs cannot be relied on to decompress).
 */
public final class KernelModules {
    private final Path dir;
    private final Map<String, String> fileByName = new HashMap<>();
    private final Map<String, List<String>> depsByFile = new HashMap<>();
    private final Set<String> builtin = new HashSet<>();

    private KernelModules(Path dir) {
        this.dir = dir;
    }

    /** Reads {@code dir/modules.dep} and {@code dir/modules.builtin}. */
    public static KernelModules load(Path dir) {
        KernelModules m = new KernelModules(dir);
        try {
            for (String line : Files.readAllLines(dir.resolve("modules.dep"))) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String file = line.substring(0, colon).trim();
                String rest = line.substring(colon + 1).trim();
                m.fileByName.put(nameOf(file), file);
                m.depsByFile.put(file, rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
            }
            Path builtinFile = dir.resolve("modules.builtin");
            if (Files.exists(builtinFile)) {
                for (String line : Files.readAllLines(builtinFile)) {
                    if (!line.isBlank()) {
                        m.builtin.add(nameOf(line.trim()));
                    }
                }
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot read the kernel module tree " + dir + ": " + e.getMessage(),
                    "install the kernel's modules (apt-get install linux-image-amd64) or run depmod", e);
        }
        return m;
    }

    /** The canonical module name of a path: {@code kernel/net/9p/9pnet-virtio.ko.xz} gives {@code 9pnet_virtio}. */
    static String nameOf(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int ko = base.indexOf(".ko");
        return (ko >= 0 ? base.substring(0, ko) : base).replace('-', '_');
    }

    /**
     * The module files (relative to the tree) to load, dependencies first, for the given names;
     * built-in modules are left out.
     *
     * @throws HostdevException if a module is neither a file of the tree nor built in
     */
    public List<String> loadOrder(List<String> names) {
        LinkedHashSet<String> order = new LinkedHashSet<>();
        for (String name : names) {
            String canonical = name.replace('-', '_');
            if (builtin.contains(canonical)) {
                continue;
            }
            String file = fileByName.get(canonical);
            if (file == null) {
                throw new HostdevException(ErrorCode.ENVIRONMENT, "kernel module " + name + " is not in " + dir,
                        "the lab needs a kernel with 9p and virtio modules, e.g. apt-get install linux-image-amd64");
            }
            visit(file, order, new HashSet<>());
        }
        return new ArrayList<>(order);
    }

    private void visit(String file, LinkedHashSet<String> order, Set<String> path) {
        if (order.contains(file) || builtin.contains(nameOf(file)) || !path.add(file)) {
            return;
        }
        // modules.dep lists every (transitive) dependency, the deepest last.
        for (String dep : depsByFile.getOrDefault(file, List.of())) {
            visit(dep, order, path);
        }
        order.add(file);
    }

    /** The module's bytes, decompressed when the file is {@code .ko.gz}, {@code .ko.xz} or {@code .ko.zst}. */
    public byte[] read(String file) throws IOException {
        Path path = dir.resolve(file);
        if (file.endsWith(".ko")) {
            return Files.readAllBytes(path);
        }
        if (file.endsWith(".ko.gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(path))) {
                return in.readAllBytes();
            }
        }
        String tool = file.endsWith(".ko.xz") ? "xz" : file.endsWith(".ko.zst") ? "zstd" : null;
        if (tool == null) {
            throw new IOException("unknown module compression: " + path);
        }
        Process p = new ProcessBuilder(tool, "-dc", path.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(bytes);
        }
        try {
            if (p.waitFor() != 0) {
                throw new IOException(tool + " -dc " + path + " failed with status " + p.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted decompressing " + path, e);
        }
        return bytes.toByteArray();
    }
}
