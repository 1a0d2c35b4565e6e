package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabVm;
import dev.hostdev.launcher.lab.StepOutcome;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14.5 on a real kernel, in one lab boot: the lab guest has an emulated SR-IOV NVMe controller. Inside it,
 * {@code hostdev sriov PF --set 2} (the PF named by its NVMe serial) creates two VFs, each in its own IOMMU group;
 * two nested VMs whose specs say only {@code vf_of = "serial:…"} get one VF each, never the same (the nested QEMU
 * command lines show {@code vfio-pci,host=VF}, the VFs are on vfio-pci, {@code hostdev sriov} names the VM using
 * each); a third start finds no free VF and names both; after {@code vm stop} each VF is given back (no driver, as
 * before) and {@code --set 0} removes them.
 */
class SriovVfInLabTest {
    @RegisterExtension
    static final LabVmExtension LAB = new LabVmExtension(LabMachine.standard().withSriovNvme());
    private static final String PF = "serial:" + LabMachine.SRIOV_NVME_SERIAL;
    private static final String VFS = "for v in /sys/bus/pci/devices/*/physfn; do [ -e \"$v\" ] || continue; d=${v%/physfn}; "
            + "l=$(readlink $d/driver) && drv=${l##*/} || drv=-; g=$(readlink $d/iommu_group); echo \"vf ${d##*/} ${g##*/} $drv\"; done; "
            + "echo \"vfio: $(ls /dev/vfio 2>/dev/null | tr '\\n' ' ')\"";
    private static final String QEMUS = "for p in /proc/[0-9]*; do c=$(tr '\\0' ' ' < $p/cmdline 2>/dev/null); "
            + "case \"$c\" in *qemu-system*) echo \"qemu $c\";; esac; done; true";

