package dev.hostdev.launcher.cli;

import dev.hostdev.engine.bind.BindResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hostdev recover}: finish or roll back what a killed Hostdev left half done. */
@Command(name = "recover", mixinStandardHelpOptions = true,
        description = {"Finish or roll back what a killed or crashed Hostdev left half done.",
            "",
            "Reads the journal (/run/hostdev/journal): an interrupted detach is rolled back, an interrupted "
                + "reattach finished. Operations still running in another process are left alone. Any later "
                + "detach or reattach of an affected device does this first by itself.",
            "",
            "An entry written during a previous boot (a /run/hostdev that outlived a reboot) is reported as ended by a "
                + "host reboot and removed; nothing is done to its devices, which the reboot reset."})
public final class RecoverCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Mixin
    DryRunOption dryRun;

    @Override
    public Integer call() {
        dev.hostdev.engine.bind.DeviceBinder binder = DetachCommandSupport.binder(common, spec, json.enabled(), "hostdev recover");
        // A previous boot's entries are reported, never acted on; they go once reported (not under --dry-run).
        java.io.PrintWriter notes = json.enabled() ? spec.commandLine().getErr() : spec.commandLine().getOut();
        for (String p : binder.previousBoot(!dryRun.enabled())) {
            notes.println((json.enabled() ? "hostdev: note: " : "# ") + p);
        }
        notes.flush();
        BindResult result = binder.recover(dryRun.enabled());
        if (result.devices().isEmpty() && !json.enabled()) {
            spec.commandLine().getOut().println("nothing to recover");
            spec.commandLine().getOut().flush();
            return 0;
        }
        DetachCommandSupport.print(spec, result, json.enabled());
        return 0;
    }
}
