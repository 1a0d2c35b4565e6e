package dev.hostdev.launcher.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.cmdline.LaunchOptions;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.LaunchPlanner;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab machine is an ordinary spec: it loads with the spec loader and plans with the product's
 * planner into the lab's hardware; the lab package builds no QEMU arguments of its own and imports
 * nothing from the CLI.
 */
class LabMachineTest {
    @Test
    void theLabMachineIsASpecThatThePlannerLaysOut(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve(LabMachine.SPEC_FILE), LabMachine.standard().specText());
        VmSpec spec = VmSpecLoader.load(work.resolve(LabMachine.SPEC_FILE));
        assertEquals(2, LabMachine.usbDevices(spec));
        assertEquals(work.resolve("usb2.img"), spec.devices().stream().filter(d -> d.drive().isPresent()).findFirst()
                .orElseThrow().drive().orElseThrow());
        LaunchPlan plan = LaunchPlanner.plan(spec, new SysfsPciFacts(new Sysfs(new HostRoot(work))),
                LaunchOptions.forHost(new HostRoot(work)).paused());
        String argv = String.join(" ", plan.argv());
        for (String expected : List.of("-machine q35,kernel-irqchip=split", "-device intel-iommu,intremap=on,caching-mode=on",
                "-accel tcg", "-m 2048M", "-smp 2", "-kernel " + work.resolve("vmlinuz"), "-initrd " + work.resolve("initramfs.cpio"),
                "hostdev_lab=1", "path=/,security_model=none,multidevs=remap,readonly=on", "mount_tag=hostroot",
                "path=" + work.resolve("x") + ",security_model=none", "mount_tag=exchange",
                "-device e1000e,mac=52:54:00:1a:b0:01,id=nic1", "-device e1000e,mac=52:54:00:1a:b0:02,id=nic2",
                "-device pcie-pci-bridge", "-device e1000,mac=52:54:00:1a:b1:01,id=legacy1,bus=pci.",
                "-device e1000,mac=52:54:00:1a:b1:02,id=legacy2,bus=pci.", "-device nvme,serial=hostdevlab1,id=nvme1",
                "-device qemu-xhci", "-device usb-kbd,id=usb1", "-device usb-storage,drive=drive-usb2,id=usb2")) {
            assertTrue(argv.contains(expected), expected + " in " + argv);
        }
        Matcher legacy = Pattern.compile("id=legacy1,bus=(pci\\.\\d+)").matcher(argv);
        assertTrue(legacy.find());
        assertTrue(argv.contains("-device pcie-pci-bridge,id=" + legacy.group(1)), "the e1000s sit behind the bridge: " + argv);
        assertEquals(2, plan.topology().rootPorts().stream().filter(p -> p.isFree()).count(), "two spare root ports");
    }

    @Test
    void anNvmeDriveGivesTheControllerANamespace(@TempDir Path work) throws IOException {
        Path image = Files.createFile(work.resolve("disk, one.img"));
        Files.writeString(work.resolve(LabMachine.SPEC_FILE), LabMachine.standard().withNvmeDrive(image).specText());
        VmSpec spec = VmSpecLoader.load(work.resolve(LabMachine.SPEC_FILE));
        assertEquals(image, spec.devices().stream().filter(d -> d.id().equals(LabMachine.NVME_DEVICE_ID)).findFirst()
                .orElseThrow().drive().orElseThrow());
        String argv = String.join(" ", LaunchPlanner.plan(spec, new SysfsPciFacts(new Sysfs(new HostRoot(work))),
                LaunchOptions.forHost(new HostRoot(work))).argv());
        assertTrue(argv.contains("file=" + work.resolve("disk,, one.img")) && argv.contains("-device nvme,serial=hostdevlab1,drive=drive-nvme1,id=nvme1"), argv);
    }

    @Test
    void twoNumaNodesGiveTheGuestTwoNodesOfTwoCpusAndTheNicOnNodeOne(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve(LabMachine.SPEC_FILE), LabMachine.standard().withTwoNumaNodes().specText());
        VmSpec spec = VmSpecLoader.load(work.resolve(LabMachine.SPEC_FILE));
        String argv = String.join(" ", LaunchPlanner.plan(spec, new SysfsPciFacts(new Sysfs(new HostRoot(work))),
                LaunchOptions.forHost(new HostRoot(work))).argv());
        assertTrue(argv.contains("-smp 4 ") && argv.contains("-object memory-backend-ram,id=ram-node0,size=1024M -numa node,nodeid=0,cpus=0-1,memdev=ram-node0")
                && argv.contains("-object memory-backend-ram,id=ram-node1,size=1024M -numa node,nodeid=1,cpus=2-3,memdev=ram-node1"), argv);
        Matcher pxb = Pattern.compile("-device pxb-pcie,bus_nr=[0-9]+,numa_node=1,id=(numa[0-9]+),").matcher(argv);
        assertTrue(pxb.find(), argv);
        assertTrue(argv.contains("-device pcie-root-port,") && argv.matches(".*-device e1000e,mac=" + LabMachine.NODE1_NIC_MAC
                + ",id=" + LabMachine.NODE1_NIC_ID + ",bus=" + pxb.group(1) + "\\.rp0,addr=0x0.*"), argv);
    }

    @Test
    void theLabPackageBuildsNoQemuArgumentsAndImportsNoCli() throws IOException {
        Path lab = Path.of("src/main/java/dev/hostdev/launcher/lab");
        try (Stream<Path> files = Files.walk(lab)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                assertTrue(!text.contains("\"-device\"") && !text.contains("\"-fsdev\"") && !text.contains("\"-drive\""),
                        f + " builds QEMU arguments of its own");
                assertTrue(!text.contains("import dev.hostdev.launcher.cli."), f + " imports the CLI");
            }
        }
    }
}
