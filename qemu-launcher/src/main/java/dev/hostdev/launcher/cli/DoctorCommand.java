package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.launcher.doctor.CheckResult;
import dev.hostdev.launcher.doctor.CheckStatus;
import dev.hostdev.launcher.doctor.Doctor;
import dev.hostdev.launcher.doctor.DoctorContext;
import dev.hostdev.launcher.doctor.DoctorReport;
import dev.hostdev.launcher.doctor.HostFiles;
import dev.hostdev.launcher.doctor.HostUser;
import dev.hostdev.launcher.doctor.NativeVfioProbe;
import dev.hostdev.launcher.doctor.SpecFacts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hostdev doctor}: tells whether this host is ready for device passthrough, and what to fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check whether this host is ready for device passthrough.",
            "Checks CPU virtualization and KVM, the IOMMU, interrupt remapping, the vfio modules and /dev/vfio, "
                + "the locked-memory limit, SELinux and AppArmor; with DEV, also the device's IOMMU group, ACS, "
                + "reset method, use by the host and PCIe link.",
            "Each check prints ok, warn, fail or n-a, what it found, and the fix. Reads only; never writes."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no check failed (warnings allowed)", "2:bad arguments", "3:no such device or spec file",
            "12:at least one check failed"})
public final class DoctorCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Option(names = "--spec", paramLabel = "FILE",
            description = "VM spec whose memory (and emulated IOMMU) the locked-memory limit is checked against; "
                    + "without DEV, its PCI hostdevs are checked one by one.")
    Path specFile;

    @Option(names = "--user", paramLabel = "NAME",
            description = "The user that will run QEMU (default: the current user), for /dev/vfio permissions and memlock.")
    String user;

    @Parameters(paramLabel = "DEV", arity = "0..*",
            description = "PCI devices to check one by one (03:07.0, 0000:03:07.0, pci_0000_03_07_0, or a selector: "
                    + "path:pci0000:00/1c.0/00.0, serial:SN, slot:3[#N], id:10de:2204[#N]).")
    List<String> devices = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        HostRoot root = common.hostRoot();
        DoctorContext context = DoctorContext.of(root);
        HostFiles files = context.files();
        if (specFile != null) {
            context = context.withSpec(SpecFacts.read(specFile, new dev.hostdev.engine.pci.PciSelectorResolver(common.sysfs()),
                    new dev.hostdev.launcher.topology.SysfsPciFacts(common.sysfs())));
        }
        if (user != null) {
            context = context.withUser(HostUser.lookup(files, user).orElseThrow(() -> HostdevException.usage(
                    "no user '" + user + "' in " + root.display(files.path("/etc/passwd")),
                    "name an existing user with --user")));
        }
        if (root.isSystemRoot()) {
            context = context.withVfioProbe(new NativeVfioProbe());
        }
        List<PciAddress> addresses = devices.stream().map(name -> pciDevice(name, common)).toList();
        if (addresses.isEmpty() && context.spec().isPresent()) {
            addresses = context.spec().get().pciDevices();
        }
        DoctorReport report = new Doctor(addresses).run(context);
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonLine.print(out, new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).valueToTree(report));
        } else {
            print(report, out);
        }
        out.flush();
        return report.failed() ? ErrorCode.ENVIRONMENT.exitStatus() : 0;
    }

    private static void print(DoctorReport report, PrintWriter out) {
        int width = report.checks().stream().mapToInt(c -> name(c).length()).max().orElse(0);
        for (CheckResult c : report.checks()) {
            out.printf("%-4s  %-" + width + "s  %s%n", c.status().label(), name(c), c.found());
            if (c.fix() != null && c.status() != CheckStatus.OK) {
                out.printf("%-4s  %-" + width + "s  fix: %s%n", "", "", c.fix());
            }
        }
        var s = report.summary();
        out.printf("%n%d ok, %d warn, %d fail, %d n-a%n", s.get("ok"), s.get("warn"), s.get("fail"), s.get("n-a"));
    }

    private static String name(CheckResult c) {
        return c.device() == null ? c.id() : c.device() + " " + c.id();
    }

    /** The one device-name parser every command uses (no blanks or control characters), PCI only. */
    private static PciAddress pciDevice(String name, CommonOptions common) {
        if (dev.hostdev.engine.pci.DeviceArguments.resolve(name, common.sysfs()) instanceof dev.hostdev.engine.pci.DeviceRef.Pci p) {
            return p.address();
        }
        throw dev.hostdev.engine.HostdevException.usage("doctor checks PCI devices; '" + name + "' is a USB device",
                "name a PCI device: 03:07.0, 0000:03:07.0, pci_0000_03_07_0 or a selector (path:, serial:, slot:, id:)");
    }
}
