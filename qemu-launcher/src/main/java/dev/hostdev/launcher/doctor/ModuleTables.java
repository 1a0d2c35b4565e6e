package dev.hostdev.launcher.doctor;

import java.util.HashSet;
import java.util.Set;

/**
 * Which kernel modules are loaded, built in, or loadable, from {@code /proc/modules},
 * {@code /sys/module} and {@code /lib/modules/RELEASE/modules.builtin} and {@code modules.dep},
 * with RELEASE from {@code /proc/sys/kernel/osrelease} under the same root. Names are compared with
 * '-' and '_' taken as equal, as modprobe does.
 */
public final class ModuleTables {
    /** Where a module stands. */
    public enum State {
        /** In {@code /proc/modules}, or live in {@code /sys/module}. */
        LOADED,
        /** Compiled into the kernel. */
        BUILTIN,
        /** Not loaded but {@code modprobe} can load it. */
        LOADABLE,
        /** Neither loaded, built in, nor installed for this kernel. */
        MISSING
    }

    private final Set<String> loaded = new HashSet<>();
    private final Set<String> builtin = new HashSet<>();
    private final Set<String> installed = new HashSet<>();
    private final String release;
    private final boolean modulesDirPresent;

    /** Reads the module tables of the host. */
    public ModuleTables(DoctorContext context) {
        HostFiles files = context.files();
        for (String line : files.lines("/proc/modules")) {
            String name = line.split("\\s+", 2)[0];
            if (!name.isEmpty()) {
                loaded.add(normal(name));
            }
        }
        this.release = files.read("/proc/sys/kernel/osrelease").map(String::trim).orElse("");
        String dir = "/lib/modules/" + release;
        this.modulesDirPresent = !release.isEmpty() && files.exists(dir);
        if (!release.isEmpty()) {
            for (String line : files.lines(dir + "/modules.builtin")) {
                builtin.add(moduleName(line));
            }
            for (String line : files.lines(dir + "/modules.dep")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    installed.add(moduleName(line.substring(0, colon)));
                }
            }
        }
        for (String m : context.sysfs().list("module")) {
            // A loadable module appears in /sys/module with initstate "live"; built-ins have no initstate.
            if (context.sysfs().read("module/" + m + "/initstate").map(s -> s.equals("live")).orElse(false)) {
                loaded.add(normal(m));
            }
        }
    }

    /** Where module {@code name} stands. */
    public State state(String name) {
        String n = normal(name);
        if (loaded.contains(n)) {
            return State.LOADED;
        }
        if (builtin.contains(n)) {
            return State.BUILTIN;
        }
        if (installed.contains(n)) {
            return State.LOADABLE;
        }
        return State.MISSING;
    }

    /** The running kernel's release, or empty when unreadable. */
    public String release() {
        return release;
    }

    /** Whether {@code /lib/modules/RELEASE} exists for the running kernel. */
    public boolean modulesDirPresent() {
        return modulesDirPresent;
    }

    /** The module name of a path like {@code kernel/drivers/vfio/pci/vfio-pci.ko.xz}. */
    static String moduleName(String path) {
        String base = path.trim();
        base = base.substring(base.lastIndexOf('/') + 1);
        int ko = base.indexOf(".ko");
        return normal(ko >= 0 ? base.substring(0, ko) : base);
    }

    private static String normal(String name) {
        return name.replace('-', '_');
    }
}
