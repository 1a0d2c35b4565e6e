package dev.hostdev.launcher.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSelector;
import dev.hostdev.engine.pci.PciSelectorResolver;
import dev.hostdev.engine.Utf8Input;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a VM spec file (TOML) into a {@link VmSpec}. Parsing is Jackson's TOML module; every
 * key is then checked by type and value, unknown keys are refused, and each error names the
 * file and line: {@code router.toml:7: hostdev[1].managed must be true or false, not the string "yes"}.
 * Relative paths in the file are resolved against the file's directory.
 */
public final class VmSpecLoader {
    /** User-chosen device ids: no dots, so they never clash with the plan's {@code pci.N}. */
    static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    /** Ids the plan itself uses. */
    static final Set<String> RESERVED_IDS = Set.of("usb", "iommu", "qmp", "serial0");
    /** The keys of the file's top level. */
    static final Set<String> TOP_LEVEL_KEYS = Set.of("name", "memory", "cpus", "accel", "emulator", "spare_root_ports",
            "iommu", "kernel", "initrd", "append", "serial", "legacy_hotplug", "disk", "share", "hostdev", "hotplug", "device",
            "firmware", "firmware_file", "phys_bits", "placement");
    private static final Pattern PROP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Set<String> PLAN_PROPS = Set.of("driver", "id", "bus", "addr");
    static final long MIN_MEMORY = 16 * MemorySize.MIB;
    /** The most vCPUs a q35 guest can have without an IOMMU doing x2APIC interrupt remapping. */
    static final int MAX_CPUS_WITHOUT_IOMMU = 255;
    /** QEMU 7.2's limit for q35 machines. */
    static final int MAX_CPUS = 288;
    /** Root ports that fit functions 0-7 of slots 1 to 0x1e of pcie.0. */
    public static final int MAX_ROOT_PORTS = 30 * 8;

    private VmSpecLoader() {
    }

    /**
     * Loads a spec file.
     *
     * @throws HostdevException not_found if the file is absent, usage for anything wrong in it
     */
    public static VmSpec load(Path file) {
        return load(file, null);
    }

