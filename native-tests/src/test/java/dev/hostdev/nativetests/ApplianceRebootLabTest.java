package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.HostdevLauncher;
import dev.hostdev.launcher.lab.LabEnvironment;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabVm;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's appliance, on a real kernel booted twice with the same disk (the lab's USB stick, an ext4 image that
 * holds {@code /etc/hostdev} and {@code /var/lib/hostdev}, Hostdev's run directory and its {@code /run/hostdev}
 * state, so that they outlive the reboot as on a box whose state is on disk).
 * <p>
 * First boot: {@code hostdev detach --persistent} of the NVMe controller (recorded by its serial, the most stable
 * name it has), a VM started and left running, a detach of the second e1000e killed after its first write (a
 * journal entry). The machine is then powered off under them.
 * <p>
 * Between the boots an e1000e is added ahead of every other device: each device moves to the next root port and
 * bus. Second boot: {@code serial:} still finds the NVMe at its new address, while its old address now names
 * another device (an entry with the plain address is refused as "not the same device");
 * {@code hostdev apply --check} reports the difference, {@code hostdev apply} puts the NVMe on vfio-pci and
 * reports the VM record and the journal entry as ended by a host reboot, without touching the device now at the
 * journal entry's address (another e1000e, which the old entry would have "recovered"); a second check finds
 * nothing to do. The machine also has an SR-IOV NVMe ({@link LabMachine#withSriovNvme()}): the first boot writes a
 * {@code [[sriov]]} entry for its PF, by serial, with {@code vfs = 2} into {@code host.toml}; the second boot's check
 * reports "0 VFs, configured 2 VFs", apply creates both VFs (the PF stays on nvme) and then finds them as configured.
 * Two boots, one class: about three minutes on an idle machine.
 */
class ApplianceRebootLabTest {
    private static final String SERIAL = "hostdevlab1";
    private static final String PF_SERIAL = LabMachine.SRIOV_NVME_SERIAL;
    private static Path disk;

    @AfterAll
    static void deleteTheDisk() throws IOException {
        if (disk != null) {
            Files.deleteIfExists(disk);
        }
    }

    /** Shell that mounts the appliance's disk and puts Hostdev's state on it; defines $HD and $CFG. */
    private static String setUp(String hostdev, boolean format) {
        return "set -e\n"
                + "modprobe -a usb_storage sd_mod ext4\n"
                + "for i in $(seq 300); do [ -b /dev/sda ] && break; sleep 0.1; done\n"
                + (format ? "mkfs.ext4 -q -F /dev/sda\n" : "")
                + "mkdir -p /run/disk && mount /dev/sda /run/disk\n"
                + "mkdir -p -m 0700 /run/disk/etc/hostdev /run/disk/var/lib/hostdev/vms /run/disk/run-hostdev /run/hostdev\n"
                + "mount --bind /run/disk/run-hostdev /run/hostdev\n"
                + "export HOSTDEV_RUN_DIR=/run/disk/var/lib/hostdev/vms\n"
                + "HD=\"" + hostdev + "\"\n"
                + "CFG=\"--config /run/disk/etc/hostdev/host.toml\"\n"
                + "nvme() { for d in /sys/bus/pci/devices/*; do [ \"$(cat $d/vendor):$(cat $d/device)\" = 0x1b36:0x0010 ] && [ ! -e $d/sriov_totalvfs ] && basename $d; done; }\n"
                + "pf() { for d in /sys/bus/pci/devices/*; do [ \"$(cat $d/vendor):$(cat $d/device)\" = 0x1b36:0x0010 ] && [ -e $d/sriov_totalvfs ] && basename $d; done; }\n"
                + "e1000e() { for d in /sys/bus/pci/devices/*; do [ \"$(cat $d/vendor):$(cat $d/device)\" = 0x8086:0x10d3 ] && basename $d; done; }\n"
                + "drv() { basename \"$(readlink /sys/bus/pci/devices/$1/driver)\" 2>/dev/null || echo none; }\n"
                + "echo \"boot=$(cat /proc/sys/kernel/random/boot_id)\"\n"
                + "set +e\n";
    }

    /** The {@code key=value} lines of a script's output. */
    private static Map<String, String> values(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[a-z_0-9]+")) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The result lines of a {@code hostdev batch --json} in a script's output, in order. */
    private static List<JsonNode> batchLines(String out) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("{\"line\"")) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** The batch's result lines by the first word of their command. */
    private static Map<String, JsonNode> batch(String out) throws IOException {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (JsonNode l : batchLines(out)) {
            m.put(l.path("command").asText().split(" ")[0], l);
        }
        return m;
    }

    private static GuestResult run(LabVm vm, String script) {
        GuestResult r = vm.run(script, Duration.ofMinutes(10)); // a dozen JVMs in a TCG guest, on a loaded host
        System.out.println("[lab] " + r.stdout().strip().replace("\n", "\n[lab]   "));
        if (!r.stderr().isBlank()) {
            System.out.println("[lab] stderr: " + r.stderr().strip().replace("\n", "\n[lab]   "));
        }
        return r;
    }

    @Test
    void aPersistentDetachComesBackAfterARebootThatRenumberedTheBuses() throws Exception {
        LabEnvironment env = LabVmExtension.environmentOrSkip();
        Path jar = LabVmExtension.hostdevJarOrSkip();
        String hostdev = env.java() + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar " + jar;
        String killer = env.java() + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp " + jar + ":" + LabVmExtension.testClasses()
                + " " + KillAtWrite.class.getName();
        disk = Files.createTempFile("hostdev-appliance-disk-", ".img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(64L << 20);
        }
        LabMachine first = LabMachine.standard().withUsbStickImage(disk).withSriovNvme();
        LabMachine renumbered = first.withDeviceFirst("e1000e", "added", "{ mac = \"52:54:00:1a:b0:09\" }");

        Map<String, String> one;
        try (LabVm vm = LabVm.boot(env, first, HostdevLauncher.jar(env.java(), jar), Duration.ofMinutes(3))) {
            vm.loadDrivers();
            GuestResult r = run(vm, setUp(hostdev, true)
                    + "N=$(nvme); NIC2=$(e1000e | sed -n 2p)\n"
                    + "echo \"nvme=$N\"; echo \"nic2=$NIC2\"\n"
                    + "printf '[[sriov]]\\nserial = \"" + PF_SERIAL + "\"\\nvfs = 2\\n' > /run/disk/etc/hostdev/host.toml\n"
                    + "echo \"pf=$(pf)\"\n"
                    + "printf 'name = \"appliance-vm\"\\nmemory = \"128M\"\\n' > /run/disk/etc/hostdev/vm.toml\n"
                    // One JVM for both (a JVM start costs seconds under TCG): hostdev batch, a result line each.
                    + "printf 'detach --persistent %s %s\\nvm start /run/disk/etc/hostdev/vm.toml\\n' \"$CFG\" $N | $HD batch --json --keep-going\n"
                    + "echo \"nvme_driver=$(drv $N)\"\n"
                    + "cat /run/disk/etc/hostdev/host.d/persistent.toml\n"
                    + killer + " after 1 detach $NIC2; echo \"killed=$?\"\n"
                    + "echo \"nic2_override=$(cat /sys/bus/pci/devices/$NIC2/driver_override)\"\n"
                    + "echo \"journal=$(ls /run/hostdev/journal | wc -l)\"\n"
                    + "grep -o '\"bootId\":\"[^\"]*\"' $HOSTDEV_RUN_DIR/appliance-vm/state.json | head -1\n"
                    + "sync\n");
            Map<String, JsonNode> batch = batch(r.stdout());
            one = values(r.stdout());
            assertEquals(0, batch.get("detach").path("exit").asInt(-1), r::describe);
            assertEquals("vfio-pci", one.get("nvme_driver"), r::describe);
            assertTrue(batch.get("detach").path("stderr").asText().contains("as serial:" + SERIAL), r::describe);
            assertTrue(r.stdout().contains("serial = \"" + SERIAL + "\"\nexpect = \"1b36:0010\"\n"),
                    "recorded by its serial: " + r.stdout());
            assertEquals(0, batch.get("vm").path("exit").asInt(-1), r::describe);
            assertEquals("137", one.get("killed"), "the detach was killed after its first write: " + r.describe());
            assertEquals("vfio-pci", one.get("nic2_override"), r::describe);
            assertEquals("1", one.get("journal"), r::describe);
            assertTrue(r.stdout().contains("\"bootId\":\"" + one.get("boot") + "\""), "the VM record has the boot id: " + r.stdout());
        } // powered off with the VM running and the detach half done

        try (LabVm vm = LabVm.boot(env, renumbered, HostdevLauncher.jar(env.java(), jar), Duration.ofMinutes(3))) {
            vm.loadDrivers();
            String old = one.get("nvme");
            GuestResult r = run(vm, setUp(hostdev, false)
                    + "N=$(nvme); P=$(pf)\n"
                    + "echo \"nvme=$N\"; echo \"nvme_driver_before=$(drv $N)\"; echo \"pf=$P\"\n"
                    // An NVMe VF has no queues until the host assigns them: keep the nvme driver off the new VFs.
                    + "echo 0 > /sys/bus/pci/devices/$P/sriov_drivers_autoprobe\n"
                    + "echo \"old_is=$(cat /sys/bus/pci/devices/" + old + "/vendor 2>/dev/null):$(cat /sys/bus/pci/devices/" + old
                    + "/device 2>/dev/null)\"\n"
                    + "printf '[[device]]\\npci = \"" + old + "\"\\nexpect = \"1b36:0010\"\\n' > /run/disk/etc/hostdev/by-address.toml\n"
                    + "cat > /tmp/boot2.batch <<EOF\n"
                    + "show serial:" + SERIAL + " --json\n"
                    + "apply --check --config /run/disk/etc/hostdev/by-address.toml\n"
                    + "recover --dry-run\n"
                    + "apply --check $CFG\n"
                    + "apply $CFG\n"
                    + "apply --check $CFG\n"
                    + "apply $CFG\n"
                    + "vm list\n"
                    + "EOF\n"
                    + "$HD batch --json --keep-going /tmp/boot2.batch\n"
                    + "echo \"nvme_driver_after=$(drv $N)\"\n"
                    + "echo \"numvfs=$(cat /sys/bus/pci/devices/$P/sriov_numvfs)\"\n"
                    + "echo \"virtfns=$(ls -d /sys/bus/pci/devices/$P/virtfn* | wc -l)\"\n"
                    + "echo \"pf_driver=$(drv $P)\"\n"
                    + "echo \"stale_address_driver=$(drv " + one.get("nic2") + ")\"\n"
                    + "echo \"stale_address_override=$(cat /sys/bus/pci/devices/" + one.get("nic2") + "/driver_override)\"\n"
                    + "echo \"journal=$(ls /run/hostdev/journal | wc -l)\"\n");
            List<JsonNode> lines = batchLines(r.stdout());
            assertEquals(8, lines.size(), r::describe);
            for (JsonNode l : lines) {
                System.out.println("[lab] $ hostdev " + l.path("command").asText() + "   (exit " + l.path("exit").asInt() + ")\n"
                        + l.path("stdout").asText() + l.path("stderr").asText());
            }
            Map<String, String> two = values(r.stdout());
            String out = r.stdout();
            assertNotEquals(one.get("boot"), two.get("boot"), "a new boot");
            assertNotEquals(old, two.get("nvme"), "the added device renumbered the buses: " + out);
            assertNotEquals("0x1b36:0x0010", two.get("old_is"), "the old address names another device now, or none: " + out);
            assertEquals(0, lines.get(0).path("exit").asInt(), r::describe);
            assertTrue(lines.get(0).path("stdout").asText().contains("\"address\":\"" + two.get("nvme") + "\""),
                    "serial: finds it at its new address: " + lines.get(0));
            int plain = lines.get(1).path("exit").asInt();
            assertTrue(plain == 11 || plain == 3, "the plain address finds another device, which expect refuses: " + lines.get(1));
            assertEquals("nvme", two.get("nvme_driver_before"), out);
            assertEquals(0, lines.get(2).path("exit").asInt(), lines.get(2)::toString);
            assertEquals(11, lines.get(3).path("exit").asInt(), "apply --check: the host differs: " + lines.get(3));
            assertTrue(lines.get(3).path("stdout").asText().contains("differs: device serial:" + SERIAL + " (" + two.get("nvme") + "): nvme, configured vfio-pci"), out);
            assertTrue(lines.get(3).path("stdout").asText().contains("serial:" + PF_SERIAL + " (" + two.get("pf") + ")"), out);
            assertTrue(lines.get(3).path("stdout").asText().contains("0 VFs, configured 2 VFs"), out);
            assertEquals(0, lines.get(4).path("exit").asInt(), lines.get(4)::toString);
            assertEquals("2", two.get("numvfs"), "apply created the VFs: " + out);
            assertEquals("2", two.get("virtfns"), out);
            assertEquals("nvme", two.get("pf_driver"), out);
            String applied = lines.get(4).path("stdout").asText();
            assertEquals("vfio-pci", two.get("nvme_driver_after"), out);
            assertTrue(applied.contains("# VM appliance-vm (started ") && applied.contains("was ended by a host reboot"), applied);
            assertTrue(applied.contains("# the interrupted detach ") && applied.contains("of " + one.get("nic2")), applied);
            assertEquals("e1000e", two.get("stale_address_driver"), "the stale entry's address (now another e1000e) untouched: " + out);
            assertEquals("(null)", two.get("stale_address_override"), out);
            assertEquals("0", two.get("journal"), "the stale entry was retired once reported: " + out);
            assertEquals(0, lines.get(5).path("exit").asInt(), "the host matches: " + lines.get(5));
            assertEquals(0, lines.get(6).path("exit").asInt(), lines.get(6)::toString);
            assertTrue(lines.get(6).path("stdout").asText().contains("nothing to do: the host matches"), lines.get(6)::toString);
            assertTrue(lines.get(6).path("stdout").asText().contains("sriov serial:" + PF_SERIAL + " (" + two.get("pf") + "): 2 VFs, as configured"),
                    lines.get(6)::toString);
            assertTrue(lines.get(7).path("stdout").asText().matches("(?s).*appliance-vm\\s+crashed.*host-reboot.*"),
                    "vm list: " + lines.get(7));
        }
    }
}
