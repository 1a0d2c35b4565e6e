package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabVm;
import dev.hostdev.launcher.lab.StepOutcome;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * NUMA placement on a real kernel (issue 16.1): the lab guest has two NUMA nodes of two CPUs each and an e1000e
 * behind node 1's pxb-pcie ({@link LabMachine#withTwoNumaNodes()}: the placement feature lays out the lab VM
 * itself). Inside, {@code hostdev vm start} of a spec with that NIC managed and {@code [placement] numa =
 * "device", vcpu_pin = "auto", hugepages = "2M", reserve_hugepages = true} reserves 2M pages on node 1 in the
 * guest's sysfs, and the nested QEMU's vCPU thread, its other threads and its RAM are then seen on node 1 in
 * the guest kernel's own {@code /proc}. The device's vfio interrupt is steered too: QEMU's vfio-pci enables the
 * device's INTx at realize (the e1000e has an interrupt pin), so {@code vfio-intx(ADDR)} is in the guest's
 * {@code /proc/interrupts} as soon as the nested QEMU has started, paused; its {@code smp_affinity_list}, all 4 CPUs
 * before {@code vm start}, is then the plan's housekeeping CPU (and its effective affinity within it), as
 * {@code vm status} reports. MSI/MSI-X vectors are not exercised: they appear only once a guest driver enables them,
 * and a nested guest kernel takes about 140 s to boot under TCG in TCG. {@code vm stop} gives the NIC back. The
 * nested VM runs firmware only. One boot.
 */
class NumaPlacementInLabTest {
    @RegisterExtension
    static final LabVmExtension LAB = new LabVmExtension(LabMachine.standard().withTwoNumaNodes());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NODE1_CPUS = "2-3";
    private static final String PAGES = "/sys/devices/system/node/node1/hugepages/hugepages-2048kB/";

    /** What the guest kernel says about the nested QEMU: each thread's name and Cpus_allowed_list, its numa_maps, the vfio IRQs. */
    static final String PROC_SCRIPT = """
            p=$(ps -eo pid=,comm= | grep ' qemu-system' | sed 's/^ *//;s/ .*//')
            echo "pid $p"
            for t in /proc/$p/task/*; do echo "task ${t##*/} $(grep Cpus_allowed_list: $t/status | sed 's/.*:[[:space:]]*//') $(cat $t/comm)"; done
            grep -E 'bind:|huge' /proc/$p/numa_maps | sed 's/^/maps /'
            for i in $(grep vfio /proc/interrupts | sed 's/^ *//;s/:.*//'); do echo "irq $i $(cat /proc/irq/$i/smp_affinity_list) $(e=$(cat /proc/irq/$i/effective_affinity_list 2>/dev/null); echo ${e:--}) $(grep "^ *$i:" /proc/interrupts | grep -o 'vfio-[^ ,]*' | tr '\\n' ' ')"; done
            echo "default $(cat /proc/irq/default_smp_affinity)"
            echo "msi_irqs $(ls /sys/bus/pci/devices/%s/msi_irqs 2>/dev/null | tr '\\n' ' ')"
            """;

    /** Every interrupt's affinity before {@code vm start} (and the NIC's INTx line number): what steering has to move. */
    static final String IRQS_BEFORE = """
            echo "pin $(cat /sys/bus/pci/devices/%s/irq)"
            for i in /proc/irq/[0-9]*; do echo "before ${i##*/} $(cat $i/smp_affinity_list 2>/dev/null)"; done
            """;

