package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.AutoComplete;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/** The man pages and the bash completion the build generates come from the same picocli model. */
class GeneratedDocsTest {
    @TempDir
    Path tmp;

    @Test
    void completionOffersEveryCommandAndDoctorsOptions() {
        String script = AutoComplete.bash("hostdev", Cli.newCommandLine());
        assertTrue(script.contains("complete -F _complete_hostdev") || script.contains("_complete_hostdev"), "function");
        for (String word : new String[] {"list", "show", "detach", "reattach", "doctor", "vm", "attach", "unplug", "batch", "--keep-going",
            "--spec", "--user", "--json"}) {
            assertTrue(script.contains(word), "completion offers " + word);
        }
    }

    @Test
    void manPagesAreWrittenForEachCommand() throws IOException {
        ManPageGenerator.generateManPage(tmp.toFile(), null, new boolean[1], false,
                Cli.newCommandLine().getCommandSpec());
        assertTrue(Files.exists(tmp.resolve("hostdev.adoc")));
        assertTrue(Files.exists(tmp.resolve("hostdev-vm-start.adoc")));
        assertTrue(Files.readString(tmp.resolve("hostdev.adoc")).contains("*70*::"), "the root page lists every exit status");
        String page = Files.readString(tmp.resolve("hostdev-doctor.adoc"));
        assertTrue(page.contains("= hostdev-doctor(1)"), page);
        assertTrue(page.contains("*--spec*=_FILE_"), page);
        assertTrue(page.contains("Exit status") && page.contains("*12*::"), page);
        assertTrue(page.contains("at least one check failed"), page);
    }
}
