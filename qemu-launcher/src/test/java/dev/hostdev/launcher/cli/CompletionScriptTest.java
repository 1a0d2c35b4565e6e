package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated bash completion, run in bash: device addresses and bus-ports, VM names and spec files
 * where each command takes them, from the output of {@code hostdev list --all} and {@code hostdev vm
 * list} (a stand-in {@code hostdev} prints what the real commands print for a sample host); commands and
 * options still from picocli's part.
 */
class CompletionScriptTest {
    @TempDir
    Path dir;

    private Path stub;

    @BeforeEach
    void host() throws Exception {
        Path root = dir.resolve("root");
        SampleHosts.workstation(root);
        VmRuntimeDir vm = new VmRuntimeDir(root.resolve("run/hostdev/vms"), "web");
        vm.create();
        vm.write(new VmRecord("web", "/w.toml", List.of(), VmState.STOPPED, null, null, "2026-12-04T05:00:00Z", 0, null,
                new SlotMap(List.of()), List.of(), List.of(), null));
        Files.writeString(dir.resolve("list.txt"), CliRun.run("list", "--all", "--root", root.toString()).out());
        Files.writeString(dir.resolve("vms.txt"), CliRun.run("vm", "list", "--root", root.toString()).out());
        stub = dir.resolve("hostdev");
        Files.writeString(stub, """
                #!/bin/bash
                echo "$*" >> "%1$s/args.log"
                case "$1 $2" in
                  "list --all") cat "%1$s/list.txt" ;;
                  "vm list") cat "%1$s/vms.txt" ;;
                esac
                """.formatted(dir));
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("completion.bash"), CompletionScript.script());
        Files.createDirectory(dir.resolve("specs"));
        Files.writeString(dir.resolve("web.toml"), "");
        Files.writeString(dir.resolve("notes.txt"), "");
    }

    /** The words bash would offer for {@code line} (the cursor at its end). */
    private List<String> complete(String line) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is needed");
        String script = """
                source ./completion.bash
                compopt() { :; }  # bash's compopt works only while bash itself runs a completion
                COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
                read -ra COMP_WORDS <<< "$COMP_LINE"
                [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                _hostdev_complete hostdev "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                printf '%s\\n' "${COMPREPLY[@]}"
                """;
        Process p = new ProcessBuilder("/bin/bash", "-c", script, "bash", line.replace("hostdev", stub.toString()))
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void showOffersPciAddressesBothWaysAndUsbBusPorts() throws Exception {
        List<String> words = complete("hostdev show ");
        assertTrue(words.containsAll(List.of("0000:01:00.0", "01:00.0", "0000:04:02.0", "1-2", "1-3", "1-3.1")), words.toString());
        assertFalse(words.stream().anyMatch(w -> w.startsWith("usb")), "no root hub: " + words);
        assertEquals(List.of("1-3", "1-3.1"), complete("hostdev show 1-3"));
    }

    @Test
    void aWordWithColonsGetsWhatFollowsItsLastColon() throws Exception {
        assertEquals(List.of("00.0", "00.1"), complete("hostdev show 0000:01:"));
    }

    @Test
    void detachOffersPciOnlyAndEveryArgument() throws Exception {
        List<String> words = complete("hostdev detach 01:00.0 ");
        assertTrue(words.contains("02:00.0"), words.toString());
        assertFalse(words.contains("1-2"), words.toString());
    }

    @Test
    void applyAndItsOptionsAreOffered() throws Exception {
        assertEquals(List.of("apply"), complete("hostdev appl"));
        assertTrue(complete("hostdev apply --").containsAll(List.of("--check", "--dry-run", "--config", "--json")),
                complete("hostdev apply --").toString());
        assertTrue(complete("hostdev detach --pe").contains("--persistent"));
        assertTrue(complete("hostdev reattach --pe").contains("--persistent"));
    }

    @Test
    void vmNamesWhereAVmIsNamedAndDevicesAfterIt() throws Exception {
        assertEquals(List.of("web"), complete("hostdev vm rm "));
        assertEquals(List.of("web"), complete("hostdev vm status w"));
        assertEquals(List.of("web"), complete("hostdev attach "));
        assertTrue(complete("hostdev attach web ").contains("1-3.1"));
        assertTrue(complete("hostdev attach --id x web ").contains("1-3.1"), "an option's value is not an argument");
    }

    @Test
    void specFilesAndDirectoriesForVmStart() throws Exception {
        List<String> words = complete("hostdev vm start ");
        assertTrue(words.contains("web.toml") && words.contains("specs"), words.toString());
        assertFalse(words.contains("notes.txt"), words.toString());
    }

    @Test
    void theRootOnTheLineIsPassedOn() throws Exception {
        complete("hostdev --root /srv/tree show ");
        complete("hostdev show --root=/srv/other ");
        List<String> calls = Files.readAllLines(dir.resolve("args.log"));
        assertEquals(List.of("list --all --root /srv/tree", "list --all --root /srv/other"), calls);
    }

    @Test
    void commandsAndOptionsStillComeFromPicocli() throws Exception {
        assertEquals(List.of("show"), complete("hostdev sh"));
        assertTrue(complete("hostdev show --j").contains("--json"));
        assertTrue(complete("hostdev vm ").containsAll(List.of("rm", "start", "list")));
        assertTrue(complete("hostdev list -").containsAll(List.of("-s", "-d", "-k", "--tree")));
    }
}
