package dev.hostdev.launcher.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.numa.CpuList;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The spec's [placement] keys: what each reads as, and each refusal naming the line. */
class PlacementKeysTest {
    private static final String HEAD = "name = \"perf\"\nmemory = \"4G\"\ncpus = 4\n[placement]\n";

    @Test
    void readsEveryKey() {
        PlacementSpec p = Specs.parse(HEAD + "numa = 1\nvcpu_pin = \"24-27\"\nemulator_pin = \"auto\"\nhugepages = \"1G\"\n"
                + "reserve_hugepages = true\nsteer_irqs = false\n").placement().orElseThrow();
        assertEquals(new PlacementSpec.Numa.Node(1), p.numa().orElseThrow());
        assertEquals(new PlacementSpec.Pin.Cpus(CpuList.parse("24-27")), p.vcpuPin().orElseThrow());
        assertEquals(new PlacementSpec.Pin.Auto(), p.emulatorPin().orElseThrow());
        assertEquals(OptionalLong.of(1048576), p.hugepagesKib());
        assertTrue(p.reserveHugepages());
        assertTrue(!p.steerIrqs());
        assertEquals(OptionalLong.empty(), Specs.parse(HEAD + "hugepages = false\n").placement().orElseThrow().hugepagesKib());
        assertTrue(Specs.parse("name = \"x\"\n").placement().isEmpty());
    }

    private static String error(String body) {
        return Specs.error(HEAD + body).getMessage();
    }

    @Test
    void refusesWhatCannotBeMeant() {
        assertTrue(error("numa = \"near\"\n").endsWith("placement.numa must be \"device\" or a host node number, not the string \"near\""),
                error("numa = \"near\"\n"));
        assertTrue(error("vcpu_pin = \"0-2\"\n").contains(":5: placement.vcpu_pin lists 3 host CPUs (0-2) for 4 vCPUs"), error("vcpu_pin = \"0-2\"\n"));
        assertTrue(error("vcpu_pin = \"0-3\"\nemulator_pin = \"3-4\"\n").contains("placement.emulator_pin shares CPUs 3 with vcpu_pin"));
        assertTrue(error("hugepages = \"4M\"\n").contains("placement.hugepages must be \"2M\", \"1G\" or false"));
        assertTrue(error("reserve_hugepages = true\n").contains("placement.reserve_hugepages needs hugepages"));
        assertTrue(Specs.error("name = \"perf\"\nmemory = \"1025M\"\n[placement]\nhugepages = \"2M\"\n").getMessage()
                .contains("placement.hugepages needs memory (1025M) to split into whole 2M pages"));
        assertTrue(error("guest_nodes = 2\ndevice_nodes = { nic = 2 }\n").contains("puts the device on guest node 2; the guest has nodes 0-1"));
        assertTrue(error("vcpus = 3\n").contains("placement.vcpus is not a known key"));
    }
}
