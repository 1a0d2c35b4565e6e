package dev.hostdev.engine.testing;

import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.Errno;
import dev.hostdev.engine.sysfs.SysfsWriteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A small model of what the Linux kernel (6.1) does when a sysfs attribute of the PCI bus is written,
 * acting on a sysfs tree in a temporary directory (built with {@code SysfsTree}). It answers the way the
 * real kernel was observed to answer (DESIGN.md, "Kernel and QEMU behaviour observed"):
 * <ul>
 *   <li>{@code drivers/X/unbind} removes the device's {@code driver} link; ENODEV if the device is not
 *       bound to X or does not exist.</li>
 *   <li>{@code devices/A/driver/unbind} of an unbound device: ENOENT (the {@code driver} link is gone).</li>
 *   <li>{@code drivers/X/bind}: ENODEV for an absent address or a driver that does not match the device
 *       (vfio-pci matches only through {@code driver_override}); EBUSY if already bound.</li>
 *   <li>{@code drivers_probe} binds an unbound device to its {@code driver_override} if that driver is
 *       loaded, else (no override) to its native driver; it succeeds even when nothing claims it.</li>
 *   <li>{@code driver_override} accepts any name silently; "" or "\n" clears it and it reads {@code (null)}.</li>
 *   <li>A VFIO variant driver declared with {@link #vfioDriver} ({@code mlx5_vfio_pci}…) is vfio-pci to the
 *       kernel: it matches only through {@code driver_override} and its devices get {@code /dev/vfio/N}.</li>
 *   <li>Binding to vfio-pci creates {@code /dev/vfio/N} (N the IOMMU group) under the root; unbinding the
 *       group's last vfio-pci device removes it.</li>
 *   <li>{@code sriov_numvfs} as in drivers/pci/iov.c: a count above {@code sriov_totalvfs} fails with ERANGE, the
 *       same count again succeeds doing nothing, a non-zero count over a non-zero one fails with EBUSY, 0 removes
 *       the VFs; N creates VFs at the functions after the PF's (QEMU's emulated NVMe puts them at .1, .2), each a
 *       device with {@code physfn}, linked from the PF as {@code virtfnI}, in an IOMMU group of its own, and
 *       bound to the driver declared with {@link #vfDriver} when {@code sriov_drivers_autoprobe} is 1.</li>
 *   <li>{@code reset} works, fails with an errno, or leaves the device dead (config space reads 0xff).</li>
 * </ul>
 * A driver is "loaded" when {@code /sys/bus/pci/drivers/X} exists. A device's native driver is the one it
 * was bound to when the kernel was created, unless a test declares it with {@link #nativeDriver}.
 * <p>
 * For tests of failure handling: {@link #failWrite} makes the n-th write fail with an errno and no effect,
 * {@link #failWhen} fails every write a predicate picks, and {@link #killBeforeWrite} /
 * {@link #killAfterWrite} throw {@link SimulatedCrash} (an {@link Error}, as a killed process would stop
 * without running any handler) before or after carrying out the n-th write.
 */
public final class SimulatedKernel implements AttributeWriter {
    /** Thrown to stand for the process being killed at a chosen write. Not an Exception: nothing should catch it. */
    public static final class SimulatedCrash extends Error {
        SimulatedCrash(String message) {
            super(message);
        }
    }

    /** One write the kernel received, as the host would name it. */
    public record Write(String attribute, String value) {
        @Override
        public String toString() {
            return "write " + attribute + " " + value;
        }
    }

    private enum ResetBehaviour { WORKS, FAILS, KILLS_DEVICE }

    private final Path root;
    private final Path sys;
    private final Map<String, String> nativeDrivers = new HashMap<>();
    private final Map<String, ResetBehaviour> resetBehaviour = new HashMap<>();
    private final Map<String, Integer> resetErrno = new HashMap<>();
    private final Map<String, Integer> resets = new HashMap<>();
    private final Map<Integer, Integer> failAt = new HashMap<>();
    private final List<Map.Entry<Predicate<Write>, Integer>> failWhen = new ArrayList<>();
    private final Map<String, Integer> probeFailures = new HashMap<>();
    private final List<Write> writes = new ArrayList<>();
    private int killBefore = -1;
    private int killAfter = -1;
    private boolean createVfioNodes = true;
    private long writeDelayMillis;
    private final Map<String, Long> asyncProbeMillis = new HashMap<>();
    private final Map<String, String> vfDrivers = new HashMap<>();
    private final java.util.Set<String> vfioDrivers = new java.util.HashSet<>(java.util.Set.of("vfio-pci"));

    /**
     * @param root the directory standing for the host's {@code /}, holding {@code sys/} built by the test;
     *             the drivers devices are bound to now are taken as their native drivers
     */
    public SimulatedKernel(Path root) {
        this.root = root.toAbsolutePath().normalize();
        if (this.root.getParent() == null || this.root.startsWith("/sys")) {
            // It edits files under root/sys as the kernel would: never on the machine's own /sys.
            throw new IllegalArgumentException("the simulated kernel needs a temporary tree, not " + this.root);
        }
        this.sys = this.root.resolve("sys");
        for (String address : listNames(sys.resolve("bus/pci/devices"))) {
            currentDriver(address).ifPresent(d -> nativeDrivers.put(address, d));
        }
    }

    // ---- kernel modules ---------------------------------------------------------------------------

    private final List<String> modulesLoaded = new ArrayList<>();
    private final java.util.Set<String> modulesWithoutDriver = new java.util.HashSet<>();
    private final java.util.Set<String> modulesFailing = new java.util.HashSet<>();

    /**
     * Loads a module as modprobe would (a {@code ModuleLoader} for the binder): {@code sys/module/NAME} appears
     * and, for a PCI driver's module, {@code sys/bus/pci/drivers/NAME} with its control files. Names with '-'
     * and '_' are the same module, as for modprobe; the driver directory keeps the name asked for.
     */
    public synchronized void loadModule(String name) {
        if (modulesFailing.contains(name)) {
            throw new dev.hostdev.engine.HostdevException(dev.hostdev.engine.ErrorCode.ENVIRONMENT,
                    "modprobe " + name + " failed (exit status 1): FATAL: Module " + name + " not found", null);
        }
        modulesLoaded.add(name);
        try {
            Files.createDirectories(sys.resolve("module").resolve(name.replace('-', '_')));
            if (!name.equals("vfio_iommu_type1") && !modulesWithoutDriver.contains(name)) {
                Path driver = sys.resolve("bus/pci/drivers").resolve(name);
                Files.createDirectories(driver);
                for (String f : new String[] {"bind", "unbind", "new_id", "remove_id", "uevent"}) {
                    if (!Files.exists(driver.resolve(f))) {
                        Files.writeString(driver.resolve(f), "");
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The modules loaded so far, in order. */
    public synchronized List<String> modulesLoaded() {
        return List.copyOf(modulesLoaded);
    }

    /** Loading {@code name} succeeds but registers no PCI driver (a wrong name, a broken module). */
    public synchronized SimulatedKernel moduleWithoutDriver(String name) {
        modulesWithoutDriver.add(name);
        return this;
    }

    /** Loading {@code name} fails as modprobe does for a module this kernel lacks. */
    public synchronized SimulatedKernel moduleMissing(String name) {
        modulesFailing.add(name);
        return this;
    }

    // ---- configuration by the test -------------------------------------------------------------

    /** Declares the driver that claims the device on {@code drivers_probe} when no override is set. */
    public SimulatedKernel nativeDriver(String address, String driver) {
        nativeDrivers.put(address, driver);
        return this;
    }

    /** The driver that claims this PF's VFs when they appear with {@code sriov_drivers_autoprobe} 1. */
    public SimulatedKernel vfDriver(String pfAddress, String driver) {
        vfDrivers.put(pfAddress, driver);
        return this;
    }

    /** Declares a VFIO variant driver: bound devices get {@code /dev/vfio/N}, as with vfio-pci. */
    public SimulatedKernel vfioDriver(String driver) {
        vfioDrivers.add(driver);
        return this;
    }

    /** The device's {@code reset} fails with this errno (the attribute must exist in the tree). */
    public SimulatedKernel resetFails(String address, int errno) {
        resetBehaviour.put(address, ResetBehaviour.FAILS);
        resetErrno.put(address, errno);
        return this;
    }

    /** The device's {@code reset} succeeds but leaves it dead: its config space then reads all 0xff. */
    public SimulatedKernel resetKillsDevice(String address) {
        resetBehaviour.put(address, ResetBehaviour.KILLS_DEVICE);
        return this;
    }

    /** The driver's probe of this device fails: {@code bind} answers the errno, {@code drivers_probe} binds nothing. */
    public SimulatedKernel probeFails(String address, String driver, int errno) {
        probeFailures.put(address + "|" + driver, errno);
        return this;
    }

    /** The n-th write (counting from 1) fails with the errno and changes nothing. */
    public SimulatedKernel failWrite(int n, int errno) {
        failAt.put(n, errno);
        return this;
    }

    /** Every write the predicate picks fails with the errno and changes nothing. */
    public SimulatedKernel failWhen(Predicate<Write> which, int errno) {
        failWhen.add(Map.entry(which, errno));
        return this;
    }

    /** The process "dies" just before the n-th write (counting from 1): the write does not happen. */
    public SimulatedKernel killBeforeWrite(int n) {
        killBefore = n;
        return this;
    }

    /** The process "dies" just after the n-th write (counting from 1) took effect, before it returns. */
    public SimulatedKernel killAfterWrite(int n) {
        killAfter = n;
        return this;
    }

    /** Stops any kill planned with {@link #killBeforeWrite} or {@link #killAfterWrite} (the process "restarts"). */
    public SimulatedKernel revive() {
        killBefore = -1;
        killAfter = -1;
        return this;
    }

    /** Whether binding to vfio-pci creates {@code /dev/vfio/N} (false: the node never appears, as without udev rules). */
    public SimulatedKernel createVfioNodes(boolean create) {
        createVfioNodes = create;
        return this;
    }

    /**
     * The driver prefers asynchronous probing: {@code drivers_probe} returns at once and the device shows as
     * bound to it only after the delay (as with PROBE_PREFER_ASYNCHRONOUS drivers).
     */
    public SimulatedKernel asyncProbe(String driver, java.time.Duration delay) {
        asyncProbeMillis.put(driver, delay.toMillis());
        return this;
    }

    /** Each write takes this long, as a slow probe would: lets tests keep an operation in flight. */
    public SimulatedKernel slowWrites(java.time.Duration delay) {
        writeDelayMillis = delay.toMillis();
        return this;
    }

    // ---- what tests observe -----------------------------------------------------------------

    /** Every write received, in order, including those that failed. */
    public List<Write> writes() {
        return List.copyOf(writes);
    }

    /** How many times the device's {@code reset} was written successfully. */
    public int resets(String address) {
        return resets.getOrDefault(address, 0);
    }

    /** The driver the device is bound to now, from its {@code driver} link. */
    public Optional<String> currentDriver(String address) {
        return linkTarget(sys.resolve("bus/pci/devices").resolve(address).resolve("driver"));
    }

    /** The last name of where a link such as {@code driver} or {@code iommu_group} points, empty if it is no link. */
    private static Optional<String> linkTarget(Path link) {
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The device's {@code driver_override}, empty when it reads {@code (null)} or is absent. */
    public Optional<String> driverOverride(String address) {
        Path file = sys.resolve("bus/pci/devices").resolve(address).resolve("driver_override");
        try {
            String v = Files.exists(file) ? Files.readString(file).trim() : "(null)";
            return v.equals("(null)") || v.isEmpty() ? Optional.empty() : Optional.of(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the kernel ---------------------------------------------------------------------------

    @Override
    public synchronized void write(Path attribute, String value) throws SysfsWriteException {
        Path abs = attribute.toAbsolutePath().normalize();
        if (!abs.startsWith(sys)) {
            throw new IllegalStateException("simulated kernel asked to write outside " + sys + ": " + abs);
        }
        Write w = new Write("/" + root.relativize(abs), value);
        writes.add(w);
        int n = writes.size();
        if (n == killBefore) {
            throw new SimulatedCrash("killed before write " + n + ": " + w);
        }
        Integer errno = failAt.get(n);
        for (var f : failWhen) {
            if (errno == null && f.getKey().test(w)) {
                errno = f.getValue();
            }
        }
        if (errno != null) {
            throw new SysfsWriteException(abs.toString(), value, errno);
        }
        if (writeDelayMillis > 0) {
            try {
                Thread.sleep(writeDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        apply(abs, sys.relativize(abs).toString(), value);
        if (n == killAfter) {
            throw new SimulatedCrash("killed after write " + n + ": " + w);
        }
    }

    private void apply(Path abs, String rel, String value) {
        String[] p = rel.split("/");
        if (rel.equals("bus/pci/drivers_probe")) {
            probe(abs, value);
        } else if (p.length == 5 && rel.startsWith("bus/pci/drivers/")) {
            driverAttribute(abs, p[3], p[4], value);
        } else if (p.length >= 3 && p[p.length - 1].equals("unbind") && p[p.length - 2].equals("driver")) {
            String address = p[p.length - 3];
            Optional<String> bound = currentDriver(address);
            if (bound.isEmpty()) {
                throw new SysfsWriteException(abs.toString(), value, Errno.ENOENT);
            }
            unbind(address, bound.get());
        } else if (p.length >= 2 && isDevice(p[p.length - 2])) {
            deviceAttribute(abs, p[p.length - 2], p[p.length - 1], value);
        } else {
            throw new IllegalStateException("the simulated kernel does not model writes to /sys/" + rel);
        }
    }

    private void driverAttribute(Path abs, String driver, String attr, String value) {
        if (!Files.isDirectory(sys.resolve("bus/pci/drivers").resolve(driver))) {
            throw new SysfsWriteException(abs.toString(), value, Errno.ENOENT);
        }
        String address = value.strip();
        switch (attr) {
            case "unbind" -> {
                if (!isDevice(address) || !currentDriver(address).equals(Optional.of(driver))) {
                    throw new SysfsWriteException(abs.toString(), value, Errno.ENODEV);
                }
                unbind(address, driver);
            }
            case "bind" -> {
                if (!isDevice(address) || !matches(address, driver)) {
                    throw new SysfsWriteException(abs.toString(), value, Errno.ENODEV);
                }
                if (currentDriver(address).isPresent()) {
                    throw new SysfsWriteException(abs.toString(), value, Errno.EBUSY);
                }
                Integer failure = probeFailures.get(address + "|" + driver);
                if (failure != null) {
                    throw new SysfsWriteException(abs.toString(), value, failure);
                }
                bind(address, driver);
            }
            case "new_id", "remove_id" -> {
                // Accepted silently, as the real kernel does while the device is bound; not modelled further.
            }
            default -> throw new IllegalStateException("the simulated kernel does not model drivers/" + driver + "/" + attr);
        }
    }

    private void deviceAttribute(Path abs, String address, String attr, String value) {
        Path dir = deviceDir(address);
        switch (attr) {
            case "driver_override" -> {
                String v = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
                writeFile(dir.resolve("driver_override"), v.isEmpty() ? "(null)\n" : v + "\n");
            }
            case "sriov_numvfs" -> numVfs(abs, address, dir, value);
            case "sriov_drivers_autoprobe" -> {
                String v = value.strip();
                if (!v.equals("0") && !v.equals("1")) {
                    throw new SysfsWriteException(abs.toString(), value, Errno.EINVAL);
                }
                writeFile(dir.resolve("sriov_drivers_autoprobe"), v + "\n");
            }
            case "reset" -> {
                if (!Files.exists(dir.resolve("reset"))) {
                    throw new SysfsWriteException(abs.toString(), value, Errno.ENOENT);
                }
                ResetBehaviour b = resetBehaviour.getOrDefault(address, ResetBehaviour.WORKS);
                if (b == ResetBehaviour.FAILS) {
                    throw new SysfsWriteException(abs.toString(), value, resetErrno.get(address));
                }
                resets.merge(address, 1, Integer::sum);
                if (b == ResetBehaviour.KILLS_DEVICE) {
                    byte[] dead = new byte[256];
                    java.util.Arrays.fill(dead, (byte) 0xff);
                    try {
                        Files.write(dir.resolve("config"), dead);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            default -> throw new IllegalStateException("the simulated kernel does not model " + address + "/" + attr);
        }
    }

    private void numVfs(Path abs, String pf, Path dir, String value) {
        int n;
        int total;
        int now;
        try {
            n = Integer.parseInt(value.strip());
            total = Integer.parseInt(Files.readString(dir.resolve("sriov_totalvfs")).strip());
            now = Integer.parseInt(Files.readString(dir.resolve("sriov_numvfs")).strip());
        } catch (NumberFormatException e) {
            throw new SysfsWriteException(abs.toString(), value, Errno.EINVAL);
        } catch (IOException e) {
            throw new SysfsWriteException(abs.toString(), value, Errno.ENOENT);
        }
        if (n < 0) {
            throw new SysfsWriteException(abs.toString(), value, Errno.EINVAL);
        }
        if (n == now) {
            return;
        }
        if (n > total) {
            throw new SysfsWriteException(abs.toString(), value, 34); // ERANGE
        }
        if (n > 0 && now > 0) {
            throw new SysfsWriteException(abs.toString(), value, Errno.EBUSY);
        }
        try {
            if (n == 0) {
                for (int i = 0; i < now; i++) {
                    removeVf(dir.resolve("virtfn" + i));
                }
            } else {
                String autoprobe = Files.exists(dir.resolve("sriov_drivers_autoprobe"))
                        ? Files.readString(dir.resolve("sriov_drivers_autoprobe")).strip() : "1";
                SysfsTree tree = SysfsTree.over(root);
                dev.hostdev.engine.pci.PciAddress a = dev.hostdev.engine.pci.PciAddress.parse(pf);
                int vendor = Integer.decode(Files.readString(dir.resolve("vendor")).strip());
                int device = Files.exists(dir.resolve("sriov_vf_device"))
                        ? Integer.parseInt(Files.readString(dir.resolve("sriov_vf_device")).strip(), 16)
                        : Integer.decode(Files.readString(dir.resolve("device")).strip());
                int klass = Integer.decode(Files.readString(dir.resolve("class")).strip());
                Path parent = dir.getParent();
                String parentAddress = dev.hostdev.engine.pci.PciAddress.tryParse(parent.getFileName().toString()) == null
                        ? null : parent.getFileName().toString();
                for (int i = 0; i < n; i++) {
                    int fn = a.slot() * 8 + a.function() + 1 + i;
                    String vf = String.format("%04x:%02x:%02x.%d", a.domain(), a.bus() + fn / 256, fn % 256 / 8, fn % 8);
                    SysfsTree.PciBuilder b = tree.pci(vf).vendor(vendor).device(device).klass(klass).pcie()
                            .iommuGroup(nextIommuGroup()).virtfnOf(pf, i);
                    if (parentAddress != null) {
                        b.parent(parentAddress);
                    }
                    b.add();
                    String driver = vfDrivers.get(pf);
                    nativeDrivers.put(vf, driver);
                    if (autoprobe.equals("1") && driver != null && Files.isDirectory(sys.resolve("bus/pci/drivers").resolve(driver))) {
                        bind(vf, driver);
                    }
                }
            }
            writeFile(dir.resolve("sriov_numvfs"), n + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int nextIommuGroup() {
        return listNames(sys.resolve("kernel/iommu_groups")).stream().mapToInt(Integer::parseInt).max().orElse(-1) + 1;
    }

    private void removeVf(Path virtfn) throws IOException {
        if (!Files.isSymbolicLink(virtfn)) {
            return;
        }
        Path vf = virtfn.toRealPath();
        String address = vf.getFileName().toString();
        currentDriver(address).ifPresent(d -> unbind(address, d));
        Optional<String> group = iommuGroup(vf);
        Files.delete(virtfn);
        Files.deleteIfExists(sys.resolve("bus/pci/devices").resolve(address));
        if (group.isPresent()) {
            Path g = sys.resolve("kernel/iommu_groups").resolve(group.get());
            Files.deleteIfExists(g.resolve("devices").resolve(address));
            if (listNames(g.resolve("devices")).isEmpty()) {
                deleteTree(g);
            }
        }
        deleteTree(vf);
        nativeDrivers.remove(address);
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    private void probe(Path abs, String value) {
        String address = value.strip();
        if (!isDevice(address)) {
            throw new SysfsWriteException(abs.toString(), value, Errno.ENODEV);
        }
        if (currentDriver(address).isPresent()) {
            return;
        }
        Optional<String> override = driverOverride(address);
        String candidate = override.orElse(nativeDrivers.get(address));
        if (candidate != null && Files.isDirectory(sys.resolve("bus/pci/drivers").resolve(candidate))
                && !probeFailures.containsKey(address + "|" + candidate)) {
            Long delay = asyncProbeMillis.get(candidate);
            if (delay == null) {
                bind(address, candidate);
                return;
            }
            Thread later = new Thread(() -> {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (this) {
                    bind(address, candidate);
                }
            }, "simulated async probe of " + address);
            later.setDaemon(true);
            later.start();
        }
    }

    private boolean matches(String address, String driver) {
        Optional<String> override = driverOverride(address);
        if (override.isPresent()) {
            return override.get().equals(driver);
        }
        return driver.equals(nativeDrivers.get(address));
    }

    private void bind(String address, String driver) {
        Path dev = deviceDir(address);
        Path driverDir = sys.resolve("bus/pci/drivers").resolve(driver);
        link(dev.resolve("driver"), driverDir);
        link(driverDir.resolve(address), dev);
        if (vfioDrivers.contains(driver) && createVfioNodes) {
            iommuGroup(dev).ifPresent(g -> {
                Path node = root.resolve("dev/vfio").resolve(g);
                try {
                    Files.createDirectories(node.getParent());
                    if (!Files.exists(node)) {
                        Files.createFile(node);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private void unbind(String address, String driver) {
        Path dev = deviceDir(address);
        Path driverDir = sys.resolve("bus/pci/drivers").resolve(driver);
        try {
            Files.deleteIfExists(dev.resolve("driver"));
            Files.deleteIfExists(driverDir.resolve(address));
            if (vfioDrivers.contains(driver)) {
                Optional<String> group = iommuGroup(dev);
                if (group.isPresent() && groupMembers(group.get()).stream()
                        .noneMatch(m -> currentDriver(m).map(vfioDrivers::contains).orElse(false))) {
                    Files.deleteIfExists(root.resolve("dev/vfio").resolve(group.get()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<String> iommuGroup(Path dev) {
        return linkTarget(dev.resolve("iommu_group"));
    }

    private List<String> groupMembers(String group) {
        return listNames(sys.resolve("kernel/iommu_groups").resolve(group).resolve("devices"));
    }

    private boolean isDevice(String address) {
        return !address.isEmpty() && !address.contains("/") && !address.equals(".") && !address.equals("..")
                && Files.isDirectory(sys.resolve("bus/pci/devices").resolve(address));
    }

    private Path deviceDir(String address) {
        try {
            return sys.resolve("bus/pci/devices").resolve(address).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path link, Path target) {
        try {
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, link.getParent().toRealPath().relativize(target.toRealPath()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeFile(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> listNames(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
