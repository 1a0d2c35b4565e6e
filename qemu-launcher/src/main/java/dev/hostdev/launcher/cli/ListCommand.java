package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.kmod.ModuleAliases;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.pci.PciListing;
import dev.hostdev.engine.pci.PciNames;
import dev.hostdev.engine.pci.PciSummary;
import dev.hostdev.engine.pci.UnreadablePciEntry;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.usb.UsbDevice;
import dev.hostdev.engine.usb.UsbInventory;
import dev.hostdev.engine.usb.UsbNames;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hostdev list}: every PCI (and USB) device, as {@code lspci -nn} plus driver and IOMMU group. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List PCI (and USB) devices with driver and IOMMU group.",
            "PCI lines read like 'lspci -nn' (address, class [class id]: vendor and device [vendor:device] "
                    + "(rev)), then driver=NAME|none and group=N|none; USB lines like 'lsusb', then the bus-port. "
                    + "Names come from the system's pci.ids and usb.ids. The --json schema is in docs/json.md.",
            "Every entry of /sys/bus/pci/devices is listed: one that cannot be read in full is shown with what could "
                    + "be read ('?' for the rest) and 'unreadable: WHY', and warned about on standard error.",
            "-s, -d, -k and --tree are lspci's, with lspci's syntax and meaning; they apply to PCI devices."})
public final class ListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Option(names = "--usb", description = "List USB devices instead of PCI devices.")
    boolean usb;

    @Option(names = "--all", description = "List PCI and USB devices.")
    boolean all;

    @Option(names = "-s", paramLabel = "[[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]]",
            description = "Only PCI devices in that domain, bus, slot or function, as lspci -s: hex numbers, an empty "
                    + "part or * for any (02:, 1c.4, 0000:03:00.0, .1).")
    String slot;

    @Option(names = "-d", paramLabel = "[VENDOR]:[DEVICE][:CLASS[:PROGIF]]",
            description = "Only PCI devices with those IDs, as lspci -d: hex, an empty part or * for any, x for any "
                    + "digit of the class (8086:, :10c9, ::0200, ::02xx).")
    String ids;

    @Option(names = "-k", description = "Show each PCI device's kernel driver in use and the kernel modules that can "
            + "drive it (its modalias against /lib/modules/RELEASE/modules.alias under --root), as lspci -k.")
    boolean kernel;

    @Option(names = {"-t", "--tree"}, description = "Draw the PCI bus tree as lspci -t does (text only).")
    boolean tree;

    @Override
    public Integer call() {
        if ((usb || all) && (slot != null || ids != null || kernel || tree)) {
            throw HostdevException.usage("-s, -d, -k and --tree are lspci's options and list PCI devices only",
                    "drop --usb/--all, or list USB devices with 'hostdev list --usb' alone");
        }
        if (tree && json.enabled()) {
            throw HostdevException.usage("--tree draws text; it has no --json form",
                    "use 'hostdev list --json' (each device's parent is in 'hostdev show DEV --json')");
        }
        LspciFilter filter = LspciFilter.parse(slot, ids);
        PrintWriter err = spec.commandLine().getErr();
        String text = tree ? tree(common.hostRoot(), common.sysfs(), filter, err)
                : render(common.hostRoot(), common.sysfs(), json.enabled(), usb, all, filter, kernel, err);
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
        return 0;
    }

    /**
     * The whole output of {@code list}; {@link ListFastPath} calls it without building the command tree.
     * An entry of /sys/bus/pci/devices that cannot be read is listed with what could be read, and a
     * warning naming it and what is wrong goes to {@code err}.
     *
     * @throws HostdevException (environment) when the root has no {@code /sys/bus/pci}
     */
    static String render(HostRoot root, Sysfs sysfs, boolean json, boolean usb, boolean all, PrintWriter err) {
        return render(root, sysfs, json, usb, all, LspciFilter.ANY, false, err);
    }

    /**
     * As above, the PCI devices {@code filter} selects (an unreadable entry when what could be read of it
     * may match), with their kernel modules when {@code kernel}.
     */
    static String render(HostRoot root, Sysfs sysfs, boolean json, boolean usb, boolean all, LspciFilter filter,
            boolean kernel, PrintWriter err) {
        boolean showPci = all || !usb;
        boolean showUsb = all || usb;
        PciListing pci = null;
        PciNames pciNames = null;
        Map<PciAddress, List<String>> modules = null;
        if (showPci) {
            pci = pciListing(root, sysfs, json, filter, err);
            pciNames = PciNames.lookup(root, pci.devices());
            if (kernel) {
                modules = kernelModules(root, sysfs, pci.devices());
            }
        }
        List<UsbDevice> usbDevices = null;
        UsbNames usbNames = null;
        if (showUsb) {
            usbDevices = new UsbInventory(sysfs).all();
            usbNames = UsbNames.lookup(root, usbDevices);
        }
        return json ? ListJson.render(pci, pciNames, modules, usbDevices, usbNames)
                : ListText.render(pci, pciNames, modules, usbDevices, usbNames);
    }

    private static String tree(HostRoot root, Sysfs sysfs, LspciFilter filter, PrintWriter err) {
        return ListTree.render(sysfs, pciListing(root, sysfs, false, LspciFilter.ANY, err).devices(), filter);
    }

    /** The listing, filtered; a warning on {@code err} for each unreadable entry kept. */
    private static PciListing pciListing(HostRoot root, Sysfs sysfs, boolean withNumaNode, LspciFilter filter,
            PrintWriter err) {
        if (!sysfs.isDirectory("bus/pci")) {
            throw new HostdevException(ErrorCode.ENVIRONMENT,
                    "no PCI bus in sysfs: " + root.display(sysfs.path("bus/pci")) + " is missing under " + root,
                    "sysfs must be mounted on /sys; check --root and HOSTDEV_ROOT");
        }
        PciListing pci = new PciInventory(sysfs).listing(withNumaNode);
        if (filter.selects()) {
            pci = new PciListing(pci.devices().stream().filter(filter::matches).toList(),
                    pci.unreadable().stream().filter(filter::mayMatch).toList());
        }
        for (UnreadablePciEntry e : pci.unreadable()) {
            err.println("hostdev: warning: cannot read " + e.warning());
        }
        err.flush();
        return pci;
    }

    /** Each device's modules, from its {@code modalias} (none when it has none, as lspci). */
    private static Map<PciAddress, List<String>> kernelModules(HostRoot root, Sysfs sysfs, List<PciSummary> pci) {
        ModuleAliases aliases = ModuleAliases.load(root, "pci:");
        Map<PciAddress, List<String>> out = new HashMap<>();
        for (PciSummary d : pci) {
            out.put(d.address(), sysfs.read("bus/pci/devices/" + d.address() + "/modalias")
                    .map(aliases::modulesFor).orElse(List.of()));
        }
        return out;
    }
}