    @Test
    void aNestedVmWithTheNodeOneNicRunsOnNodeOneCpusWithItsRamBoundToNodeOne() throws Exception {
        LabVm vm = LAB.vm();
        GuestHostdev hostdev = new GuestHostdev(vm, LAB.env().java(), LabVmExtension.hostdevJarOrSkip());
        GuestResult found = vm.run("for a in /sys/bus/pci/devices/*/net/*/address; do grep -qx " + LabMachine.NODE1_NIC_MAC
                + " $a && d=${a%/net/*} && echo \"${d##*/} $(cat $d/numa_node) $(cat $d/local_cpulist)\"; done; "
                + "echo nodes $(ls -d /sys/devices/system/node/node* | sed 's|.*/||'); "
                + "for n in 0 1; do echo node$n $(cat /sys/devices/system/node/node$n/cpulist); done", Duration.ofSeconds(30));
        String[] lines = found.stdout().strip().split("\n");
        String[] nic = lines[0].split(" ");
        String addr = nic[0];
        assertTrue(addr.matches("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]"), "the node-1 NIC is in the guest: " + found.describe());
        assertEquals("nodes node0 node1", lines[1], "the guest has two NUMA nodes: " + found.stdout());
        assertEquals("node0 0-1", lines[2], found.stdout());
        assertEquals("node1 " + NODE1_CPUS, lines[3], found.stdout());
        assertEquals("1", nic[1], "the NIC behind node 1's pxb-pcie reports numa_node 1: " + found.stdout());
        assertEquals(NODE1_CPUS, nic[2], "and node 1's CPUs as local_cpulist: " + found.stdout());
        System.out.printf("[lab] guest: %s; %s numa_node %s local_cpulist %s%n", String.join(", ", List.of(lines).subList(1, 4)), addr, nic[1], nic[2]);

        Files.writeString(vm.exchangeDir().resolve("numa.toml"), """
                name = "numa-nested"
                memory = "64M"
                cpus = 1

                [[hostdev]]
                id = "nic"
                pci = "%s"
                managed = true

                [placement]
                numa = "device"
                vcpu_pin = "auto"
                hugepages = "2M"
                reserve_hugepages = true
                """.formatted(addr));
        String spec = LabVm.GUEST_EXCHANGE_DIR + "/numa.toml";
        Map<String, StepOutcome> o = hostdev.batch(List.of(
                GuestCommand.sh("pages-before", "cat " + PAGES + "nr_hugepages " + PAGES + "free_hugepages"),
                GuestCommand.sh("irqs-before", IRQS_BEFORE.formatted(addr)),
                GuestCommand.hostdev("cmdline", "vm", "cmdline", spec, "--json"),
                GuestCommand.hostdev("start", "vm", "start", spec),
                GuestCommand.sh("pages-running", "cat " + PAGES + "nr_hugepages " + PAGES + "free_hugepages"),
                GuestCommand.sh("proc", PROC_SCRIPT.formatted(addr)),
                GuestCommand.hostdev("status", "vm", "status", "numa-nested", "--json"),
                GuestCommand.hostdev("status-text", "vm", "status", "numa-nested"),
                GuestCommand.hostdev("pin-dry", "vm", "pin", "numa-nested", "--dry-run"),
                GuestCommand.hostdev("stop", "vm", "stop", "--timeout", "2", "numa-nested"),
                GuestHostdev.state("after-stop", addr),
                GuestCommand.sh("qemu-left", "ps -eo comm= | grep -c '^qemu-system' || true")));
        o.forEach((k, v) -> System.out.printf("[lab] %s exit %d%n%s%s%n", k, v.exit(), v.stdout(), v.stderr()));

        assertEquals("0\n0", o.get("pages-before").stdout().strip(), "no 2M page reserved on guest node 1 before the start");
        StepOutcome cmdline = o.get("cmdline");
        assertEquals(0, cmdline.exit(), cmdline.stderr());
        JsonNode plan = JSON.readTree(cmdline.stdout()).path("placement");
        assertEquals(1, plan.path("host_node").asInt(), "the plan found the NIC's node: " + plan);
        int vcpuCpu = plan.path("vcpus").path(0).path("host_cpu").asInt();
        assertTrue(vcpuCpu == 2 || vcpuCpu == 3, "vcpu 0 on a node-1 CPU: " + plan);
        String emulatorCpus = plan.path("emulator_cpus").asText();
        assertEquals(String.valueOf(5 - vcpuCpu), emulatorCpus, "QEMU's other threads on the other node-1 CPU: " + plan);

        StepOutcome start = o.get("start");
        assertEquals(0, start.exit(), start.stdout() + start.stderr());
        assertEquals("32\n0", o.get("pages-running").stdout().strip(),
                "vm start reserved 32 2M pages on node 1 (64M) in the guest's sysfs and QEMU took them all");

        Map<String, String> threads = new LinkedHashMap<>();
        List<String> maps = new ArrayList<>();
        Map<Integer, String> irqs = new LinkedHashMap<>();
        String msi = "";
        String defaultMask = "";
        for (String line : o.get("proc").stdout().strip().split("\n")) {
            String[] w = line.split(" ", 4);
            switch (w[0]) {
                case "task" -> threads.put(w[1] + " " + w[3], w[2]);
                case "maps" -> maps.add(line.substring(5));
                case "irq" -> irqs.put(Integer.parseInt(w[1]), line.split(" ", 3)[2]);
                case "msi_irqs" -> msi = line.substring(8).strip();
                case "default" -> defaultMask = w[1];
                default -> { }
            }
        }
        assertFalse(threads.isEmpty(), o.get("proc").stdout() + o.get("proc").stderr());
        List<String> vcpuThreads = threads.keySet().stream().filter(t -> t.contains(" CPU 0/")).toList();
        assertEquals(1, vcpuThreads.size(), "one vCPU thread: " + threads);
        assertEquals(String.valueOf(vcpuCpu), threads.get(vcpuThreads.get(0)), "the vCPU thread runs on node-1 CPU " + vcpuCpu + ": " + threads);
        threads.forEach((t, cpus) -> {
            if (!vcpuThreads.contains(t)) {
                assertEquals(emulatorCpus, cpus, "QEMU thread " + t + " on the emulator CPU: " + threads);
            }
        });
        assertTrue(maps.stream().anyMatch(m -> m.contains("bind:1") && m.contains(" huge ") && m.contains("N1=32")),
                "guest RAM: 32 huge pages on node 1, bound to it: " + maps);
        assertTrue(maps.stream().filter(m -> m.contains("bind:")).allMatch(m -> m.contains("bind:1") && !m.contains("N0=")),
                "nothing bound elsewhere, no page of a bound mapping on node 0: " + maps);

        JsonNode status = JSON.readTree(o.get("status").stdout());
        assertEquals("running", status.path("state").asText(), status.toString());
        JsonNode where = status.path("placement");
        System.out.println("[lab] vm status placement: " + where);
        JsonNode reported = where.path("irqs");
        String irqCpus = plan.path("irq_cpus").asText();
        assertEquals(emulatorCpus, irqCpus, "the interrupts go to the housekeeping CPU, with QEMU's other threads: " + plan);
        Map<Integer, String> before = new LinkedHashMap<>();
        String intxBefore = "";
        for (String line : o.get("irqs-before").stdout().strip().split("\n")) {
            String[] w = line.split(" ");
            if (w[0].equals("before") && w.length == 3) {
                before.put(Integer.parseInt(w[1]), w[2]);
            } else if (w[0].equals("pin")) {
                intxBefore = w.length > 1 ? w[1] : "";
            }
        }
        assertEquals(1, irqs.size(), "one vfio interrupt of " + addr + " once the nested QEMU has started: its INTx: " + o.get("proc").stdout());
        int irq = irqs.keySet().iterator().next();
        String[] seen = irqs.get(irq).split(" ", 3);
        assertEquals("vfio-intx(" + addr + ")", seen[2].strip(), "the one vfio interrupt is the INTx line QEMU enabled at realize: " + irqs);
        assertEquals(intxBefore, String.valueOf(irq), "it is the device's legacy line (/sys/bus/pci/devices/" + addr + "/irq before the start)");
        assertEquals("", msi, "no MSI/MSI-X vector: a firmware-only nested VM never enables them");
        assertEquals("f", defaultMask, "a new interrupt would be allowed on all 4 CPUs (default_smp_affinity)");
        assertEquals("0-3", before.get(irq), "before vm start, irq " + irq + " was allowed on all 4 CPUs: " + before);
        assertEquals(irqCpus, seen[0], "after vm start, irq " + irq + " (vfio-intx) is allowed only on the housekeeping CPU " + irqCpus + ": " + irqs);
        assertTrue(seen[1].equals("-") || seen[1].equals(irqCpus), "and the kernel routes it there (effective_affinity_list " + seen[1] + ")");
        Set<Integer> listed = new java.util.TreeSet<>();
        reported.forEach(i -> listed.add(i.path("irq").asInt()));
        assertEquals(irqs.keySet(), listed, "vm status lists the device's vfio interrupts: " + where);
        reported.forEach(i -> assertEquals(irqCpus, i.path("cpus").asText(), "vm status shows it moved: " + where));
        System.out.printf("[lab] irq %d %s: smp_affinity_list %s before vm start, %s after (effective %s); housekeeping CPUs %s%n",
                irq, seen[2].strip(), before.get(irq), seen[0], seen[1], irqCpus);

        assertEquals(0, o.get("stop").exit(), o.get("stop").stderr());
        assertEquals("e1000e (null)", GuestHostdev.parseState(o.get("after-stop").stdout()).get(addr), "the NIC is given back");
        assertEquals("0", o.get("qemu-left").stdout().strip(), "no QEMU left in the lab");
    }
}
