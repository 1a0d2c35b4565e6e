package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.lab.HostdevLauncher;
import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabEnvironment;
import dev.hostdev.launcher.lab.LabInstaller;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabNeeds;
import dev.hostdev.launcher.lab.LabPreflight;
import dev.hostdev.launcher.lab.LabStepReport;
import dev.hostdev.launcher.lab.LabVm;
import dev.hostdev.launcher.lab.LabWalk;
import dev.hostdev.launcher.lab.steps.LabSteps;
import dev.hostdev.launcher.lab.StepOutcome;
import dev.hostdev.launcher.lab.StepVerdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hostdev lab}: boots the lab VM and walks through the whole procedure inside it. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"Boot a lab VM (this host's kernel under QEMU with an emulated IOMMU and emulated devices to give "
                + "away) and walk through the whole procedure inside it: list, show, detach, start a VM with the device, "
                + "hotplug into a spare root port and behind a pcie-pci-bridge, unplug, stop, reattach. The lab VM is an "
                + "ordinary spec started by 'hostdev vm start'; inside it one 'hostdev batch --json' runs every command.",
            "Needs no IOMMU and touches none of this host's devices. Needs QEMU, a kernel, a static busybox and a few "
                + "tools: every program is checked before anything boots, each missing one named with its Debian package; "
                + "--print-packages lists the packages, --install installs them."},
        footer = {"", "Exit status: 0 when every step passed, 1 when a step failed or was skipped, 12 when the lab cannot run."})
public final class LabCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Option(names = "--install", description = "Install what the lab needs (apt-get, as root) when it is missing.")
    boolean install;

    @Option(names = "--print-packages", description = "Print the Debian packages the lab needs, one a line, and exit "
            + "(what --install installs and ./run-tests reads).")
    boolean printPackages;

    @Option(names = "--keep", description = "Keep the lab's work directory (serial log, QEMU log, every command's output).")
    boolean keep;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (printPackages) {
            LabNeeds.packages().forEach(out::println);
            out.flush();
            return 0;
        }
        LabEnvironment env = environment(out);
        HostdevLauncher hostdev = hostdevLauncher(env);
        text(out, "lab: booting Linux " + env.kernelRelease() + " under QEMU (TCG, q35, emulated Intel IOMMU) with hostdev vm start ...");
        long start = System.nanoTime();
        try (LabVm vm = LabVm.boot(env, LabMachine.standard(), hostdev)) {
            if (keep) {
                vm.keepArtifacts();
            }
            vm.loadDrivers();
            LabDevices devices = LabWalk.discover(vm);
            text(out, String.format(Locale.ROOT, "lab: booted in %.1f s; %d PCI devices in %d IOMMU groups; "
                    + "running every step through one hostdev batch inside the guest", vm.bootTime().toMillis() / 1000.0,
                    devices.lspci().size(), devices.groups().values().stream().distinct().count()));
            List<LabStepReport> reports = LabWalk.run(vm, devices, LabSteps.ALL, r -> printStep(out, r));
            long passed = reports.stream().filter(r -> r.verdict().status() == StepVerdict.Status.PASSED).count();
            if (reports.size() != passed) {
                vm.markFailed();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (json.enabled()) {
                printJson(out, env, vm, reports, passed, seconds);
            } else {
                out.printf(Locale.ROOT, "lab: %d/%d steps passed (%.0f s)%n", passed, reports.size(), seconds);
                if (vm.keepsArtifacts()) {
                    out.println("lab: logs kept in " + vm.workDir());
                }
            }
            out.flush();
            return passed == reports.size() ? 0 : 1;
        }
    }

    private LabEnvironment environment(PrintWriter out) {
        try {
            return LabEnvironment.detect();
        } catch (HostdevException missing) {
            if (!install) {
                throw missing;
            }
            text(out, "lab: " + missing.getMessage() + "; installing");
            LabInstaller.install(out);
            try {
                return LabEnvironment.detect();
            } catch (HostdevException stillMissing) {
                throw new HostdevException(ErrorCode.ENVIRONMENT, stillMissing.getMessage(), "their packages are installed, "
                        + "yet the programs are not where the lab looks (PATH, then /usr/sbin and /sbin; inside the lab VM "
                        + LabPreflight.GUEST_PATH + "): something hides or removed them", stillMissing);
            }
        }
    }

    /**
     * How the lab runs hostdev, on this host and in the guest (which sees the host's / read-only): this very
     * jar, or, run from classes (an IDE, the tests), this JVM's class path with every entry absolute.
     */
    static HostdevLauncher hostdevLauncher(LabEnvironment env) {
        try {
            Path self = Path.of(LabCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self)) {
                return HostdevLauncher.jar(env.java(), self);
            }
        } catch (URISyntaxException | RuntimeException e) {
            throw new HostdevException(ErrorCode.INTERNAL, "cannot locate the hostdev jar: " + e.getMessage(), null, e);
        }
        String cp = System.getProperty("java.class.path");
        if (cp.contains("/tmp/") || cp.isBlank()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "the lab runs Hostdev from its jar; this JVM's class path is not usable in the guest",
                    "build it (mvn -pl qemu-launcher -am package) and run ./hostdev lab");
        }
        return HostdevLauncher.classPath(env.java(), cp, Main.class.getName());
    }

    private void printStep(PrintWriter out, LabStepReport r) {
        if (json.enabled()) {
            return;
        }
        String tag = switch (r.verdict().status()) {
            case PASSED -> "PASS";
            case FAILED -> "FAIL";
            case SKIPPED -> "SKIP";
        };
        out.printf(Locale.ROOT, "[%s] %2d. %s%n        %s%n", tag, r.number(), r.title(), r.verdict().detail());
        if (common.verbose()) {
            for (StepOutcome o : r.outcomes()) {
                out.printf(Locale.ROOT, "        $ %s  (exit %d, %d ms)%n", o.name(), o.exit(), o.millis());
                for (String l : (o.stdout() + o.stderr()).strip().split("\n")) {
                    out.println("          " + l);
                }
            }
        }
        out.flush();
    }

    private void text(PrintWriter out, String line) {
        if (!json.enabled()) {
            out.println(line);
            out.flush();
        }
    }

    private static void printJson(PrintWriter out, LabEnvironment env, LabVm vm, List<LabStepReport> reports, long passed,
            double seconds) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("kernel", env.kernelRelease());
        root.put("boot_ms", vm.bootTime().toMillis());
        root.put("seconds", Math.round(seconds * 10) / 10.0);
        root.put("passed", passed);
        root.put("total", reports.size());
        root.put("logs", vm.keepsArtifacts() ? vm.workDir().toString() : null);
        ArrayNode steps = root.putArray("steps");
        for (LabStepReport r : reports) {
            ObjectNode s = steps.addObject();
            s.put("number", r.number());
            s.put("title", r.title());
            s.put("status", r.verdict().status().name().toLowerCase(Locale.ROOT));
            s.put("detail", r.verdict().detail());
            ArrayNode commands = s.putArray("commands");
            for (StepOutcome o : r.outcomes()) {
                commands.add(mapper.valueToTree(o));
            }
        }
        JsonLine.print(out, root);
    }
}
