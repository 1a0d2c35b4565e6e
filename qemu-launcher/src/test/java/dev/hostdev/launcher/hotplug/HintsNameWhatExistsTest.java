package dev.hostdev.launcher.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.cli.Cli;
import dev.hostdev.launcher.cli.CliRun;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 10, "hints name only what exists where the user is": every hint is built for the command that failed.
 * Each refusal below is provoked, and its message and hint checked: every {@code 'hostdev …'} it quotes must
 * parse as a hostdev command line, and every other {@code --option} it names must be an option of the command
 * that printed it. Spec checks name the spec key with its FILE:LINE.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HintsNameWhatExistsTest {
    private static final Pattern QUOTED_COMMAND = Pattern.compile("'(hostdev [^']*)'");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--[a-z][a-z-]*)");
    private static final String BOOT_VGA = "0000:00:02.0";
    private static final String ON_IAVF = "0000:19:02.0";
    private static final String IN_SHARED_GROUP = "0000:03:00.0";

    @TempDir
    Path root;

    @BeforeEach
    void host() {
        SysfsTree tree = SysfsTree.create(root).pciDriver("vfio-pci").pciDriver("iavf").pciDriver("i915").pciDriver("snd_hda_intel")
                .pciDriver("e1000e");
        tree.pci(BOOT_VGA).vendor(0x8086).device(0x3e92).klass(0x030000).driver("i915").bootVga(true).iommuGroup(1).add();
        tree.pci("0000:00:1c.0").vendor(0x8086).device(0xa33c).rootPort().secondaryBus(0x19).driver("pcieport").iommuGroup(2).add();
        tree.pci(ON_IAVF).parent("0000:00:1c.0").vendor(0x8086).device(0x154c).klass(0x020000).pcie().driver("iavf").iommuGroup(9).add();
        tree.pci("0000:00:1d.0").vendor(0x8086).device(0xa33d).rootPort().secondaryBus(0x03).driver("pcieport").iommuGroup(3).add();
        tree.pci(IN_SHARED_GROUP).parent("0000:00:1d.0").vendor(0x8086).device(0x10d3).klass(0x020000).pcie().multiFunction()
                .driver("e1000e").iommuGroup(12).add();
        tree.pci("0000:03:00.1").parent("0000:00:1d.0").vendor(0x8086).device(0x10d4).klass(0x040300).pcie()
                .driver("snd_hda_intel").iommuGroup(12).add();
    }

    private CliRun hostdev(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--root");
        all.add(root.toString());
        return CliRun.run(all.toArray(String[]::new));
    }

    private Path spec(String hostdev) throws Exception {
        Path spec = root.resolve("vm.toml");
        Files.writeString(spec, "name = \"pf\"\nmemory = \"64M\"\naccel = \"tcg\"\n\n[[hostdev]]\n" + hostdev);
        return spec;
    }

    /**
     * Checks what {@code run} printed on failure: quoted hostdev commands parse, and other options belong to
     * {@code command} (e.g. {@code vm start}).
     */
    private static void hintsExist(CliRun run, String... command) {
        assertTrue(run.exitCode() != 0, "the case must fail: " + run.out());
        String text = run.err();
        Matcher q = QUOTED_COMMAND.matcher(text);
        while (q.find()) {
            String[] words = q.group(1).substring("hostdev ".length()).split(" +");
            try {
                Cli.newCommandLine().parseArgs(words);
            } catch (CommandLine.ParameterException e) {
                fail("the hint quotes '" + q.group(1) + "', which hostdev refuses (" + e.getMessage() + "): " + text);
            }
        }
        String rest = QUOTED_COMMAND.matcher(text).replaceAll("");
        CommandLine cl = Cli.newCommandLine();
        for (String c : command) {
            cl = cl.getSubcommands().get(c);
            assertNotNull(cl, c);
        }
        Matcher o = OPTION.matcher(rest);
        while (o.find()) {
            assertNotNull(cl.getCommandSpec().findOption(o.group(1)),
                    "'" + String.join(" ", command) + "' has no option " + o.group(1) + ", but its hint names it: " + text);
        }
    }

    @Test
    void vmStartOfTheBootVgaNamesDetachsForceAndTheSpecLine() throws Exception {
        CliRun r = hostdev("vm", "start", spec("pci = \"" + BOOT_VGA + "\"\n").toString(), "--dry-run");
        assertEquals(5, r.exitCode(), r.err());
        hintsExist(r, "vm", "start");
        assertTrue(r.err().contains("'hostdev detach " + BOOT_VGA + " --force'") && r.err().contains(root.resolve("vm.toml") + ":6"), r.err());
    }

    @Test
    void vmStartOfANonViableGroupNamesDetachGroup() throws Exception {
        CliRun r = hostdev("vm", "start", spec("pci = \"" + IN_SHARED_GROUP + "\"\n").toString(), "--dry-run");
        assertEquals(4, r.exitCode(), r.err());
        hintsExist(r, "vm", "start");
        assertTrue(r.err().contains("'hostdev detach --group " + IN_SHARED_GROUP + "'"), r.err());
    }

    @Test
    void vmStartOfAnUnmanagedDeviceNamesTheSpecKeyAndLine() throws Exception {
        CliRun r = hostdev("vm", "start", spec("pci = \"" + ON_IAVF + "\"\nmanaged = false\n").toString(), "--dry-run");
        assertEquals(11, r.exitCode(), r.err());
        hintsExist(r, "vm", "start");
        assertTrue(r.err().contains("set managed = true in [[hostdev]] at " + root.resolve("vm.toml") + ":6"), r.err());
    }

    @Test
    void vmStartOfAMissingUsbDeviceNamesStartupWithTheSpecLine() throws Exception {
        CliRun r = hostdev("vm", "start", spec("usb = \"0781:9999\"\n").toString(), "--dry-run");
        assertEquals(3, r.exitCode(), r.err());
        hintsExist(r, "vm", "start");
        assertTrue(r.err().contains("startup = \"optional\" in [[hostdev]] at " + root.resolve("vm.toml") + ":6"), r.err());
    }

    @Test
    void attachHintsNameAttachsOptionsNotSpecKeys() throws Exception {
        try (FakeVm vm = new FakeVm(root.resolve("run/hostdev/vms"), VmState.RUNNING, List.of(), List.of(),
                (cmd, q) -> q.error(cmd, "CommandNotFound", "unexpected"))) {
            CliRun unmanaged = hostdev("attach", "fake", "19:02.0");
            assertEquals(11, unmanaged.exitCode(), unmanaged.err());
            hintsExist(unmanaged, "attach");
            assertTrue(unmanaged.err().contains("--managed") && !unmanaged.err().contains("managed = true"), unmanaged.err());

            CliRun usb = hostdev("attach", "fake", "dead:beef");
            assertEquals(3, usb.exitCode(), usb.err());
            hintsExist(usb, "attach");
            assertFalse(usb.err().contains("startup"), "startup is a spec key, attach has none: " + usb.err());

            CliRun vga = hostdev("attach", "fake", BOOT_VGA, "--managed", "--dry-run");
            assertEquals(5, vga.exitCode(), vga.err());
            hintsExist(vga, "attach");
            assertTrue(vga.err().contains("'hostdev detach " + BOOT_VGA + " --force'"), vga.err());

            CliRun group = hostdev("attach", "fake", IN_SHARED_GROUP, "--managed", "--dry-run");
            assertEquals(4, group.exitCode(), group.err());
            hintsExist(group, "attach");
        }
    }
}
