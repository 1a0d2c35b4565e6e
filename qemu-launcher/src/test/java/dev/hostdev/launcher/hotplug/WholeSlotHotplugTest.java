package dev.hostdev.launcher.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14.2: a multi-function device hotplugged whole ({@code attach --functions all}) goes into one free root port,
 * functions N..1 first and function 0 last (QEMU's rule), and unplug of any of its functions removes the slot as one
 * ({@code device_del} of function 0, then DEVICE_DELETED of every function). The host is a generated sysfs tree with a
 * GPU at 0000:01:00.0 (VGA), .1 (HDMI audio) and .2 (USB-C), one IOMMU group.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WholeSlotHotplugTest {
    private static final PciAddress GPU = PciAddress.parse("0000:01:00.0");

    @TempDir
    Path vms;
    @TempDir
    Path root;
    SysfsPciFacts facts;

    @BeforeEach
    void gpuWithAudioAndUsb() {
        SysfsTree tree = SysfsTree.create(root);
        tree.pci("0000:01:00.0").vendor(0x10de).device(0x1e87).klass(0x030000).pcie().multiFunction().iommuGroup(3).add();
        tree.pci("0000:01:00.1").vendor(0x10de).device(0x10f8).klass(0x040300).pcie().iommuGroup(3).add();
        tree.pci("0000:01:00.2").vendor(0x10de).device(0x1ad8).klass(0x0c0330).pcie().iommuGroup(3).add();
        facts = new SysfsPciFacts(tree.sysfs());
    }

    /** A QEMU that accepts device_add and lists what it has; device_del of function 0 removes the whole slot. */
    private static FakeVm.Script qemu(List<JsonNode> added, List<String> present) {
        return (cmd, q) -> {
            switch (cmd.get("execute").asText()) {
                case "device_add" -> {
                    added.add(cmd.get("arguments"));
                    present.add(cmd.get("arguments").get("id").asText());
                    q.reply(cmd, "{}");
                }
                case "qom-list" -> {
                    StringBuilder b = new StringBuilder("[");
                    present.forEach(id -> b.append("{\"name\":\"").append(id).append("\",\"type\":\"child<vfio-pci>\"},"));
                    q.reply(cmd, b.append("{\"name\":\"type\",\"type\":\"string\"}]").toString());
                }
                case "query-status" -> q.reply(cmd, "{\"status\":\"running\",\"running\":true}");
                case "query-pci" -> q.reply(cmd, "[{\"bus\":0,\"devices\":[]}]");
                case "device_del" -> {
                    String id = cmd.get("arguments").get("id").asText();
                    q.reply(cmd, "{}");
                    if (id.equals("gpu")) {
                        for (String gone : List.of("gpu-f2", "gpu-f1", "gpu")) { // ACPI ejects the slot's functions
                            present.remove(gone);
                            q.event("DEVICE_DELETED", "{\"device\":\"" + gone + "\",\"path\":\"/machine/peripheral/" + gone + "\"}");
                        }
                    }
                }
                default -> q.error(cmd, "CommandNotFound", "unexpected " + cmd);
            }
        };
    }

    @Test
    void functionsNDownToOneAreAddedFirstAndFunctionZeroLastIntoOneRootPort() throws Exception {
        List<JsonNode> added = new CopyOnWriteArrayList<>();
        try (FakeVm vm = new FakeVm(vms, VmState.RUNNING, List.of(), List.of(), qemu(added, new CopyOnWriteArrayList<>()))) {
            AttachResult r = new Attacher(vm.running(), facts, HotplugChecks.NONE).attach(new HotplugDevice.HostPci(GPU, true), "gpu", true, false);
            assertEquals(List.of(
                    "{\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.2\",\"id\":\"gpu-f2\",\"bus\":\"pci.4\",\"addr\":\"0x0.0x2\"}",
                    "{\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.1\",\"id\":\"gpu-f1\",\"bus\":\"pci.4\",\"addr\":\"0x0.0x1\"}",
                    "{\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.0\",\"id\":\"gpu\",\"bus\":\"pci.4\",\"multifunction\":true,\"addr\":\"0x0\"}"),
                    added.stream().map(JsonNode::toString).toList());
            assertEquals(List.of("plan-detach [0000:01:00.0, 0000:01:00.1, 0000:01:00.2]", "detach [0000:01:00.0, 0000:01:00.1, 0000:01:00.2]"),
                    vm.managedCalls, "every function detached in one plan: the group rule sees them together");
            VmRecord rec = vm.record();
            assertEquals(Set.of("0000:01:00.0", "0000:01:00.1", "0000:01:00.2"), Set.copyOf(rec.managed()));
            assertEquals(new VmDevice("gpu-f1", "vfio-pci", "pci.4", "0x0.0x1", "pci.4", "0000:01:00.1", true, true), rec.device("gpu-f1").orElseThrow());
            assertEquals(1, rec.slots().freeCount(dev.hostdev.launcher.vm.SlotKind.ROOT_PORT), "one root port for the three functions");
            assertEquals(List.of("gpu-f2", "gpu-f1"), r.functions().stream().map(f -> f.recorded().id()).toList());
        }
    }

    @Test
    void theDryRunPrintsThatOrder() throws Exception {
        try (FakeVm vm = new FakeVm(vms, VmState.RUNNING, List.of(), List.of(), qemu(new ArrayList<>(), new ArrayList<>()))) {
            AttachResult r = new Attacher(vm.running(), facts, HotplugChecks.NONE).attach(new HotplugDevice.HostPci(GPU, true), "gpu", true, true);
            List<String> qmp = r.plan().lines().stream().filter(l -> l.contains("device_add")).toList();
            assertEquals(3, qmp.size(), r.plan().lines().toString());
            assertTrue(qmp.get(0).contains("\"gpu-f2\"") && qmp.get(1).contains("\"gpu-f1\"") && qmp.get(2).contains("\"gpu\""), qmp.toString());
            assertTrue(String.join("\n", r.plan().lines()).contains("detach 0000:01:00.0 and 0000:01:00.1 and 0000:01:00.2 to vfio-pci"),
                    String.join("\n", r.plan().lines()));
            assertEquals(List.of("plan-detach [0000:01:00.0, 0000:01:00.1, 0000:01:00.2]"), vm.managedCalls);
            assertEquals(List.of(), vm.commands, "nothing sent");
        }
    }

    @Test
    void functionsAllFromAnotherFunctionIsRefused() throws Exception {
        try (FakeVm vm = new FakeVm(vms, VmState.RUNNING, List.of(), List.of(), qemu(new ArrayList<>(), new ArrayList<>()))) {
            HostdevException e = assertThrows(HostdevException.class, () -> new Attacher(vm.running(), facts, HotplugChecks.NONE)
                    .attach(new HotplugDevice.HostPci(PciAddress.parse("01:00.1"), true), "x", true, true));
            assertEquals("--functions all gives a multi-function device from its function 0, not 0000:01:00.1", e.getMessage());
            assertEquals("attach 0000:01:00.0 --functions all", e.hint());
        }
    }

    @Test
    void unplugOfAnyFunctionRemovesTheSlotAsOne() throws Exception {
        List<String> present = new CopyOnWriteArrayList<>();
        try (FakeVm vm = new FakeVm(vms, VmState.RUNNING, List.of(), List.of(), qemu(new CopyOnWriteArrayList<>(), present))) {
            new Attacher(vm.running(), facts, HotplugChecks.NONE).attach(new HotplugDevice.HostPci(GPU, true), "gpu", true, false);
            vm.managedCalls.clear();
            List<String> plan = new Unplugger(vm.running()).plan("gpu-f1", Duration.ofSeconds(5)).lines();
            assertTrue(plan.stream().anyMatch(l -> l.contains("device_del") && l.contains("\"gpu\"")), "device_del of function 0: " + plan);
            assertTrue(plan.stream().anyMatch(l -> l.contains("DEVICE_DELETED of gpu, gpu-f1, gpu-f2")), plan.toString());
            UnplugResult r = new Unplugger(vm.running()).unplug("gpu-f1", Duration.ofSeconds(5));
            assertEquals(Set.of("0000:01:00.0", "0000:01:00.1", "0000:01:00.2"), Set.copyOf(r.returned()));
            VmRecord rec = vm.record();
            assertEquals(List.of(), rec.devices());
            assertEquals(List.of(), rec.managed());
            assertEquals(2, rec.slots().freeCount(dev.hostdev.launcher.vm.SlotKind.ROOT_PORT), "the root port is free again");
            assertEquals(List.of("plan-reattach [0000:01:00.0, 0000:01:00.1, 0000:01:00.2]", "reattach [0000:01:00.0, 0000:01:00.1, 0000:01:00.2]"),
                    vm.managedCalls);
            assertEquals(1, vm.commands.stream().filter("device_del"::equals).count(), "one device_del for the slot: " + vm.commands);
        }
    }
}
