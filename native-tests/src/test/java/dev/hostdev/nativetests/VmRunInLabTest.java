package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabVm;
import dev.hostdev.launcher.lab.LabWalk;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15.3 on a real kernel: inside the lab guest (no systemd there), {@code hostdev vm run} is driven as
 * systemd drives {@code hostdev@.service}: a notification socket bound by a listener ({@link NotifyListenerMain},
 * through Hostdev's native seam), {@code NOTIFY_SOCKET} set, READY=1 awaited, then SIGTERM to {@code vm run}
 * alone. The nested VM has a managed e1000e, on vfio-pci while it runs; its QEMU has no guest OS, so
 * {@code system_powerdown} goes unanswered and the VM is forced off after the stop timeout: exit status 10,
 * STOPPING=1 sent, and the NIC given back to e1000e. (A guest that really powers off is the host-side test,
 * VmRunUnderServiceManagerIntegrationTest: a nested Linux guest would take minutes under TCG-in-TCG.)
 */
class VmRunInLabTest {
    @RegisterExtension
    static final LabVmExtension LAB = LabVmExtension.shared(LabMachine.standard());
    private static final String VM = "svcvm";
    private static final String SOCKET = "@hostdev-lab-notify";

    @Test
    void vmRunNotifiesReadyAndGivesTheManagedNicBackOnSigterm() throws Exception {
        LabVm vm = LAB.vm();
        LabDevices dev = LabWalk.discover(vm);
        GuestHostdev hostdev = new GuestHostdev(vm, LAB.env().java(), LabVmExtension.hostdevJarOrSkip());
        String nic = dev.spareNic();
        Files.writeString(vm.exchangeDir().resolve(VM + ".toml"), "name = \"" + VM + "\"\nmemory = \"256M\"\ncpus = 1\nspare_root_ports = 1\n"
                + "\n[[hostdev]]\npci = \"" + nic + "\"\nmanaged = true\n");
        String cp = hostdev.jar() + ":" + LabVmExtension.testClasses();
        String d = "/tmp/vmrun";
        String script = "mkdir -p " + d + "\n"
                + "(" + GuestHostdev.stateScript(nic) + ") | sed 's/^/before: /'\n"
                + hostdev.java() + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp " + cp + " " + NotifyListenerMain.class.getName()
                + " " + SOCKET + " > " + d + "/notify.txt 2>&1 &\n"
                + "LP=$!\n"
                + "for i in $(seq 600); do grep -q listening " + d + "/notify.txt && break; sleep 0.1; done\n"
                + "NOTIFY_SOCKET=" + SOCKET + " " + hostdev.command() + " vm run " + LabVm.GUEST_EXCHANGE_DIR + "/" + VM + ".toml --stop-timeout 2 > "
                + d + "/run.txt 2>&1 &\n"
                + "RP=$!\n"
                + "for i in $(seq 1200); do grep -q READY=1 " + d + "/notify.txt && break; sleep 0.1; done\n"
                + "(" + GuestHostdev.stateScript(nic) + ") | sed 's/^/running: /'\n"
                + "kill -TERM $RP\n"
                + "wait $RP\n"
                + "echo \"vm-run-exit=$?\"\n"
                + "(" + GuestHostdev.stateScript(nic) + ") | sed 's/^/after: /'\n"
                + "kill $LP\n"
                + "echo '--- notify'; cat " + d + "/notify.txt\n"
                + "echo '--- vm run'; cat " + d + "/run.txt\n";
        long t0 = System.nanoTime();
        GuestResult r = vm.run(script, Duration.ofMinutes(4));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String out = r.stdout() + r.stderr();
        String before = lineValue(out, "before: " + nic);
        assertTrue(out.contains("message: READY=1|STATUS=VM " + VM + " running (QEMU pid "), "READY=1 arrived:\n" + out);
        assertTrue(lineValue(out, "running: " + nic).startsWith("vfio-pci"), "the managed NIC is on vfio-pci while the VM runs:\n" + out);
        assertTrue(out.contains("message: STOPPING=1|STATUS=VM " + VM + ": asking the guest to power off"), "STOPPING=1 on SIGTERM:\n" + out);
        assertTrue(out.contains("vm-run-exit=10"), "forced off after the stop timeout: exit status 10:\n" + out);
        assertTrue(out.contains("gave " + nic + " back to its host driver"), out);
        assertEquals(before, lineValue(out, "after: " + nic), "the NIC is back on its driver:\n" + out);
        assertTrue(before.startsWith("e1000e"), out);
        System.out.println("[lab] vm run in the guest: listener, start, READY=1, SIGTERM, forced off, NIC back: " + ms + " ms");
    }

    /** What follows {@code prefix + " "} on its line. */
    private static String lineValue(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix + " ")).map(l -> l.substring(prefix.length() + 1)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "' in:\n" + out));
    }
}
