package dev.hostdev.launcher.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSelector;
import dev.hostdev.engine.state.TrustRules;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the host configuration: the main file ({@code /etc/hostdev/host.toml}) and then every {@code *.toml}
 * of the {@value #DROP_IN_DIR} directory beside it, in name order. Hostdev runs as root and acts on these at
 * boot, so each file and directory is checked first as Hostdev's own state is ({@link TrustRules}: a regular
 * file, not a link, owned by root or the invoking user, not writable by group or others), then parsed
 * strictly: unknown keys, wrong types, bad names and a device named twice are refused, each error naming the
 * file and line, as the spec loader does.
 * <pre>
 * modules = ["vfio-pci"]            # loaded if not loaded
 *
 * [[device]]                        # held on a VFIO driver
 * path = "pci0000:00/1c.0/00.0"     # or pci, serial, slot, vendor_device (+ index)
 * expect = "10de:2204"              # optional ID check
 * driver = "vfio-pci"               # optional: auto (default), vfio-pci or a variant driver
 *
 * [[sriov]]                         # a physical function's VF count
 * serial = "00-11-22-33-44-55-66-77"
 * vfs = 4
 * </pre>
 */
public final class HostConfigLoader {
    /** The directory of drop-ins beside the main file. */
    public static final String DROP_IN_DIR = "host.d";
    static final Set<String> TOP_LEVEL_KEYS = Set.of("modules", "device", "sriov");
    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern DRIVER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** A bound on what a file can make Hostdev hold in memory and work through. */
    private static final long MAX_FILE_BYTES = 1 << 20;

    private HostConfigLoader() {
    }

