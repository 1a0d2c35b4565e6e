package dev.hostdev.launcher.placement;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.numa.CpuList;
import dev.hostdev.engine.numa.HostCpu;
import dev.hostdev.engine.numa.HostTopology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses host CPUs on one node for {@code vcpu_pin = "auto"}: whole cores (SMT siblings together, vCPU
 * pairs on sibling pairs), isolated and nohz_full cores first, and keeps a housekeeping core for QEMU's
 * other threads and the device's interrupts. Fails with the node's numbers when it has too few.
 */
final class CoreChooser {
    /** What was chosen: the host CPU of each vCPU, in vCPU order, and the CPUs for everything else. */
    record Choice(List<Integer> vcpuCpus, CpuList housekeeping) {
    }

    private CoreChooser() {
    }

    /**
     * @param topology    the host
     * @param node        the host node
     * @param vcpus       how many vCPUs
     * @param avoid       CPUs not to give vCPUs (an explicit emulator_pin)
     * @param housekeepingGiven whether the caller gives the emulator's CPUs (then no core is kept back)
     */
    static Choice choose(HostTopology topology, int node, int vcpus, CpuList avoid, boolean housekeepingGiven) {
        CpuList nodeCpus = topology.node(node).orElseThrow().cpus().and(topology.onlineCpus());
        CpuList quiet = topology.quietCpus();
        List<List<Integer>> cores = cores(topology, nodeCpus.minus(avoid));
        long quietCores = cores.stream().filter(c -> c.stream().allMatch(quiet::contains)).count();
        List<Integer> kept = List.of();
        List<List<Integer>> forVcpus = new ArrayList<>(cores);
        if (!housekeepingGiven) {
            // the housekeeping core: an ordinary one if the node has one, else the last isolated one
            List<Integer> hk = cores.stream().filter(c -> !c.stream().allMatch(quiet::contains)).findFirst()
                    .orElse(cores.isEmpty() ? List.of() : cores.get(cores.size() - 1));
            kept = hk;
            forVcpus.remove(hk);
        }
        forVcpus.sort(Comparator.comparing((List<Integer> c) -> !c.stream().allMatch(quiet::contains)).thenComparing(c -> c.get(0)));
        List<Integer> chosen = new ArrayList<>();
        for (List<Integer> core : forVcpus) {
            if (chosen.size() >= vcpus) {
                break;
            }
            for (int cpu : core) {
                if (chosen.size() < vcpus) {
                    chosen.add(cpu);
                }
            }
        }
        if (chosen.size() < vcpus || (!housekeepingGiven && kept.isEmpty())) {
            int threads = cores.isEmpty() ? 1 : cores.stream().mapToInt(List::size).max().orElse(1);
            int coresNeeded = (vcpus + threads - 1) / threads + (housekeepingGiven ? 0 : 1);
            throw new HostdevException(ErrorCode.ENVIRONMENT, "node " + node + " has " + nodeCpus.size() + " online CPUs ("
                    + nodeCpus + ") in " + cores.size() + " cores usable here, " + quietCores + " of them isolated or nohz_full"
                    + (avoid.isEmpty() ? "" : ", not counting emulator_pin " + avoid) + "; " + vcpus + " vCPUs need "
                    + ((vcpus + threads - 1) / threads) + " cores of " + threads + " threads"
                    + (housekeepingGiven ? "" : " and QEMU's other threads one more") + ": " + coresNeeded + " cores",
                    "lower cpus to " + Math.max(1, (cores.size() - (housekeepingGiven ? 0 : 1)) * threads)
                            + ", or give vcpu_pin and emulator_pin by hand in [placement]");
        }
        CpuList vcpuSet = CpuList.of(chosen);
        // everything ordinary on the node not running a vCPU: QEMU's other threads and the interrupts go there
        CpuList housekeeping = CpuList.of(kept).or(nodeCpus.minus(quiet).minus(vcpuSet)).minus(avoid);
        return new Choice(chosen, housekeeping);
    }

    /** The node's cores as lists of their threads (ascending), in order of their first thread. */
    static List<List<Integer>> cores(HostTopology topology, CpuList cpus) {
        Map<String, List<Integer>> byCore = new LinkedHashMap<>();
        for (int cpu : cpus.cpus()) {
            CpuList siblings = topology.cpu(cpu).map(HostCpu::siblings).orElse(CpuList.of(cpu)).and(cpus);
            byCore.computeIfAbsent(siblings.toString(), k -> new ArrayList<>()).add(cpu);
        }
        return new ArrayList<>(byCore.values());
    }
}
