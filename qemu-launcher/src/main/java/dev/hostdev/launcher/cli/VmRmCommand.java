package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import dev.hostdev.launcher.vm.VmStateException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code hostdev vm rm NAME}: forgets a stopped VM, deleting its runtime directory (record, logs,
 * sockets), as {@code virsh undefine} forgets a domain. A VM whose QEMU runs, or that still has managed
 * devices detached, is refused with the command that settles it.
 */
@Command(name = "rm", mixinStandardHelpOptions = true, description = {
    "Forget a stopped or crashed VM: delete its runtime directory (state.json, qemu.log, qmp.log, sockets).",
    "Refused while its QEMU runs, or while managed devices it detached are still off their host driver:",
    "'hostdev vm stop NAME' settles both. The spec file is not touched."})
public final class VmRmCommand extends NamedVmCommand {
    @Mixin
    DryRunOption dryRun;

    @Override
    public Integer call() {
        String name = target.name();
        if (name == null || !VmSpec.NAME.matcher(name).matches()) {
            throw HostdevException.usage("not a VM name: '" + dev.hostdev.engine.Printable.of(name) + "'",
                    "a VM name is 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit (as a spec's name)");
        }
        VmCommandContext ctx = new VmCommandContext(common, spec.commandLine().getErr());
        VmRuntimeDir dir = ctx.registry().dir(name);
        dir.require();
        List<Path> removed;
        try (VmRuntimeDir.Lock lock = dir.lock("vm rm", Duration.ofSeconds(5))) {
            VmRecord r = dir.require();
            VmStateException.require(name, r.effectiveState(), "rm", VmState.STOPPED, VmState.CRASHED);
            if (r.qemuAlive()) {
                throw new HostdevException(ErrorCode.STATE, "VM " + name + " is recorded " + r.state().jsonName()
                        + " but its QEMU (pid " + r.qemu().pid() + ") still runs", "stop it first: hostdev vm stop " + name);
            }
            if (!r.managed().isEmpty()) {
                throw new HostdevException(ErrorCode.STATE, "VM " + name + " still has managed devices off their host "
                        + "driver: " + String.join(", ", r.managed()) + "; forgetting it would forget to give them back",
                        "give them back first: hostdev vm stop " + name);
            }
            removed = dir.remove(dryRun.enabled());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            ObjectNode o = JsonLine.object();
            o.put("name", name);
            o.put("dry_run", dryRun.enabled());
            o.put("removed", !dryRun.enabled());
            o.put("directory", dir.dir().toString());
            var files = o.putArray("files");
            removed.forEach(p -> files.add(p.getFileName().toString()));
            JsonLine.print(out, o);
        } else {
            if (dryRun.enabled()) {
                out.println("# vm rm " + name + " --dry-run: nothing is changed");
            }
            String verb = dryRun.enabled() ? "would delete " : "deleted ";
            for (Path p : removed) {
                out.println(verb + p);
            }
            out.println(verb + dir.dir());
            if (!dryRun.enabled()) {
                out.println("VM " + name + " forgotten");
            }
        }
        out.flush();
        return 0;
    }

}