    /**
     * Reads the main file and the drop-ins beside it.
     *
     * @param main         the main file, e.g. {@code /etc/hostdev/host.toml} under the root
     * @param mainRequired whether a missing main file with no drop-ins beside it is an error (it was named with
     *                     {@code --config}); otherwise a missing main file reads as empty
     * @throws HostdevException not_found (a required main file is absent), environment (a file or directory
     *                          fails the trust checks), usage (anything wrong in a file, with FILE:LINE)
     */
    public static HostConfig load(Path main, boolean mainRequired) {
        List<Path> files = new ArrayList<>();
        Path dir = main.toAbsolutePath().normalize().getParent();
        if (TrustRules.exists(dir)) {
            TrustRules.requireTrustedDirectory(dir);
        }
        if (TrustRules.exists(main)) {
            files.add(main);
        }
        Path dropIns = dir.resolve(DROP_IN_DIR);
        if (TrustRules.exists(dropIns)) {
            TrustRules.requireTrustedDirectory(dropIns);
            try (Stream<Path> s = Files.list(dropIns)) {
                s.filter(p -> p.getFileName().toString().endsWith(".toml") && !p.getFileName().toString().startsWith("."))
                        .sorted().forEach(files::add);
            } catch (IOException e) {
                throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot list " + dropIns + ": " + e.getMessage(),
                        "run as root", e);
            }
        }
        if (files.isEmpty() && mainRequired) {
            // A named file may be absent when its drop-ins (detach --persistent's) say it all.
            throw HostdevException.notFound("no host configuration " + main + ", and no drop-ins in " + dropIns,
                    "write it (docs/guide.md, \"appliance\"), or leave --config out to use /etc/hostdev/host.toml");
        }
        Reading reading = new Reading();
        for (Path f : files) {
            reading.file(f, read(f));
        }
        return new HostConfig(files, List.copyOf(reading.modules), reading.devices, reading.sriov);
    }

    /**
     * Reads one file alone, checked as {@link #load} checks it; a missing file reads as empty.
     */
    public static HostConfig loadOne(Path file) {
        Reading reading = new Reading();
        if (TrustRules.exists(file)) {
            reading.file(file, read(file));
        }
        return new HostConfig(List.of(file), List.copyOf(reading.modules), reading.devices, reading.sriov);
    }

    /** Parses one file's text (no trust checks: for tests and for checking what is about to be written). */
    public static HostConfig parse(String text, String fileName) {
        Reading reading = new Reading();
        reading.parse(text, fileName);
        return new HostConfig(List.of(Path.of(fileName)), List.copyOf(reading.modules), reading.devices, reading.sriov);
    }

    private static String read(Path file) {
        try {
            Optional<TrustRules.FileStat> stat = TrustRules.trustedFile(file);
            if (stat.isPresent() && stat.get().size() > MAX_FILE_BYTES) {
                throw HostdevException.usage(file + ": " + stat.get().size() + " bytes is more than a host configuration "
                        + "needs (at most " + MAX_FILE_BYTES + ")", "check what the file is");
            }
            byte[] bytes = TrustRules.read(file).orElseThrow(() -> HostdevException.notFound(file + " vanished while read", null));
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw HostdevException.usage(file + ": not UTF-8 text", "save it as UTF-8");
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot read " + file + ": " + e.getMessage(), "run as root", e);
        }
    }

    /** The files read so far, with what they asked for and where each device was first named. */
    private static final class Reading {
        private final Set<String> modules = new LinkedHashSet<>();
        private final List<HostConfig.HeldDevice> devices = new ArrayList<>();
        private final List<HostConfig.VfCount> sriov = new ArrayList<>();
        private final Map<String, String> named = new HashMap<>();

        void file(Path f, String text) {
            parse(text, f.toString());
        }

        void parse(String text, String fileName) {
            SpecSource source = new SpecSource(fileName, Path.of("/"), TomlLineIndex.of(text));
            JsonNode tree = TomlText.parse(source, text, "see https://toml.io and docs/guide.md (\"appliance\")");
            if (tree == null) {
                return; // an empty file (or only comments) asks for nothing
            }
            if (!tree.isObject()) {
                throw source.errorAtLine(0, "not a TOML document", null);
            }
            TomlTable top = new TomlTable(source, "", (ObjectNode) tree);
            JsonNode mods = top.raw("modules");
            if (mods != null) {
                if (!mods.isArray()) {
                    throw top.error("modules", "must be an array of module names, not " + TomlTable.describe(mods),
                            "e.g. modules = [\"vfio-pci\"]");
                }
                for (JsonNode m : mods) {
                    if (!m.isTextual() || !MODULE.matcher(m.asText()).matches()) {
                        throw top.error("modules", "holds " + TomlTable.describe(m) + ", not a module name",
                                "write names as modprobe takes them, e.g. \"vfio-pci\"");
                    }
                    modules.add(m.asText().replace('-', '_').equals("vfio_pci") ? "vfio-pci" : m.asText());
                }
            }
            for (TomlTable t : top.tables("device")) {
                HostConfig.DeviceName name = name(t);
                String driver = t.string("driver").orElse("auto");
                if (!DRIVER.matcher(driver).matches() || driver.equals(".") || driver.equals("..")) {
                    throw t.error("driver", "\"" + driver + "\" is not a driver name", "e.g. driver = \"vfio-pci\", or leave it out");
                }
                t.finish(TOP_LEVEL_KEYS);
                seen(t, name);
                devices.add(new HostConfig.HeldDevice(name, driver));
            }
            for (TomlTable t : top.tables("sriov")) {
                HostConfig.DeviceName name = name(t);
                int vfs = t.integer("vfs", 0, 65535).orElseThrow(() -> t.tableError("'vfs' is missing",
                        "add e.g. vfs = 4 (0 removes every VF)"));
                t.finish(TOP_LEVEL_KEYS);
                for (HostConfig.VfCount earlier : sriov) {
                    if (earlier.pf().spelling().equals(name.spelling())) {
                        throw t.tableError("sets the VF count of " + name.spelling() + " again (first at " + earlier.pf().where() + ")",
                                "keep one [[sriov]] per physical function");
                    }
                }
                sriov.add(new HostConfig.VfCount(name, vfs));
            }
            top.finish(TOP_LEVEL_KEYS);
        }

        private void seen(TomlTable t, HostConfig.DeviceName name) {
            String first = named.putIfAbsent(name.spelling(), name.where());
            if (first != null) {
                throw t.tableError("names " + name.spelling() + ", already held by " + first,
                        "a device is held once; remove one of the two");
            }
        }

        private static HostConfig.DeviceName name(TomlTable t) {
            Optional<PciAddress> pci = t.parsed("pci", PciAddress::parse);
            Optional<String> key = HostdevSelectorKeys.present(t);
            Optional<PciSelector> selector = HostdevSelectorKeys.read(t);
            if (pci.isPresent() == selector.isPresent()) {
                throw t.tableError(pci.isEmpty() ? "names no device" : "names the device twice (pci and " + key.get() + ")",
                        "give one of path = \"pci0000:00/1c.0/00.0\", serial = \"…\", slot = \"3\", vendor_device = \"10de:2204\" "
                                + "(with index = N among identical devices), or pci = \"0000:03:00.0\" (moves when buses are renumbered)");
            }
            Optional<DeviceIdentity> expect = t.parsed("expect", DeviceIdentity::parse);
            return new HostConfig.DeviceName(pci, selector, expect, t.where(key.orElse("pci")));
        }
    }
}
