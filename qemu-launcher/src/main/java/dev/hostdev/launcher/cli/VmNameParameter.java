package dev.hostdev.launcher.cli;

import dev.hostdev.launcher.vm.RunningVm;
import java.io.PrintWriter;
import picocli.CommandLine.Parameters;

/**
 * The {@code NAME} of the VM a command acts on (its first parameter), and the VM it names under the run
 * directory ({@code --run-dir}, {@code HOSTDEV_RUN_DIR}, else {@code /run/hostdev/vms} under {@code --root}).
 */
public final class VmNameParameter {
    @Parameters(index = "0", paramLabel = "NAME", description = "The VM ('hostdev vm list' shows them).")
    String name;

    /** The name as given. */
    public String name() {
        return name;
    }

    /** The VM's handle; managed devices go through the engine, {@code -v} output to {@code err}. */
    RunningVm open(CommonOptions common, PrintWriter err) {
        return new VmCommandContext(common, err).runningVm(name);
    }
}
