package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {
    @Test
    void blanksSeparateWords() {
        assertEquals(List.of("attach", "rig", "--emulated", "e1000e"), ShellWords.split("  attach rig\t--emulated   e1000e "));
    }

    @Test
    void quotesAndBackslashesKeepWhatTheyQuote() {
        assertEquals(List.of("vm", "start", "/etc/host dev/a b.toml"), ShellWords.split("vm start '/etc/host dev/a b.toml'"));
        assertEquals(List.of("say \"hi\" $x"), ShellWords.split("\"say \\\"hi\\\" \\$x\""));
        assertEquals(List.of("a b", "c'd"), ShellWords.split("a\\ b c\\'d"));
        assertEquals(List.of("ab", ""), ShellWords.split("a'b' ''"));
    }

    @Test
    void aHashStartingAWordStartsAComment() {
        assertEquals(List.of(), ShellWords.split("# the rig's first plug"));
        assertEquals(List.of("unplug", "rig", "n#1"), ShellWords.split("unplug rig n#1 # done"));
    }

    @Test
    void whatIsUnterminatedIsNamed() {
        assertEquals("unterminated single quote", assertThrows(IllegalArgumentException.class, () -> ShellWords.split("a 'b")).getMessage());
        assertEquals("unterminated double quote", assertThrows(IllegalArgumentException.class, () -> ShellWords.split("a \"b")).getMessage());
        assertEquals("a backslash at the end of the line", assertThrows(IllegalArgumentException.class, () -> ShellWords.split("a \\")).getMessage());
    }

    @Test
    void quotingThenSplittingGivesTheWordsBack() {
        List<String> words = List.of("plain", "with space", "it's", "", "$HOME", "a\"b");
        String line = String.join(" ", words.stream().map(ShellQuote::quote).toList());
        assertEquals(words, ShellWords.split(line));
    }
}
