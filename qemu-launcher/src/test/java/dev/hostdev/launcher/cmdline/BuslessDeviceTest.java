package dev.hostdev.launcher.cmdline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.spec.Specs;
import dev.hostdev.launcher.topology.FakePciFacts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A bus-less device in a spec ({@code nvme-subsys}): an SR-IOV NVMe controller as the lab gives it (issue 14.5). */
class BuslessDeviceTest {
    static final String SRIOV_NVME = """
            [[device]]
            model = "nvme"
            id = "sriov-nvme"
            props = { serial = "SRIOV0", subsys = "subsys0", sriov_max_vfs = 2, sriov_vq_flexible = 4, sriov_vi_flexible = 2, max_ioqpairs = 6, msix_qsize = 4 }
            [[device]]
            model = "nvme-subsys"
            id = "subsys0"
            """;

    @Test
    void theSubsystemComesBeforeTheControllerThatJoinsItAndHasNoBus() {
        LaunchPlan p = LaunchPlannerGoldenTest.plan(SRIOV_NVME, FakePciFacts.none());
        List<String> argv = p.argv();
        int subsys = argv.indexOf("nvme-subsys,id=subsys0");
        assertTrue(subsys > 0, argv.toString());
        assertEquals("-device", argv.get(subsys - 1));
        String nvme = argv.stream().filter(a -> a.startsWith("nvme,")).findFirst().orElseThrow();
        assertEquals("nvme,serial=SRIOV0,subsys=subsys0,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=6,"
                + "msix_qsize=4,id=sriov-nvme,bus=pci.1,addr=0x0", nvme);
        assertTrue(argv.indexOf(nvme) > subsys, "the subsystem first: " + argv);
        assertEquals(1, p.topology().rootPorts().size(), "no root port for the subsystem: " + p.topology().rootPorts());
    }

    @Test
    void busNoneIsOnlyForBuslessModelsAndTheirsIsOnlyNone() {
        HostdevException onPci = assertThrows(HostdevException.class,
                () -> Specs.parse("name = \"vm\"\n[[device]]\nmodel = \"nvme-subsys\"\nbus = \"root-port\"\n"));
        assertEquals(ErrorCode.USAGE, onPci.code());
        assertTrue(onPci.getMessage().contains("device[0].bus of nvme-subsys must be none"), onPci.getMessage());
        HostdevException none = assertThrows(HostdevException.class,
                () -> Specs.parse("name = \"vm\"\n[[device]]\nmodel = \"e1000e\"\nbus = \"none\"\n"));
        assertTrue(none.getMessage().contains("none is for devices QEMU attaches to no bus (nvme-subsys)"), none.getMessage());
    }
}
