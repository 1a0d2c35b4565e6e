package dev.hostdev.launcher.host;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSelector;
import dev.hostdev.engine.state.AtomicFile;
import dev.hostdev.engine.state.TrustRules;
import dev.hostdev.launcher.spec.HostConfig;
import dev.hostdev.launcher.spec.HostConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Hostdev's own drop-in, {@code host.d/persistent.toml}: the devices {@code detach --persistent} holds on a VFIO
 * driver at every boot. Hostdev rewrites it whole (atomically, 0600) and reads it back through the strict
 * loader before it writes, so what it writes is always something {@code hostdev apply} accepts; the user's
 * {@code host.toml} is never touched.
 */
public final class PersistentDropIn {
    static final String HEADER = """
            # Written by 'hostdev detach --persistent' and 'hostdev reattach --persistent': the devices
            # 'hostdev apply' holds on a VFIO driver at every boot. Hostdev rewrites this file whole; put your
            # own entries in ../host.toml or another file of this directory.
            """;

    private final Path file;

    /** The drop-in of these config files. */
    public PersistentDropIn(HostConfigFiles files) {
        this.file = files.persistent();
    }

    /** Its path. */
    public Path file() {
        return file;
    }

    /** The devices it holds now (empty if it does not exist). */
    public List<HostConfig.HeldDevice> devices() {
        return HostConfigLoader.loadOne(file).devices();
    }

    /** Its current text, or empty. */
    public String text() {
        try {
            return TrustRules.read(file).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
        } catch (java.io.IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot read " + file + ": " + e.getMessage(), "run as root", e);
        }
    }

    /**
     * The file's text holding {@code devices}, each under a comment that {@code comment} gives (e.g. where it is
     * on this boot); checked by parsing it back.
     */
    public String render(List<HostConfig.HeldDevice> devices, Function<HostConfig.HeldDevice, String> comment) {
        StringBuilder b = new StringBuilder(HEADER);
        for (HostConfig.HeldDevice d : devices) {
            b.append('\n');
            String c = comment.apply(d);
            if (c != null && !c.isBlank()) {
                b.append("# ").append(c.replaceAll("[\\r\\n]", " ")).append('\n');
            }
            b.append("[[device]]\n");
            HostConfig.DeviceName n = d.name();
            if (n.pci().isPresent()) {
                b.append("pci = ").append(quote(n.pci().get().toString())).append('\n');
            } else {
                PciSelector s = n.selector().get();
                if (s instanceof PciSelector.Path p) {
                    b.append("path = ").append(quote(p.value())).append('\n');
                } else if (s instanceof PciSelector.Serial sn) {
                    b.append("serial = ").append(quote(sn.value())).append('\n');
                } else if (s instanceof PciSelector.Slot sl) {
                    b.append("slot = ").append(quote(sl.label())).append('\n');
                } else if (s instanceof PciSelector.Id id) {
                    b.append("vendor_device = ").append(quote(id.ids())).append('\n');
                }
                s.index().ifPresent(i -> b.append("index = ").append(i).append('\n'));
            }
            n.expect().ifPresent(e -> b.append("expect = ").append(quote(e.toString())).append('\n'));
            if (!d.driver().equals("auto")) {
                b.append("driver = ").append(quote(d.driver())).append('\n');
            }
        }
        String text = b.toString();
        HostConfigLoader.parse(text, file.toString()); // what apply will read; a failure here is Hostdev's own bug
        return text;
    }

    /** Replaces the file with {@code text} (creating {@code host.d} 0700 if absent), or removes it when it holds nothing. */
    public void write(String text, boolean empty) {
        TrustRules.ensureDirectory(file.getParent());
        if (empty) {
            try {
                TrustRules.trustedFile(file);
                Files.deleteIfExists(file);
            } catch (java.io.IOException e) {
                throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot remove " + file + ": " + e.getMessage(), "run as root", e);
            }
            return;
        }
        AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A TOML basic string: quotes and backslashes escaped, control characters as \\uXXXX. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** The lines of {@code after} not in {@code before} (+) and of {@code before} not in {@code after} (-), for a dry run. */
    public static List<String> diff(String before, String after) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        // A longest common subsequence: the files are a few dozen lines.
        int[][] l = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                l[i][j] = a.get(i).equals(b.get(j)) ? l[i + 1][j + 1] + 1 : Math.max(l[i + 1][j], l[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || l[i][j + 1] >= l[i + 1][j])) {
                out.add("+" + b.get(j++));
            } else {
                out.add("-" + a.get(i++));
            }
        }
        return out;
    }

    /** Whether a held device is the one at {@code address} on this host. */
    static boolean names(HostConfig.HeldDevice d, PciAddress address, Function<HostConfig.DeviceName, PciAddress> resolve) {
        try {
            return address.equals(resolve.apply(d.name()));
        } catch (HostdevException e) {
            return false;
        }
    }
}
