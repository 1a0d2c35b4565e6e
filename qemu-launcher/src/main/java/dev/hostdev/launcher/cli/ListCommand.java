package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.kmod.ModuleAliases;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.pci.PciNames;
import dev.hostdev.engine.pci.PciSummary;
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
        String text = tree ? tree(common.sysfs(), filter)
                : render(common.hostRoot(), common.sysfs(), json.enabled(), usb, all, filter, kernel);
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
        return 0;
    }

    /**
     * The whole output of {@code list}; {@link ListFastPath} calls it without building the command tree.
     *
     * @throws HostdevException (environment) when the root has no {@code /sys/bus/pci}
     */
    static String render(HostRoot root, Sysfs sysfs, boolean json, boolean usb, boolean all) {
        return render(root, sysfs, json, usb, all, LspciFilter.ANY, false);
    }

    /** As above, PCI devices selected by {@code filter}, with their kernel modules when {@code kernel}. */
    static String render(HostRoot root, Sysfs sysfs, boolean json, boolean usb, boolean all, LspciFilter filter,
            boolean kernel) {
        boolean showPci = all || !usb;
        boolean showUsb = all || usb;
        List<PciSummary> pci = null;
        PciNames pciNames = null;
        Map<PciAddress, List<String>> modules = null;
        if (showPci) {
            pci = pciDevices(root, sysfs, json);
            if (filter.selects()) {
                pci = pci.stream().filter(filter::matches).toList();
            }
            pciNames = PciNames.lookup(root, pci);
            if (kernel) {
                modules = kernelModules(root, sysfs, pci);
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

    private static String tree(Sysfs sysfs, LspciFilter filter) {
        return ListTree.render(sysfs, pciDevices(sysfs.root(), sysfs, false), filter);
    }

    private static List<PciSummary> pciDevices(HostRoot root, Sysfs sysfs, boolean withNumaNode) {
        if (!sysfs.isDirectory("bus/pci")) {
            throw new HostdevException(ErrorCode.ENVIRONMENT,
                    "no PCI bus in sysfs: " + root.display(sysfs.path("bus/pci")) + " is missing under " + root,
                    "sysfs must be mounted on /sys; check --root and HOSTDEV_ROOT");
        }
        return new PciInventory(sysfs).summaries(withNumaNode);
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
