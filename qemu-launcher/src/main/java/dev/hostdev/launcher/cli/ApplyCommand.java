package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.launcher.host.ApplyReport;
import dev.hostdev.launcher.host.HostApplier;
import dev.hostdev.launcher.host.HostConfigFiles;
import dev.hostdev.launcher.host.PreviousBoot;
import dev.hostdev.launcher.spec.HostConfig;
import dev.hostdev.launcher.spec.HostConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hostdev apply}: make the host match /etc/hostdev/host.toml (what hostdev-apply.service runs at boot). */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Make the host match its configuration: /etc/hostdev/host.toml and host.d/*.toml beside it.",
            "",
            "Loads the modules it lists that are not loaded, sets each SR-IOV physical function's VF count, and holds "
                + "each device it lists on a VFIO driver, found by its selector (path, serial, slot, vendor_device) on this "
                + "boot. The VF counts and detaches are those of 'hostdev sriov --set' and 'hostdev detach': journalled, "
                + "refusing a device the host uses or another VM holds, all checks made before the first write. A second "
                + "run finds nothing to do.",
            "",
            "Also reports VM records and journal entries a previous boot left (a state directory on disk) as ended by "
                + "a host reboot, and never acts on them; apply removes such journal entries once reported.",
            "",
            "At boot, hostdev-apply.service runs 'hostdev apply' (docs/install.md)."})
public final class ApplyCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Mixin
    HostConfigOption config;

    @Spec
    CommandSpec spec;

    // Plain options, not an exclusive @ArgGroup: 'hostdev batch' reuses one picocli model, which resets options
    // between lines but kept a group's instance, so an 'apply --check' line made every later 'apply' a check too.
    @Mixin
    DryRunOption dryRun;

    @Option(names = "--check", description = "Write nothing; list each way the host differs from the configuration "
            + "and exit 11 (wrong state) if it does, 0 if it matches.")
    boolean check;

    @Override
    public Integer call() {
        if (dryRun.enabled() && check) {
            throw dev.hostdev.engine.HostdevException.usage("--dry-run and --check go separately",
                    "--check lists the differences, --dry-run the writes that would remove them: give one");
        }
        HostConfigFiles files = config.files(common);
        HostConfig cfg = HostConfigLoader.load(files.main(), files.explicit());
        HostApplier.Mode mode = check ? HostApplier.Mode.CHECK : dryRun.enabled() ? HostApplier.Mode.DRY_RUN : HostApplier.Mode.APPLY;
        DeviceBinder binder = DetachCommandSupport.binder(common, spec, json.enabled(), "hostdev apply");
        List<String> previous = PreviousBoot.report(binder, new VmCommandContext(common, spec.commandLine().getErr()).registry(),
                mode == HostApplier.Mode.APPLY);
        PrintWriter verbose = json.enabled() ? spec.commandLine().getErr() : spec.commandLine().getOut();
        dev.hostdev.engine.sysfs.HostRoot root = common.hostRoot();
        HostApplier applier = new HostApplier(new dev.hostdev.engine.sysfs.Sysfs(root, DetachCommandSupport.kernel.apply(root)),
                binder, DetachCommandSupport.modules.apply(root),
                m -> {
                    if (common.verbose()) {
                        verbose.println("# " + m);
                        verbose.flush();
                    }
                });
        ApplyReport report = applier.apply(cfg, mode, previous);
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonLine.print(out, json(report));
        } else {
            text(out, report, files);
        }
        out.flush();
        return mode == HostApplier.Mode.CHECK && !report.inSync() ? ErrorCode.STATE.exitStatus() : 0;
    }

    private static void text(PrintWriter out, ApplyReport r, HostConfigFiles files) {
        for (String p : r.previousBoot()) {
            out.println("# " + p);
        }
        String from = r.files().isEmpty() ? files.main() + " (absent) and no drop-ins in " + files.dropInDir()
                : r.files().stream().map(Path::toString).collect(Collectors.joining(", "));
        for (ApplyReport.Item i : r.items()) {
            switch (r.mode()) {
                case DRY_RUN -> {
                    out.println("# " + i.describe());
                    i.notes().forEach(n -> out.println("#   " + n));
                    i.writes().forEach(out::println);
                }
                case CHECK -> {
                    if (i.status() != ApplyReport.Status.OK) {
                        out.println("differs: " + i.describe());
                        i.notes().forEach(n -> out.println("  " + n));
                    }
                }
                case APPLY -> {
                    out.println(i.describe());
                    i.notes().forEach(n -> out.println("  " + n));
                }
            }
        }
        int n = r.differences().size();
        String summary = switch (r.mode()) {
            case DRY_RUN -> n == 0 ? "nothing to do: the host matches " + from
                    : "would make " + n + " change" + (n == 1 ? "" : "s") + " to match " + from;
            case CHECK -> n == 0 ? "the host matches " + from : n + " difference" + (n == 1 ? "" : "s") + " from " + from;
            case APPLY -> n == 0 ? "nothing to do: the host matches " + from
                    : "made " + n + " change" + (n == 1 ? "" : "s") + ": the host matches " + from;
        };
        out.println((r.mode() == HostApplier.Mode.DRY_RUN ? "# " : "") + summary);
    }

    static ObjectNode json(ApplyReport r) {
        ObjectNode o = JsonLine.object();
        o.put("mode", r.mode().jsonName());
        ArrayNode files = o.putArray("files");
        r.files().forEach(f -> files.add(f.toString()));
        o.put("in_sync", r.inSync());
        ArrayNode items = o.putArray("items");
        for (ApplyReport.Item i : r.items()) {
            ObjectNode n = items.addObject();
            n.put("kind", i.kind());
            n.put("name", i.name());
            n.put("where", i.where());
            n.put("address", i.address());
            n.put("before", i.before());
            n.put("wanted", i.wanted());
            n.put("status", i.status().jsonName());
            ArrayNode w = n.putArray("writes");
            i.writes().forEach(w::add);
            ArrayNode notes = n.putArray("notes");
            i.notes().forEach(notes::add);
        }
        ArrayNode prev = o.putArray("previous_boot");
        r.previousBoot().forEach(prev::add);
        return o;
    }
}
