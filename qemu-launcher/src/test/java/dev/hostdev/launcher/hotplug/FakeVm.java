package dev.hostdev.launcher.hotplug;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.BindingState;
import dev.hostdev.engine.bind.DeviceOutcome;
import dev.hostdev.engine.bind.Outcome;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.qmp.FakeQmpServer;
import dev.hostdev.launcher.vm.ManagedDevices;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A recorded VM whose "QEMU" is this test JVM (alive, never killed) and whose QMP monitor is a
 * {@link FakeQmpServer} answering through a script; managed devices are only recorded.
 */
final class FakeVm implements AutoCloseable {
    /** Answers one command; may send events before or after its reply. */
    interface Script {
        void answer(JsonNode cmd, FakeQmpServer qemu) throws IOException;
    }

    final VmRuntimeDir dir;
    final FakeQmpServer qemu;
    final List<String> managedCalls = new CopyOnWriteArrayList<>();
    final List<String> commands = new CopyOnWriteArrayList<>();
    private final Thread answering;

    FakeVm(Path vmsDir, VmState state, List<VmDevice> devices, List<String> managed, Script script) throws IOException {
        dir = new VmRuntimeDir(vmsDir, "fake");
        dir.create();
        SlotMap slots = new SlotMap(List.of(
                new Slot(SlotKind.ROOT_PORT, "pci.1", "0x0", "pci.1", "device", null, "xhci"),
                new Slot(SlotKind.ROOT_PORT, "pci.2", "0x0", "pci.2", "bridge", null, "pci.3"),
                new Slot(SlotKind.ROOT_PORT, "pci.4", "0x0", "pci.4", "spare", null, null),
                new Slot(SlotKind.ROOT_PORT, "pci.5", "0x0", "pci.5", "spare", null, null),
                new Slot(SlotKind.BRIDGE_SLOT, "pci.3", "0x1", "pci.2", SlotMap.BRIDGE_SLOT_ROLE, null, null)));
        for (VmDevice d : devices) {
            Optional<Slot> s = slots.slots().stream().filter(x -> x.bus().equals(d.bus()) && x.isFree()).findFirst();
            if (s.isPresent()) {
                slots = slots.occupy(s.get(), d.id());
            }
        }
        dir.write(new VmRecord("fake", "/tmp/fake.toml", List.of("qemu-system-x86_64"), state,
                ProcessIdentity.of(ProcessHandle.current()), null, "2026-01-01T00:00:00Z", 2, "xhci.0", slots, devices, managed, null));
        qemu = new FakeQmpServer(dir.qmpSocket(), true, true);
        answering = new Thread(() -> {
            try {
                while (true) {
                    JsonNode cmd = qemu.nextCommandOrNull();
                    if (cmd == null) {
                        continue;
                    }
                    commands.add(cmd.get("execute").asText());
                    script.answer(cmd, qemu);
                }
            } catch (InterruptedException | IOException e) {
                // the test is over
            }
        }, "fake-vm-script");
        answering.setDaemon(true);
        answering.start();
    }

    ManagedDevices managed() {
        return new ManagedDevices() {
            @Override
            public BindResult detach(List<PciAddress> devices, boolean dryRun) {
                managedCalls.add((dryRun ? "plan-detach " : "detach ") + devices);
                return result(devices, dryRun ? Outcome.PLANNED : Outcome.DETACHED, dryRun);
            }

            @Override
            public BindResult reattach(List<PciAddress> devices, boolean dryRun) {
                managedCalls.add((dryRun ? "plan-reattach " : "reattach ") + devices);
                return result(devices, dryRun ? Outcome.PLANNED : Outcome.REATTACHED, dryRun);
            }
        };
    }

    /**
     * A VM under {@code vms} recorded running whose QEMU has ended (no socket, no process): what a crash leaves
     * before anyone looked.
     */
    static VmRuntimeDir withEndedQemu(Path vms, String name, int spareRootPorts, SlotMap slots, List<VmDevice> devices)
            throws Exception {
        VmRuntimeDir dir = new VmRuntimeDir(vms, name);
        dir.create();
        dir.write(new VmRecord(name, "/tmp/" + name + ".toml", List.of("qemu-system-x86_64"), VmState.RUNNING,
                dev.hostdev.launcher.vm.EndedProcess.identity(), null, "2026-01-01T00:00:00Z", spareRootPorts, null, slots, devices,
                List.of(), null));
        return dir;
    }

    private static BindResult result(List<PciAddress> devices, Outcome o, boolean dryRun) {
        BindingState s = BindingState.of(null, null);
        return new BindResult(dryRun, devices.stream().map(a -> new DeviceOutcome(a, o, s, s, List.of(), Optional.empty(), List.of())).toList());
    }

    /** The VM as the library hands it to commands. */
    RunningVm running() {
        return new RunningVm(dir, managed(), null);
    }

    VmRecord record() {
        return dir.require();
    }

    @Override
    public void close() throws IOException {
        answering.interrupt();
        qemu.close();
    }
}
