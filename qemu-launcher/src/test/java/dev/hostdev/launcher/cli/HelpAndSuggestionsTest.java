package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code hostdev help [COMMAND]} and "did you mean" for mistyped commands and options. */
class HelpAndSuggestionsTest {
    @Test
    void helpPrintsTheUsageOfTheCommandNamed() {
        assertEquals(CliRun.run("list", "--help").out(), CliRun.run("help", "list").out());
        assertEquals(CliRun.run("--help").out(), CliRun.run("help").out());
        assertEquals(CliRun.run("vm", "rm", "--help").out(), CliRun.run("vm", "help", "rm").out());
        assertTrue(CliRun.run("help").out().contains("\n  help "), "help is listed among the commands");
        CliRun unknown = CliRun.run("help", "nosuch");
        assertEquals(2, unknown.exitCode());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lsit|did you mean 'hostdev list'?",
        "shwo 01:00.0|did you mean 'hostdev show'?",
        "grups|did you mean 'hostdev groups'?",
        "vm stat web|did you mean 'hostdev vm start' or 'hostdev vm status'",
        "vm rn web|did you mean 'hostdev vm run' or 'hostdev vm rm'?",
        "vm rnu web|did you mean 'hostdev vm run'?",
        "list --jsn|did you mean '--json'?",
        "doctor --jason|did you mean '--json'?",
    })
    void aMistypedNameIsAnsweredWithTheCloseOnes(String args, String hint) {
        CliRun r = CliRun.run(args.split(" "));
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("hint: " + hint), r.err());
    }

    @Test
    void nothingCloseKeepsThePlainHint() {
        CliRun r = CliRun.run("zzzzzzzz");
        assertTrue(r.err().endsWith("hint: see 'hostdev --help'\n"), r.err());
    }

    @Test
    void distanceCountsSwapsAsOneEdit() {
        assertEquals(1, Suggestions.distance("lsit", "list"));
        assertEquals(1, Suggestions.distance("shwo", "show"));
        assertEquals(3, Suggestions.distance("grp", "groups"));
    }
}
