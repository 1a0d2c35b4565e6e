package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The model built for one command line ({@link Cli#forArgs}) holds only the command invoked and behaves as the whole one. */
class CliForArgsTest {
    private static List<List<String>> everyCommand() {
        List<List<String>> paths = new ArrayList<>();
        CommandLine full = Cli.newCommandLine();
        full.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            paths.add(List.of(name));
            sub.getSubcommands().keySet().stream().filter(n -> !n.equals("help")).forEach(n -> paths.add(List.of(name, n)));
        });
        return paths;
    }

    private static String[] args(List<String> path, String... more) {
        List<String> a = new ArrayList<>(path);
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static String run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return "exit " + status + "\n" + out + "\n--- stderr\n" + err;
    }

    @Test
    void aCommandLineHoldsOnlyTheCommandItInvokes() {
        assertEquals(Set.of("attach"), Cli.forArgs(new String[] {"attach", "vm1", "03:00.0"}).getSubcommands().keySet());
        assertEquals(Set.of("unplug"), Cli.forArgs(new String[] {"-v", "--root", "/tmp/x", "unplug", "vm1", "nic"}).getSubcommands().keySet());
        CommandLine vm = Cli.forArgs(new String[] {"--run-dir=/tmp/r", "vm", "--root", "/x", "start", "a.toml"});
        assertEquals(Set.of("vm"), vm.getSubcommands().keySet());
        assertEquals(Set.of("start"), vm.getSubcommands().get("vm").getSubcommands().keySet());
    }

    @Test
    void helpMistakesAndBareCommandsGetEveryCommand() {
        int all = Cli.newCommandLine().getSubcommands().size();
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "attach"}, {"atach"}, {"-V"}, {"--root"}, {"-x", "list"}}) {
            assertEquals(all, Cli.forArgs(args).getSubcommands().size(), String.join(" ", args));
        }
        int vms = Cli.newCommandLine().getSubcommands().get("vm").getSubcommands().size();
        for (String[] args : new String[][] {{"vm"}, {"vm", "strat"}, {"vm", "help", "start"}, {"vm", "--help"}}) {
            assertEquals(vms, Cli.forArgs(args).getSubcommands().get("vm").getSubcommands().size(), String.join(" ", args));
        }
    }

    @Test
    void everyCommandsHelpAndParseErrorsAreTheSameAsWithTheWholeModel() {
        List<List<String>> paths = everyCommand();
        assertTrue(paths.size() > 15, paths.toString());
        for (List<String> path : paths) {
            for (String[] more : new String[][] {{"--help"}, {"--no-such-option"}, {"--root", "/nonexistent-root", "--json", "--timeout"}}) {
                String[] a = args(path, more);
                assertEquals(run(Cli.newCommandLine(), a), run(Cli.forArgs(a), a), String.join(" ", a));
            }
        }
    }
}