    /**
     * Loads a spec file and resolves its PCI selectors ({@code path}, {@code serial}, {@code slot},
     * {@code vendor_device}) to the devices they name on this host: what a command that acts on the host uses.
     *
     * @param resolver the host's devices; null leaves selectors unresolved (a spec checked without a host)
     * @throws HostdevException not_found if the file or a selected device is absent, usage for anything wrong
     *                          in it (an ambiguous selector included), each naming the file and line
     */
    public static VmSpec load(Path file, PciSelectorResolver resolver) {
        String text;
        try {
            text = Utf8Input.readFile(file, "spec file");
        } catch (NoSuchFileException e) {
            throw HostdevException.notFound("no spec file " + file, "give the path of a VM spec (.toml); see docs/spec.md");
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.USAGE, "cannot read spec file " + file + ": " + e.getMessage(), null, e);
        }
        Path abs = file.toAbsolutePath().normalize();
        return parse(text, file.toString(), abs.getParent(), resolver);
    }

    /**
     * Parses spec text.
     *
     * @param fileName how messages name the file
     * @param baseDir  what relative paths are resolved against
     */
    public static VmSpec parse(String text, String fileName, Path baseDir) {
        return parse(text, fileName, baseDir, null);
    }

    /**
     * Parses spec text and resolves its PCI selectors with {@code resolver} (null: leave them unresolved).
     *
     * @param fileName how messages name the file
     * @param baseDir  what relative paths are resolved against
     */
    public static VmSpec parse(String text, String fileName, Path baseDir, PciSelectorResolver resolver) {
        SpecSource source = new SpecSource(fileName, baseDir.toAbsolutePath().normalize(), TomlLineIndex.of(text));
        JsonNode tree = TomlText.parse(source, text, "see https://toml.io; strings need quotes, e.g. memory = \"2G\"");
        if (tree == null || !tree.isObject()) {
            throw source.errorAtLine(0, "empty spec file", "a spec needs at least name = \"…\"; see docs/spec.md");
        }
        return new Reading(source, resolver).read(new TomlTable(source, "", (ObjectNode) tree));
    }

    /** One reading of a file, with the ids and devices seen so far. */
    private static final class Reading {
        private final SpecSource source;
        private final Set<String> ids = new HashSet<>();
        private final Map<String, Integer> modelCounts = new HashMap<>();
        private final Map<PciAddress, String> pciSeen = new HashMap<>();
        private final Map<String, String> usbSeen = new HashMap<>();
        private final Map<PciAddress, String> hotplugSeen = new HashMap<>();
        private final SlotGroupKeys slotGroups = new SlotGroupKeys();

        private final PciSelectorResolver resolver;

        Reading(SpecSource source, PciSelectorResolver resolver) {
            this.source = source;
            this.resolver = resolver;
        }

        VmSpec read(TomlTable top) {
            String name = top.requiredString("name", "\"router\"");
            if (!VmName.isValid(name)) {
                throw top.error("name", "'" + name + "' is not a usable VM name", VmName.RULE);
            }
            MemorySize memory = top.parsed("memory", MemorySize::parse).orElse(MemorySize.parse("1G"));
            if (memory.bytes() < MIN_MEMORY || memory.bytes() % MemorySize.MIB != 0) {
                throw top.error("memory", "must be a whole number of MiB and at least 16M, not " + memory, "e.g. memory = \"2G\"");
            }
            if (!memory.fitsX86_64()) {
                throw top.error("memory", "is " + memory + ", more than an x86-64 guest can address (52 physical address bits: "
                        + MemorySize.X86_64_PHYSICAL_LIMIT + ")", "give the guest what the host has, e.g. memory = \"2G\"");
            }
            int cpus = top.integer("cpus", 1, MAX_CPUS).orElse(1);
            Accel accel = top.parsed("accel", t -> enumValue(Accel.class, t, "tcg, kvm or auto")).orElse(Accel.AUTO);
            // A bare name is looked up on PATH, as a shell would; a path is relative to the spec.
            Optional<Path> emulator = top.string("emulator").map(e -> e.contains("/") ? path(e) : Path.of(e));
            int spare = top.integer("spare_root_ports", 0, MAX_ROOT_PORTS).orElse(0);
            Iommu iommu = top.parsed("iommu", t -> enumValue(Iommu.class, t, "intel or none")).orElse(Iommu.NONE);
            Optional<KernelBoot> kernel = kernel(top);
            SerialSpec serial = top.string("serial").map(s -> SerialSpec.parse(s, source.baseDir())).orElse(new SerialSpec.None());
            boolean legacyHotplug = top.bool("legacy_hotplug").orElse(false);
            GuestPlatform platform = PlatformKeys.read(top, source.baseDir());

            List<DiskSpec> disks = new ArrayList<>();
            for (TomlTable t : top.tables("disk")) {
                disks.add(disk(t, disks.size()));
            }
            List<ShareSpec> shares = new ArrayList<>();
            for (TomlTable t : top.tables("share")) {
                shares.add(share(t, shares.size()));
            }
            List<TomlTable> hostdevTables = top.tables("hostdev");
            List<TomlTable> deviceTables = top.tables("device");
            // Explicit ids first, so a generated one never takes a name the file uses later.
            for (TomlTable t : hostdevTables) {
                explicitId(t);
            }
            for (TomlTable t : deviceTables) {
                explicitId(t);
            }
            List<HostdevSpec> hostdevs = new ArrayList<>();
            for (TomlTable t : hostdevTables) {
                hostdevs.add(hostdev(t, hostdevs.size()));
            }
            List<HotplugSpec> hotplug = new ArrayList<>();
            for (TomlTable t : top.tables("hotplug")) {
                hotplug.add(hotplug(t));
            }
            List<EmulatedDeviceSpec> devices = new ArrayList<>();
            for (TomlTable t : deviceTables) {
                devices.add(device(t));
            }
            Optional<PlacementSpec> placement = PlacementKeys.read(top, cpus, memory, TOP_LEVEL_KEYS);
            slotGroups.finish();
            top.finish(TOP_LEVEL_KEYS);
            if (cpus > MAX_CPUS_WITHOUT_IOMMU && accel == Accel.TCG) {
                // Measured with QEMU 7.2: "current -smp configuration requires kernel irqchip and X2APIC API support".
                throw top.error("cpus", "above " + MAX_CPUS_WITHOUT_IOMMU + " needs KVM (x2APIC); QEMU's tcg cannot run them",
                        "use accel = \"kvm\" or at most " + MAX_CPUS_WITHOUT_IOMMU + " cpus");
            }
            if (cpus > MAX_CPUS_WITHOUT_IOMMU && iommu != Iommu.INTEL) {
                // QEMU refuses: x2APIC IDs above 255 need interrupt remapping with extended interrupt mode.
                throw top.error("cpus", "above " + MAX_CPUS_WITHOUT_IOMMU + " needs interrupt remapping for x2APIC",
                        "add iommu = \"intel\" (Hostdev then adds eim=on), or use at most " + MAX_CPUS_WITHOUT_IOMMU + " cpus");
            }
            int explicitPorts = spare + hotplug.size();
            if (explicitPorts > MAX_ROOT_PORTS) {
                throw top.error("spare_root_ports", "with the [[hotplug]] ports asks for " + explicitPorts
                        + " root ports; pcie.0 has room for " + MAX_ROOT_PORTS, null);
            }
            return new VmSpec(name, memory, cpus, accel, emulator, spare, iommu, kernel, disks, shares, serial,
                    hostdevs, hotplug, devices, legacyHotplug, platform, placement);
        }

        private Optional<KernelBoot> kernel(TomlTable top) {
            Optional<Path> kernel = top.string("kernel").map(this::path);
            Optional<Path> initrd = top.string("initrd").map(this::path);
            Optional<String> append = top.string("append");
            if (kernel.isEmpty()) {
                if (initrd.isPresent()) {
                    throw top.error("initrd", "needs a kernel", "add kernel = \"/boot/vmlinuz-…\"");
                }
                if (append.isPresent()) {
                    throw top.error("append", "needs a kernel", "add kernel = \"/boot/vmlinuz-…\"");
                }
                return Optional.empty();
            }
            return Optional.of(new KernelBoot(kernel.get(), initrd, append));
        }

        private DiskSpec disk(TomlTable t, int index) {
            Path path = path(t.requiredString("path", "\"disk.img\""));
            String format = t.string("format").orElse("raw");
            if (!DiskSpec.FORMATS.contains(format)) {
                throw t.error("format", "must be raw or qcow2, not '" + format + "'", null);
            }
            boolean readonly = t.bool("readonly").orElse(false);
            t.finish(TOP_LEVEL_KEYS);
            String id = "disk" + index;
            ids.add(id);
            return new DiskSpec(id, path, format, readonly);
        }

        private ShareSpec share(TomlTable t, int index) {
            Path path = path(t.requiredString("path", "\"/srv/shared\""));
            String tag = t.requiredString("tag", "\"shared\"");
            boolean readonly = t.bool("readonly").orElse(false);
            t.finish(TOP_LEVEL_KEYS);
            String id = "fs" + index;
            ids.add(id);
            try {
                return new ShareSpec(id, path, tag, readonly);
            } catch (HostdevException e) {
                throw t.error("tag", e.getMessage(), e.hint());
            }
        }

        private HostdevSpec hostdev(TomlTable t, int index) {
            Optional<PciAddress> pci = t.parsed("pci", PciAddress::parse);
            Optional<DeviceRef> usb = t.parsed("usb", VmSpecLoader::usbDevice);
            Optional<String> selectorKey = HostdevSelectorKeys.present(t);
            Optional<PciSelector> selector = HostdevSelectorKeys.read(t);
            Optional<VfOf> vfOf = HostdevVfKeys.read(t, resolver);
            String driver = HostdevVfKeys.driver(t);
            int sources = (pci.isPresent() ? 1 : 0) + (usb.isPresent() ? 1 : 0) + (selector.isPresent() ? 1 : 0)
                    + (vfOf.isPresent() ? 1 : 0);
            if (sources != 1) {
                List<String> given = new ArrayList<>();
                pci.ifPresent(p -> given.add("pci"));
                usb.ifPresent(u -> given.add("usb"));
                selectorKey.ifPresent(given::add);
                vfOf.ifPresent(v -> given.add("vf_of"));
                throw t.tableError(sources == 0 ? "names no device" : "names the device twice (" + String.join(" and ", given) + ")",
                        "give one of pci = \"0000:03:07.0\", vf_of = \"0000:03:00.0\" (any free VF of that PF), a selector (path = \"pci0000:00/1c.0/00.0\", serial = \"…\", "
                                + "slot = \"3\", vendor_device = \"10de:2204\"), or usb = \"046d:c52b\" (or usb = \"1-2\")");
            }
            if (selector.isPresent() && resolver != null) {
                pci = Optional.of(HostdevSelectorKeys.resolve(t, selectorKey.get(), selector.get(), resolver));
            }
            Optional<Boolean> managed = t.bool("managed");
            Optional<StartupPolicy> startup = t.parsed("startup",
                    s -> enumValue(StartupPolicy.class, s, "mandatory, requisite or optional"));
            Optional<DeviceIdentity> expect = t.parsed("expect", DeviceIdentity::parse);
            boolean legacy = t.bool("legacy").orElse(false);
            SlotKeys slotKeys = SlotKeys.read(t);
            Optional<String> id = t.string("id");
            GpuOptions gpu = GpuKeys.read(t, source.baseDir());
            t.finish(TOP_LEVEL_KEYS);
            if (t.has("driver") && (usb.isPresent() || !managed.orElse(true))) {
                throw t.error("driver", usb.isPresent() ? "applies to PCI hostdevs only" : "applies to managed hostdevs (Hostdev detaches them at start)",
                        usb.isPresent() ? "remove it from this USB hostdev" : "an unmanaged device stays on the driver you gave it "
                                + "('hostdev detach --driver NAME'): remove driver here, or set managed = true");
            }
            if (usb.isPresent()) {
                for (String key : concat(concat(List.of("managed", "expect", "legacy"), GpuKeys.KEYS), List.of(SlotKeys.FUNCTIONS, SlotKeys.GUEST_SLOT))) {
                    if (t.has(key)) {
                        throw t.error(key, "applies to PCI hostdevs only", "remove it from this USB hostdev");
                    }
                }
            } else if (startup.isPresent()) {
                throw t.error("startup", "applies to USB hostdevs only (as libvirt's startupPolicy)",
                        "a missing PCI device always stops the start; remove startup here");
            }
            String key = vfOf.isPresent() ? "vf_of" : selectorKey.orElse(pci.isPresent() ? "pci" : "usb");
            String sourceName = pci.map(PciAddress::toString).orElseGet(() -> usb.map(Object::toString)
                    .orElseGet(() -> selector.map(PciSelector::spelling).orElseGet(() -> vfOf.get().source())));
            String previous = pci.isPresent() ? pciSeen.putIfAbsent(pci.get(), t.name())
                    : usb.isPresent() ? usbSeen.putIfAbsent(sourceName, t.name()) : null;
            if (previous != null) {
                throw t.error(key, "names " + sourceName + ", which " + previous + " already gives to this VM",
                        "a device can be given once; remove one of the two");
            }
            if (slotKeys.allFunctions() && pci.isPresent() && pci.get().function() != 0) {
                throw t.error(SlotKeys.FUNCTIONS, "= \"all\" belongs on function 0 of the device, not on " + pci.get(),
                        "name " + pci.get().functionZero() + " here, or remove functions to give " + pci.get() + " alone");
            }
            String finalId = id.orElseGet(() -> generatedId("hostdev", index));
            return new HostdevSpec(finalId, pci, selector, usb, managed.orElse(usb.isEmpty()), startup.orElse(StartupPolicy.MANDATORY),
                    expect, legacy, t.where(key), gpu, slotKeys, vfOf, driver);
        }

        private HotplugSpec hotplug(TomlTable t) {
            Optional<PciAddress> pci = t.parsed("pci", PciAddress::parse);
            Optional<MemorySize> size = t.parsed("size", MemorySize::parse);
            t.finish(TOP_LEVEL_KEYS);
            if (pci.isEmpty() && size.isEmpty()) {
                throw t.tableError("needs pci or size", "e.g. pci = \"0000:65:00.0\" (sized from its BARs) or size = \"16G\"");
            }
            if (size.isPresent() && !size.get().fitsX86_64()) {
                throw t.error("size", "is " + size.get() + ", more than an x86-64 guest can address (52 physical address bits: "
                        + MemorySize.X86_64_PHYSICAL_LIMIT + "): no window that large can be placed", "size the window for the device's BARs, e.g. size = \"16G\"");
            }
            if (pci.isPresent() && pciSeen.containsKey(pci.get())) {
                throw t.error("pci", "names " + pci.get() + ", which " + pciSeen.get(pci.get())
                        + " already gives to this VM at start", "a port reserved for hotplug is for a device not given at start");
            }
            if (pci.isPresent()) {
                String previous = hotplugSeen.putIfAbsent(pci.get(), t.name());
                if (previous != null) {
                    throw t.error("pci", "names " + pci.get() + ", for which " + previous + " already reserves a port",
                            "one [[hotplug]] per device; add size = … to it for a larger window");
                }
            }
            return new HotplugSpec(pci, size);
        }

        private EmulatedDeviceSpec device(TomlTable t) {
            String model = t.requiredString("model", "\"e1000e\"");
            if (!PROP.matcher(model).matches()) {
                throw t.error("model", "'" + model + "' is not a QEMU device name", "see qemu-system-x86_64 -device help");
            }
            Optional<String> own = DeviceModels.ownKey(model);
            if (own.isPresent()) {
                throw t.error("model", "'" + model + "' is not an emulated device for [[device]]", "use " + own.get());
            }
            Optional<DeviceBus> bus = t.parsed("bus", s -> enumValue(DeviceBus.class, s.replace('-', '_'), "root-port, bridge, xhci or none"));
            DeviceBus finalBus = bus.orElse(DeviceModels.defaultBus(model));
            if (DeviceModels.BUSLESS.contains(model) != (finalBus == DeviceBus.NONE)) {
                throw t.error("bus", DeviceModels.BUSLESS.contains(model) ? "of " + model + " must be none: QEMU attaches it to no bus"
                        : "none is for devices QEMU attaches to no bus (" + String.join(", ", new java.util.TreeSet<>(DeviceModels.BUSLESS)) + ")",
                        "remove bus to use the default for " + model);
            }
            if (DeviceModels.isUsb(model) != (finalBus == DeviceBus.XHCI)) {
                throw t.error("bus", DeviceModels.isUsb(model) ? "of a USB device must be xhci" : "xhci is for usb-* devices",
                        "remove bus to use the default for " + model);
            }
            if (model.equals(DeviceModels.XHCI) && finalBus != DeviceBus.ROOT_PORT) {
                throw t.error("bus", "of the xHCI controller must be root-port", null);
            }
            Optional<Path> drive = t.string("drive").map(this::path);
            if (drive.isPresent() && !DeviceModels.BLOCK.contains(model)) {
                throw t.error("drive", "applies to block devices (" + String.join(", ", new java.util.TreeSet<>(DeviceModels.BLOCK))
                        + "), not " + model, "remove drive, or pass the property yourself in props");
            }
            Map<String, Object> props = new LinkedHashMap<>();
            Optional<TomlTable> propTable = t.table("props");
            if (propTable.isPresent()) {
                TomlTable p = propTable.get();
                for (String key : p.keys()) {
                    JsonNode v = p.raw(key);
                    if (!PROP.matcher(key).matches()) {
                        throw p.error(key, "is not a QEMU property name", null);
                    }
                    if (PLAN_PROPS.contains(key) || (key.equals("drive") && drive.isPresent())) {
                        throw p.error(key, "is set by Hostdev's plan", key.equals("id") ? "use id = … of the [[device]]" : "remove it");
                    }
                    if (v.isTextual()) {
                        props.put(key, v.asText());
                    } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                        props.put(key, v.asLong());
                    } else if (v.isBoolean()) {
                        props.put(key, v.asBoolean());
                    } else {
                        throw p.error(key, "must be a string, a whole number or a boolean, not " + TomlTable.describe(v), null);
                    }
                }
            }
            Optional<String> id = t.string("id");
            Optional<MemorySize> memory = DeviceMemory.read(t, model);
            if (memory.isPresent() && props.containsKey("memdev")) {
                throw t.error("memory", "and props.memdev both give the device memory", "keep memory = … (Hostdev then creates the backend)");
            }
            Optional<FunctionSlot> slot = slotGroups.read(t, finalBus);
            t.finish(TOP_LEVEL_KEYS);
            String finalId = id.orElseGet(() -> {
                int n = modelCounts.merge(model, 1, Integer::sum) - 1;
                return generatedId(model.replaceAll("[^A-Za-z0-9_-]", "-"), n);
            });
            return new EmulatedDeviceSpec(finalId, model, finalBus, drive, props, memory, slot);
        }

        /** Checks and records an id the file gives. */
        private void explicitId(TomlTable t) {
            Optional<String> id = t.string("id");
            if (id.isEmpty()) {
                return;
            }
            String s = id.get();
            if (!ID.matcher(s).matches() || !Character.isLetter(s.charAt(0))) {
                throw t.error("id", "'" + s + "' is not a usable device id",
                        "use 1 to 64 letters, digits, '_' or '-', starting with a letter");
            }
            if (RESERVED_IDS.contains(s) || s.matches("(disk|fs)[0-9]+")) {
                throw t.error("id", "'" + s + "' is an id Hostdev gives its own devices", "choose another id");
            }
            if (!ids.add(s)) {
                throw t.error("id", "'" + s + "' is already the id of another device", "ids must be unique");
            }
        }

        /** {@code prefix + n}, skipping numbers the file already uses as explicit ids. */
        private String generatedId(String prefix, int n) {
            String sep = Character.isDigit(prefix.charAt(prefix.length() - 1)) ? "-" : "";
            for (int i = n; ; i++) {
                String candidate = prefix + sep + i;
                if (ids.add(candidate)) {
                    return candidate;
                }
            }
        }

        private Path path(String text) {
            return source.baseDir().resolve(text).normalize();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A USB device: vendor:product or bus-port, as the engine's {@link DeviceRef} spells them. */
    static DeviceRef usbDevice(String text) {
        String hint = "write vendor:product as lsusb shows it (046d:c52b) or bus-port as in /sys/bus/usb/devices (1-2 or 1-2.3)";
        if (text.strip().matches("[0-9]{3}:[0-9]{3}")) {
            throw HostdevException.usage("not a USB device: '" + text + "'",
                    "'" + text + "' looks like lsusb's bus:device number, which changes at every plug; " + hint);
        }
        DeviceRef ref;
        try {
            ref = DeviceRef.parse(text.strip());
        } catch (HostdevException e) {
            throw HostdevException.usage("not a USB device: '" + text + "'", hint);
        }
        if (ref instanceof DeviceRef.Pci) {
            throw HostdevException.usage("'" + text + "' is a PCI address, not a USB device", "use pci = \"" + text + "\" for a PCI device");
        }
        return ref;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String text, String accepted) {
        try {
            return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw HostdevException.usage("'" + text + "' is not one of " + accepted, "use one of: " + accepted);
        }
    }
}
