package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.AutoComplete;

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
        ManPages.write(tmp.toFile());
        assertTrue(Files.exists(tmp.resolve("hostdev.adoc")));
        assertTrue(Files.exists(tmp.resolve("hostdev-vm-start.adoc")));
        assertTrue(Files.readString(tmp.resolve("hostdev.adoc")).contains("*70*::"), "the root page lists every exit status");
        String page = Files.readString(tmp.resolve("hostdev-doctor.adoc"));
        assertTrue(page.contains("= hostdev-doctor(1)"), page);
        assertTrue(page.contains("*--spec*=_FILE_"), page);
        assertTrue(page.contains("Exit status") && page.contains("*12*::"), page);
        assertTrue(page.contains("at least one check failed"), page);
    }

    @Test
    void everyPageHasEnvironmentFilesExitStatusAndSeeAlso() throws IOException {
        ManPages.write(tmp.toFile());
        for (String name : new String[] {"hostdev", "hostdev-list", "hostdev-vm-start", "hostdev-attach"}) {
            String page = Files.readString(tmp.resolve(name + ".adoc"));
            int env = page.indexOf("\n== Environment\n");
            int files = page.indexOf("\n== Files\n");
            int exit = page.indexOf("\n== Exit status\n");
            int seeAlso = page.indexOf("\n== See also\n");
            assertTrue(exit > 0 && env > exit && files > env && seeAlso > files, name + ":\n" + page);
            assertTrue(page.contains("*HOSTDEV_ROOT*::") && page.contains("*HOSTDEV_RUN_DIR*::"), page);
            assertTrue(page.contains("*--root*=_DIR_") && page.contains("*--run-dir*=_DIR_"), "global options: " + page);
            assertTrue(page.contains("*70*::\n  internal error (a bug in Hostdev)"), "the ErrorCode table: " + page);
        }
        assertTrue(Files.readString(tmp.resolve("hostdev-vm-start.adoc")).contains("*hostdev-vm*(1)"), "see also its parent");
        assertTrue(Files.readString(tmp.resolve("hostdev.adoc")).contains("*hostdev-list*(1)"), "the top page names each command's");
    }
}
