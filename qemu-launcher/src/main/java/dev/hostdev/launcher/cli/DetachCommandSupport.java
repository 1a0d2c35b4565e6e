package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.BindObserver;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.BindingState;
import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.engine.bind.DeviceOutcome;
import dev.hostdev.engine.bind.ModuleLoader;
import dev.hostdev.engine.bind.Outcome;
import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.engine.pci.DeviceArguments;
import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.NativeAttributeWriter;
import dev.hostdev.engine.sysfs.Sysfs;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code detach}, {@code reattach} and {@code recover} share: building the {@link DeviceBinder},
 * parsing device names, and printing results as text lines, {@code write …} lines (dry run) or JSON.
 */
final class DetachCommandSupport {
    /**
     * How sysfs writes reach the kernel. Always the C library in the shipped program; the CLI's tests swap
     * in a simulated kernel here, in-process, so that no user-visible option can fake the kernel.
     */
    static volatile Function<HostRoot, AttributeWriter> kernel = root -> new NativeAttributeWriter();

    /**
     * How missing driver modules are loaded: modprobe for the real host, a refusal under any other root
     * ({@link ModuleLoader#forRoot}); the CLI's tests load into the simulated kernel here.
     */
    static volatile Function<HostRoot, ModuleLoader> modules = ModuleLoader::forRoot;

    private DetachCommandSupport() {
    }

    /** A binder on the chosen root; {@code -v} prints each write as it is made. */
    static DeviceBinder binder(CommonOptions common, CommandSpec spec, boolean json, String requester) {
        HostRoot root = common.hostRoot();
        Sysfs sysfs = new Sysfs(root, kernel.apply(root));
        PrintWriter verbose = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        BindObserver observer = new BindObserver() {
            @Override
            public void beforeWrite(PciAddress device, SysfsWrite write) {
                if (common.verbose()) {
                    verbose.println(write.describe());
                    verbose.flush();
                }
            }

            @Override
            public void progress(PciAddress device, String message) {
                if (common.verbose()) {
                    verbose.println("# " + message);
                    verbose.flush();
                }
            }
        };
        return new DeviceBinder(sysfs, observer, requester, modules.apply(root));
    }

    /**
     * Parses device names and resolves selectors ({@code path:}, {@code serial:}, {@code slot:}, {@code id:}) under
     * the root; only PCI devices are detached or reattached.
     */
    static List<PciAddress> pciDevices(List<String> names, String command, Sysfs sysfs) {
        List<PciAddress> out = new ArrayList<>();
        for (String name : names) {
            DeviceRef ref = DeviceArguments.resolve(name, sysfs);
            if (!(ref instanceof DeviceRef.Pci pci)) {
                throw HostdevException.usage("'" + name + "' is a USB device: only PCI devices are " + command + "ed",
                        "USB devices go to a VM as they are (usb-host); name PCI devices as 03:07.0, 0000:03:07.0, pci_0000_03_07_0 "
                                + "or a selector (path:, serial:, slot:, id:)");
            }
            out.add(pci.address());
        }
        return out;
    }

    /** Prints the result: JSON, the writes of a dry run, or one line per device. */
    static void print(CommandSpec spec, BindResult result, boolean json) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonLine.print(out, toJson(result));
        } else if (result.dryRun()) {
            for (DeviceOutcome d : result.devices()) {
                for (String w : d.warnings()) {
                    out.println("# " + d.device() + ": " + w);
                }
                d.driverChoice().ifPresent(ch -> out.println("# " + d.device() + ": " + ch.describe()));
                if (d.writes().isEmpty()) {
                    out.println("# " + d.device() + ": " + line(d));
                }
                for (SysfsWrite w : d.writes()) {
                    out.println(w.describe());
                }
            }
        } else {
            for (DeviceOutcome d : result.devices()) {
                out.println(d.device() + ": " + line(d));
            }
            PrintWriter err = spec.commandLine().getErr();
            for (DeviceOutcome d : result.devices()) {
                for (String w : d.warnings()) {
                    err.println("hostdev: warning: " + w);
                }
            }
            err.flush();
        }
        out.flush();
    }

    /** One line about a device's outcome, e.g. {@code detached from nouveau to vfio-pci (/dev/vfio/14)}. */
    static String line(DeviceOutcome d) {
        String before = d.before().driver().orElse("no driver");
        String after = d.after().driver().orElse("no driver");
        return switch (d.outcome()) {
            case DETACHED -> "detached from " + before + " to " + after + d.vfioNode().map(n -> " (" + n + ")").orElse("");
            case ALREADY_DETACHED -> "already on " + before + ", nothing to do";
            case SKIPPED_BRIDGE -> "a bridge of the group, left on " + before;
            case REATTACHED -> "reattached from " + before + " to " + after;
            case REATTACHED_NO_DRIVER -> "released from " + before + "; no host driver claimed it";
            case ALREADY_ATTACHED -> "on host driver " + before + ", nothing to do";
            case LEFT_UNBOUND -> "left bound to no driver: it does not answer after its reset";
            case RECOVERED -> "recovered: now on " + after + (d.after().override().map(o -> ", driver_override " + o).orElse(""));
            case IN_PROGRESS -> "left alone: another process is still working on it";
            case PLANNED -> "would go from " + before + " to " + d.after().driver().orElse("the driver the kernel picks");
        };
    }

    static ObjectNode toJson(BindResult result) {
        ObjectNode root = JsonLine.object();
        root.put("dry_run", result.dryRun());
        ArrayNode devices = root.putArray("devices");
        for (DeviceOutcome d : result.devices()) {
            ObjectNode n = devices.addObject();
            n.put("address", d.device().toString());
            n.put("outcome", d.outcome().name().toLowerCase(Locale.ROOT));
            state(n.putObject("before"), d.before());
            state(n.putObject("after"), d.after());
            n.put("vfio_node", d.vfioNode().orElse(null));
            ArrayNode writes = n.putArray("writes");
            for (SysfsWrite w : d.writes()) {
                writes.addObject().put("attribute", w.hostPath()).put("value", w.value());
            }
            ArrayNode warnings = n.putArray("warnings");
            d.warnings().forEach(warnings::add);
            if (d.driverChoice().isPresent()) {
                n.putObject("driver_choice").put("driver", d.driverChoice().get().driver())
                        .put("reason", d.driverChoice().get().reason());
            } else {
                n.putNull("driver_choice");
            }
        }
        return root;
    }

    private static void state(ObjectNode n, BindingState s) {
        n.put("driver", s.driver().orElse(null));
        n.put("driver_override", s.override().orElse(null));
    }

    /** Whether any device was left in a state the user must look at. */
    static boolean anyLeftUnbound(BindResult result) {
        return result.devices().stream().anyMatch(d -> d.outcome() == Outcome.LEFT_UNBOUND);
    }
}
