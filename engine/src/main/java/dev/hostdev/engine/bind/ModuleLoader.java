package dev.hostdev.engine.bind;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.sysfs.HostRoot;

/**
 * Loads a kernel module, as {@code modprobe NAME} does. On the real host ({@code --root /}) that is
 * {@link Modprobe}; under any other root there is no kernel of that tree to load into, and running modprobe
 * would change the real host's kernel instead, so the loader refuses ({@link #forRoot}). Tests put a simulated
 * kernel's loader here.
 */
@FunctionalInterface
public interface ModuleLoader {
    /**
     * Loads {@code module} (a name as modprobe takes it, {@code -} and {@code _} alike).
     *
     * @throws HostdevException (environment) naming the module, what went wrong and how to load it by hand
     */
    void load(String module);

    /** The loader for a host root: modprobe for {@code /}, a refusal for any other root. */
    static ModuleLoader forRoot(HostRoot root) {
        if (root.isSystemRoot()) {
            return module -> Modprobe.find().load(module);
        }
        return module -> {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "module " + module + " is not loaded under --root "
                    + root.path() + ", and Hostdev loads modules only for the real host (--root /): modprobe here would "
                    + "change this machine's kernel, not that tree's",
                    "load it in the system that tree belongs to: modprobe " + module
                            + "; for a test tree, create " + root.path() + "/sys/bus/pci/drivers/" + module);
        };
    }
}