    @Test
    void vfsAreCreatedAndEachVmGetsItsOwn() throws Exception {
        LabVm vm = LAB.vm();
        GuestHostdev hostdev = new GuestHostdev(vm, LAB.env().java(), LabVmExtension.hostdevJarOrSkip());
        for (String name : List.of("sva", "svb", "svc")) {
            Files.writeString(vm.exchangeDir().resolve(name + ".toml"), "name = \"" + name + "\"\nmemory = \"128M\"\ncpus = 1\n"
                    + "[[hostdev]]\nvf_of = \"" + PF + "\"\n");
        }
        String dir = LabVm.GUEST_EXCHANGE_DIR + "/";
        List<GuestCommand> steps = new ArrayList<>(List.of(
                // new VFs stay unbound: the host's nvme driver would otherwise probe them (see docs/guide.md on virt-mgmt)
                GuestCommand.sh("autoprobe-off", "for d in /sys/bus/pci/devices/*; do [ -e $d/sriov_totalvfs ] && "
                        + "echo 0 > $d/sriov_drivers_autoprobe && echo ${d##*/}; done; true"),
                GuestCommand.hostdev("set-dry", "sriov", PF, "--set", "2", "--dry-run"),
                GuestCommand.hostdev("set", "sriov", PF, "--set", "2"),
                GuestCommand.sh("vfs-created", VFS),
                GuestCommand.hostdev("cmdline-a", "vm", "cmdline", dir + "sva.toml"),
                GuestCommand.hostdev("start-a", "vm", "start", dir + "sva.toml"),
                GuestCommand.hostdev("dry-b", "vm", "start", "--dry-run", dir + "svb.toml"),
                GuestCommand.hostdev("start-b", "vm", "start", dir + "svb.toml"),
                GuestCommand.sh("vfs-used", VFS),
                GuestCommand.sh("qemus", QEMUS),
                GuestCommand.hostdev("sriov-used", "sriov", PF, "--json"),
                GuestCommand.hostdev("sriov-text", "sriov", PF),
                GuestCommand.hostdev("start-c", "vm", "start", "--dry-run", dir + "svc.toml"),
                GuestCommand.hostdev("stop-a", "vm", "stop", "sva", "--force"),
                GuestCommand.hostdev("stop-b", "vm", "stop", "svb", "--force"),
                GuestCommand.sh("vfs-after", VFS),
                GuestCommand.hostdev("set0", "sriov", PF, "--set", "0"),
                GuestCommand.sh("vfs-gone", VFS)));
        Map<String, StepOutcome> o = hostdev.batch(steps);
        String pf = o.get("autoprobe-off").stdout().strip();
        assertTrue(pf.matches("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.0"), "one SR-IOV PF in the guest: " + pf);
        System.out.println("[sriov] PF " + pf + "; set --dry-run:\n" + o.get("set-dry").stdout());

        assertEquals(0, o.get("set").exit(), o.get("set").stderr());
        Map<String, String[]> created = vfs(o.get("vfs-created").stdout());
        assertEquals(2, created.size(), "two VFs: " + o.get("vfs-created").stdout());
        List<String> vfs = new ArrayList<>(created.keySet());
        assertNotEquals(created.get(vfs.get(0))[0], created.get(vfs.get(1))[0], "each VF in an IOMMU group of its own: "
                + o.get("vfs-created").stdout());
        created.values().forEach(v -> assertEquals("-", v[1], "new VFs unbound (autoprobe 0)"));

        assertEquals(0, o.get("cmdline-a").exit(), o.get("cmdline-a").stderr());
        assertTrue(o.get("cmdline-a").stdout().contains("vfio-pci,host=" + vfs.get(0)), o.get("cmdline-a").stdout());
        assertEquals(0, o.get("start-a").exit(), o.get("start-a").stdout() + o.get("start-a").stderr());
        StepOutcome dryB = o.get("dry-b");
        assertEquals(0, dryB.exit(), dryB.stderr());
        assertTrue(dryB.stdout().contains("host=" + vfs.get(1)), "the dry run of a second VM chooses the other VF: " + dryB.stdout());
        assertTrue(dryB.stdout().contains("skipped virtfn0 " + vfs.get(0) + ": used by VM sva"), dryB.stdout());
        assertEquals(0, o.get("start-b").exit(), o.get("start-b").stdout() + o.get("start-b").stderr());

        Map<String, String[]> used = vfs(o.get("vfs-used").stdout());
        used.forEach((a, v) -> assertEquals("vfio-pci", v[1], a + " is on vfio-pci while its VM runs"));
        Map<String, String> hostOf = nestedQemus(o.get("qemus").stdout());
        System.out.println("[sriov] nested QEMUs' vfio-pci hosts: " + hostOf);
        assertEquals(vfs.get(0), hostOf.get("sva"), o.get("qemus").stdout());
        assertEquals(vfs.get(1), hostOf.get("svb"), o.get("qemus").stdout());

        JsonNode status = new ObjectMapper().readTree(o.get("sriov-used").stdout());
        assertEquals(2, status.get("num_vfs").asInt());
        assertTrue(status.get("vfs").get(0).get("used_by").asText().contains("VM sva"), status.toString());
        assertTrue(status.get("vfs").get(1).get("used_by").asText().contains("VM svb"), status.toString());

        // what docs/guide.md quotes, as this kernel answered
        for (String step : List.of("set", "cmdline-a", "start-a", "dry-b", "sriov-text", "start-c", "stop-a")) {
            System.out.println("[sriov] $ " + step + " (exit " + o.get(step).exit() + ")\n" + o.get(step).stdout() + o.get(step).stderr());
        }
        StepOutcome c = o.get("start-c");
        assertEquals(6, c.exit(), "no third VF: " + c.stdout() + c.stderr());
        assertTrue(c.stderr().contains("no free VF on " + pf + ": 2 of 2 VFs enabled"), c.stderr());
        assertTrue(c.stderr().contains("used by VM sva") && c.stderr().contains("used by VM svb"), c.stderr());

        assertEquals(0, o.get("stop-a").exit(), o.get("stop-a").stderr());
        assertEquals(0, o.get("stop-b").exit(), o.get("stop-b").stderr());
        vfs(o.get("vfs-after").stdout()).forEach((a, v) -> assertEquals("-", v[1], a + " given back: unbound, as before"));
        assertEquals(0, o.get("set0").exit(), o.get("set0").stderr());
        assertEquals(0, vfs(o.get("vfs-gone").stdout()).size(), o.get("vfs-gone").stdout());
    }

    /** {@code vf ADDRESS GROUP DRIVER} lines: address → [group, driver]. */
    private static Map<String, String[]> vfs(String out) {
        Map<String, String[]> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 4 && f[0].equals("vf")) {
                m.put(f[1], new String[] {f[2], f[3]});
            }
        }
        return m;
    }

    /** The nested QEMUs' {@code -name} → the host device of their vfio-pci. */
    private static Map<String, String> nestedQemus(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        Pattern name = Pattern.compile("-name (?:guest=)?([A-Za-z0-9_.-]+)");
        Pattern host = Pattern.compile("vfio-pci,host=([0-9a-f:.]+)");
        for (String line : out.split("\n")) {
            Matcher n = name.matcher(line);
            Matcher h = host.matcher(line);
            if (line.startsWith("qemu ") && n.find() && h.find()) {
                m.put(n.group(1), h.group(1));
            }
        }
        return m;
    }
}
