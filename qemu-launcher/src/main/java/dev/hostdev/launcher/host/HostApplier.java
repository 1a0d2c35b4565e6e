package dev.hostdev.launcher.host;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.DetachOptions;
import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.engine.bind.DeviceOutcome;
import dev.hostdev.engine.bind.ModuleLoader;
import dev.hostdev.engine.bind.Outcome;
import dev.hostdev.engine.bind.ReattachOptions;
import dev.hostdev.engine.bind.SriovChange;
import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sriov.SriovReader;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.spec.HostConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Makes the host match its configuration, in three steps: load the modules that are not loaded, set each
 * physical function's VF count, hold each device on its VFIO driver. The VF counts and the detaches are the
 * engine's own ({@link DeviceBinder#setNumVfs}, {@link DeviceBinder#detach}): journalled, checked by the same
 * guard (a device the host uses is refused), verified. Everything that can be planned is planned first, so a
 * refusal comes before any write; a second run finds nothing to do. Under {@link Mode#DRY_RUN} it writes
 * nothing and prints the plan; under {@link Mode#CHECK} it writes nothing and lists the differences.
 */
public final class HostApplier {
    /** What {@code apply} is asked to do. */
    public enum Mode {
        /** make the host match */
        APPLY,
        /** print what apply would write */
        DRY_RUN,
        /** list the differences */
        CHECK;

        /** Lower-case name, for JSON. */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final Sysfs sysfs;
    private final DeviceBinder binder;
    private final ModuleLoader loader;
    private final Consumer<String> progress;

    /**
     * @param sysfs    the host (its writer is the kernel, or a simulated one in tests)
     * @param binder   detaches and sets VF counts on that host
     * @param loader   loads modules ({@link ModuleLoader#forRoot}: only for the real host)
     * @param progress hears what is being done, for {@code -v}
     */
    public HostApplier(Sysfs sysfs, DeviceBinder binder, ModuleLoader loader, Consumer<String> progress) {
        this.sysfs = sysfs;
        this.binder = binder;
        this.loader = loader;
        this.progress = progress;
    }

    /**
     * Applies, plans or checks {@code config}.
     *
     * @param previousBoot what a previous boot left, as {@link PreviousBoot} describes it (reported, never acted on)
     * @throws HostdevException as the engine's detach and VF count change do (before any write when planning
     *                          finds it), or naming the entry whose device cannot be found
     */
    public ApplyReport apply(HostConfig config, Mode mode, List<String> previousBoot) {
        List<ApplyReport.Item> sriov = new ArrayList<>();
        boolean vfsChange = false;
        // Plan the VF counts and the devices first: a refusal then comes before anything is written.
        Map<HostConfig.VfCount, PciAddress> pfs = new LinkedHashMap<>();
        ConfigDevices devices = new ConfigDevices(sysfs);
        for (HostConfig.VfCount v : config.sriov()) {
            PciAddress pf = devices.resolve(v.pf());
            pfs.put(v, pf);
            int now = new SriovReader(sysfs).read(pf).numVfs();
            if (now != v.vfs()) {
                vfsChange = true;
                if (mode != Mode.CHECK) {
                    binder.setNumVfs(pf, v.vfs(), true, ReattachOptions.DEFAULT_SETTLE);
                }
            }
        }
        if (mode != Mode.CHECK) {
            planDevices(config, devices, vfsChange);
        }
        List<ApplyReport.Item> modules = modules(config, mode);
        for (Map.Entry<HostConfig.VfCount, PciAddress> e : pfs.entrySet()) {
            sriov.add(vfCount(e.getKey(), e.getValue(), mode));
        }
        List<ApplyReport.Item> held = devices(config, new ConfigDevices(sysfs), mode, vfsChange);
        List<ApplyReport.Item> all = new ArrayList<>(modules);
        all.addAll(sriov);
        all.addAll(held);
        return new ApplyReport(mode, config.files(), all, previousBoot);
    }

    private List<ApplyReport.Item> modules(HostConfig config, Mode mode) {
        List<ApplyReport.Item> out = new ArrayList<>();
        String where = config.files().isEmpty() ? "" : config.files().get(0).toString();
        for (String m : config.modules()) {
            boolean loaded = loaded(m);
            if (loaded) {
                out.add(new ApplyReport.Item("module", m, where, null, "loaded", "loaded", ApplyReport.Status.OK, List.of(), List.of()));
                continue;
            }
            if (mode == Mode.APPLY) {
                progress.accept("loading module " + m);
                loader.load(m);
                if (!loaded(m)) {
                    throw new HostdevException(dev.hostdev.engine.ErrorCode.ENVIRONMENT, "modprobe " + m + " succeeded but there "
                            + "is no /sys/module/" + m.replace('-', '_'), "check the name with 'modinfo " + m + "' and look at dmesg");
                }
            }
            out.add(new ApplyReport.Item("module", m, where, null, "not loaded", "loaded", status(mode),
                    List.of((mode == Mode.APPLY ? "loaded module " : "would load module ") + m), List.of()));
        }
        return out;
    }

    private boolean loaded(String module) {
        return sysfs.isDirectory("module/" + module.replace('-', '_'))
                || sysfs.isDirectory("bus/pci/drivers/" + module);
    }

    private ApplyReport.Item vfCount(HostConfig.VfCount v, PciAddress pf, Mode mode) {
        int now = new SriovReader(sysfs).read(pf).numVfs();
        if (now == v.vfs()) {
            return new ApplyReport.Item("sriov", v.pf().spelling(), v.pf().where(), pf.toString(), now + " VFs", v.vfs() + " VFs",
                    ApplyReport.Status.OK, List.of(), List.of());
        }
        List<String> writes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (mode != Mode.CHECK) {
            progress.accept("setting " + pf + " to " + v.vfs() + " VFs");
            SriovChange c = binder.setNumVfs(pf, v.vfs(), mode == Mode.DRY_RUN, ReattachOptions.DEFAULT_SETTLE);
            c.writes().forEach(w -> writes.add(w.describe()));
            if (!c.note().isEmpty()) {
                notes.add(c.note());
            }
        }
        return new ApplyReport.Item("sriov", v.pf().spelling(), v.pf().where(), pf.toString(), now + " VFs", v.vfs() + " VFs",
                status(mode), writes, notes);
    }

    /** A dry run of every device that can be found now: the guard, group and driver checks, before any write. */
    private void planDevices(HostConfig config, ConfigDevices devices, boolean vfsChange) {
        for (Map.Entry<String, List<PciAddress>> e : byDriver(config, devices, vfsChange).entrySet()) {
            binder.detach(e.getValue(), DetachOptions.defaults().withDriver(e.getKey()).withDryRun(true));
        }
    }

    private Map<String, List<PciAddress>> byDriver(HostConfig config, ConfigDevices devices, boolean vfsChange) {
        Map<String, List<PciAddress>> byDriver = new LinkedHashMap<>();
        for (HostConfig.HeldDevice d : config.devices()) {
            PciAddress a = resolveOrNull(d, devices, vfsChange);
            if (a != null && !byDriver.values().stream().anyMatch(l -> l.contains(a))) {
                byDriver.computeIfAbsent(d.driver(), k -> new ArrayList<>()).add(a);
            } else if (a != null) {
                throw HostdevException.usage(d.name().where() + ": " + d.name().spelling() + " is " + a
                        + ", which another entry of the configuration already holds", "remove one of the two entries");
            }
        }
        return byDriver;
    }

    /** The device's address, or null when it is not there yet but VFs are about to be created (it may be one). */
    private static PciAddress resolveOrNull(HostConfig.HeldDevice d, ConfigDevices devices, boolean vfsChange) {
        try {
            return devices.resolve(d.name());
        } catch (HostdevException e) {
            if (vfsChange && e.code() == dev.hostdev.engine.ErrorCode.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private List<ApplyReport.Item> devices(HostConfig config, ConfigDevices devices, Mode mode, boolean vfsChange) {
        Map<PciAddress, HostConfig.HeldDevice> entries = new LinkedHashMap<>();
        List<ApplyReport.Item> out = new ArrayList<>();
        boolean vfsPending = vfsChange && mode != Mode.APPLY;
        for (HostConfig.HeldDevice d : config.devices()) {
            PciAddress a = resolveOrNull(d, devices, vfsPending);
            if (a == null) {
                out.add(new ApplyReport.Item("device", d.name().spelling(), d.name().where(), null, "not present",
                        d.driver().equals("auto") ? "a VFIO driver" : d.driver(), mode == Mode.CHECK ? ApplyReport.Status.DIFFERS
                        : ApplyReport.Status.PLANNED, List.of(), List.of("not present until the VF counts are set")));
            } else {
                entries.put(a, d);
            }
        }
        Map<String, List<PciAddress>> byDriver = new LinkedHashMap<>();
        entries.forEach((a, d) -> byDriver.computeIfAbsent(d.driver(), k -> new ArrayList<>()).add(a));
        Map<PciAddress, DeviceOutcome> outcomes = new LinkedHashMap<>();
        for (Map.Entry<String, List<PciAddress>> e : byDriver.entrySet()) {
            DetachOptions options = DetachOptions.defaults().withDriver(e.getKey()).withDryRun(mode != Mode.APPLY);
            BindResult r;
            if (mode == Mode.CHECK) {
                // A check lists every difference: a device the guard refuses is one too, not the end of the check.
                for (PciAddress a : e.getValue()) {
                    try {
                        r = binder.detach(List.of(a), options);
                        r.devices().stream().filter(o -> o.device().equals(a)).forEach(o -> outcomes.put(a, o));
                    } catch (HostdevException refused) {
                        HostConfig.HeldDevice d = entries.get(a);
                        out.add(new ApplyReport.Item("device", d.name().spelling(), d.name().where(), a.toString(),
                                driverOf(a, devices), wanted(d), ApplyReport.Status.DIFFERS, List.of(),
                                List.of("apply would refuse it: " + refused.getMessage())));
                    }
                }
                continue;
            }
            progress.accept((mode == Mode.APPLY ? "holding " : "planning ") + e.getValue() + " on " + e.getKey());
            r = binder.detach(e.getValue(), options);
            r.devices().forEach(o -> outcomes.putIfAbsent(o.device(), o));
        }
        for (Map.Entry<PciAddress, HostConfig.HeldDevice> e : entries.entrySet()) {
            DeviceOutcome o = outcomes.get(e.getKey());
            if (o == null) {
                continue; // reported above (check refused)
            }
            HostConfig.HeldDevice d = e.getValue();
            boolean asIs = o.outcome() == Outcome.ALREADY_DETACHED || (o.outcome() == Outcome.PLANNED && o.writes().isEmpty()
                    && o.before().driver().equals(o.after().driver()));
            String before = o.before().driver().orElse("no driver");
            String after = o.after().driver().orElse(wanted(d));
            List<String> notes = new ArrayList<>(o.warnings());
            o.driverChoice().ifPresent(c -> notes.add(c.describe()));
            out.add(new ApplyReport.Item("device", d.name().spelling(), d.name().where(), e.getKey().toString(), before,
                    asIs ? before : after, asIs ? ApplyReport.Status.OK : status(mode),
                    o.writes().stream().map(SysfsWrite::describe).toList(), asIs ? List.of() : notes));
        }
        return out;
    }

    private static String driverOf(PciAddress a, ConfigDevices devices) {
        return devices.device(a).flatMap(p -> p.driver()).orElse("no driver");
    }

    private static String wanted(HostConfig.HeldDevice d) {
        return d.driver().equals("auto") ? "a VFIO driver" : d.driver();
    }

    private static ApplyReport.Status status(Mode mode) {
        return switch (mode) {
            case APPLY -> ApplyReport.Status.CHANGED;
            case DRY_RUN -> ApplyReport.Status.PLANNED;
            case CHECK -> ApplyReport.Status.DIFFERS;
        };
    }
}
