package dev.hostdev.launcher.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every program the lab's shell steps run inside the guest is in the one list of needs, and
 * {@code ./run-tests} installs that list rather than one of its own: so that a program added to a step
 * without its package fails here, not on a fresh machine (issue 10).
 */
class LabNeedsAuditTest {
    /** Shell words that are no program: keywords and the built-ins of dash. */
    private static final Set<String> SHELL = Set.of("for", "in", "do", "done", "if", "then", "else", "elif", "fi", "while",
            "until", "case", "esac", "[", "]", "test", "echo", "printf", "break", "continue", "true", "false", "exit", "read",
            "cd", "export", "local", "set", "shift", "return", "{", "}", "!", ":", ".", "kill", "wait", "trap", "umask");

    /** Words after which the next word is the command. */
    private static final Set<String> PREFIXES = Set.of("{", "!", "if", "while", "until", "elif");

    private static final Pattern SEPARATORS = Pattern.compile("\\$\\(|`|\\n|&&|\\|\\||[;|&()]|\\bdo\\b|\\bthen\\b|\\belse\\b");

    @Test
    void everyProgramTheGuestStepsRunIsInTheList() {
        List<String> scripts = new ArrayList<>();
        scripts.add(LabVm.driverScript(2));
        scripts.add(LabDevices.GROUPS_COMMAND);
        scripts.add(KernelView.script(List.of("0000:01:00.0")));
        scripts.add(GuestHostdevSession.startScript(HostdevLauncher.jar(Path.of("/usr/bin/java"), Path.of("/x/hostdev.jar"))));
        scripts.add(GuestHostdevSession.commandScript(3, List.of("list", "--json")));
        scripts.add(GuestHostdevSession.closeScript());
        scripts.addAll(FakeGuest.shellScriptsOfTheWalk());
        Set<String> listed = new TreeSet<>();
        LabNeeds.all().stream().filter(n -> n.where().contains(LabNeed.Where.GUEST)).forEach(n -> listed.add(n.program()));
        Set<String> run = new TreeSet<>();
        scripts.forEach(s -> run.addAll(programsOf(s)));
        run.removeAll(listed);
        assertEquals(Set.of(), run, "programs the lab runs in its guest that needs.txt does not list with their package");
        assertTrue(listed.containsAll(Set.of("lsusb", "lspci", "modprobe", "ps")), listed.toString());
    }

    @Test
    void programsAreFoundInPipelinesSubstitutionsAndLoops() {
        assertEquals(Set.of("readlink", "ls", "tr", "cat", "wc", "seq", "sleep", "lsusb", "grep"),
                programsOf("if ! lsusb; then { grep x; }; fi\n"
                        + "for d in a b; do l=$(readlink /x) && echo ok || echo no; done; echo \"$(ls /d | tr x y)\"; "
                        + "for i in $(seq 3); do [ $(cat /f | wc -l) -ge 2 ] && break; sleep 0.1; done; lsusb; ps_x=1 grep -c y"));
    }

    @Test
    void runTestsInstallsTheLabsListAndNoListOfItsOwn() throws IOException {
        Path runTests = Path.of("..", "run-tests");
        String text = Files.readString(runTests);
        assertTrue(text.contains("qemu-launcher/src/main/resources/dev/hostdev/launcher/lab/" + LabNeeds.RESOURCE), text);
        assertTrue(Files.isRegularFile(Path.of("src/main/resources/dev/hostdev/launcher/lab", LabNeeds.RESOURCE)));
        for (String pkg : LabNeeds.packages()) {
            assertTrue(!Pattern.compile("\\b" + Pattern.quote(pkg) + "\\b").matcher(text.replaceAll("(?m)#.*$", "")).find()
                    || pkg.equals("grep"), "run-tests names " + pkg + " itself");
        }
    }

    /** The programs a shell script runs: the first word of each simple command, variables and built-ins left out. */
    static Set<String> programsOf(String script) {
        Set<String> programs = new TreeSet<>();
        for (String command : SEPARATORS.split(script)) {
            for (String word : command.strip().split("\\s+")) {
                if (word.isEmpty() || word.matches("[A-Za-z_][A-Za-z0-9_]*=.*") || PREFIXES.contains(word)) {
                    continue;
                }
                if (!SHELL.contains(word) && !word.startsWith("\"") && !word.startsWith("$") && !word.startsWith("/")
                        && !word.matches("[0-9].*") && !word.startsWith("-") && !word.startsWith("'")) {
                    programs.add(word);
                }
                break;
            }
        }
        return programs;
    }
}
