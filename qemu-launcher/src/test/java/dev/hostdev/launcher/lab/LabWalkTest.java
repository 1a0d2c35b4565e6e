package dev.hostdev.launcher.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.launcher.lab.steps.LabSteps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walk's steps against a {@link FakeGuest}: each judged on the kernel's view, not on what Hostdev said. */
class LabWalkTest {
    @Test
    void aGuestThatDoesWhatHostdevSaysPassesEveryStep(@TempDir Path exchange) {
        FakeGuest guest = new FakeGuest();
        List<LabStepReport> reports = walk(guest, exchange);
        assertEquals(10, reports.size());
        for (LabStepReport r : reports) {
            assertEquals(StepVerdict.Status.PASSED, r.verdict().status(), r.number() + ". " + r.title() + ": " + r.verdict().detail());
            assertTrue(!r.outcomes().isEmpty(), r.title());
        }
        assertEquals("list every PCI device and IOMMU group", reports.get(0).title());
        assertEquals("unplug 0000:02:00.0 (the nested VM runs no OS)", reports.get(7).title());
        assertEquals(List.of("unplug", "lab-nested", "hp-spare", "--timeout", "3"), guest.hostdevCommands.get(12),
                "unplug names the id the hotplug gave");
        assertTrue(guest.scripts.get(guest.scripts.size() - 1).contains("kill $(cat $d/holder)"), "the batch is ended");
    }

    @Test
    void aDetachThatSaysYesButMovesNothingFailsItsStep(@TempDir Path exchange) {
        FakeGuest guest = new FakeGuest();
        guest.detachLies = true;
        LabStepReport detach = walk(guest, exchange).get(2);
        assertEquals(StepVerdict.Status.FAILED, detach.verdict().status());
        assertTrue(detach.verdict().detail().contains("after detach the kernel has 0000:01:00.0 on e1000e"), detach.verdict().detail());
    }

    @Test
    void oneCommandLineReachesTheBatchAsItsWords() {
        String script = GuestHostdevSession.commandScript(4, List.of("attach", "vm one", "it's", "--json"));
        String sent = script.substring(script.indexOf("printf '%s\\n' ") + 14, script.indexOf(" > $d/in"));
        assertEquals(List.of("attach", "vm one", "it's", "--json"), FakeGuest.words(FakeGuest.words(sent).get(0)));
        assertTrue(script.contains("-lt 4 ]") && script.contains("sed -n '4p' $d/out"), script);
    }

    /** Runs the whole walk on a guest, the way {@link LabWalk#run} does on a lab VM. */
    static List<LabStepReport> walk(GuestShell guest, Path exchange) {
        List<LabStepReport> reports = new ArrayList<>();
        LabDevices devices = LabWalk.discover(guest);
        try (GuestHostdevSession session = GuestHostdevSession.start(guest,
                HostdevLauncher.jar(Path.of("/usr/bin/java"), Path.of("/x/hostdev.jar")))) {
            reports.addAll(LabWalk.walk(new StepContext(guest, session, exchange, devices), devices, LabSteps.ALL, r -> { }));
        }
        return reports;
    }
}
