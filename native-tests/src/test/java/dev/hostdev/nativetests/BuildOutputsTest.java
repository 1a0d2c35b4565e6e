package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What the build leaves beside the jar for docs/install.md: the bash completion and the man pages.
 * Checked here because this module builds after the launcher's package phase, where they are made.
 */
class BuildOutputsTest {
    @Test
    void theBuildWritesTheCompletionScriptAndTheManPages() throws Exception {
        Path target = LabVmExtension.hostdevJarOrSkip().getParent();
        Path completion = target.resolve("completion/hostdev");
        assertTrue(Files.isRegularFile(completion), completion + " (docs/install.md installs it)");
        assertTrue(Files.readString(completion).contains("_complete_hostdev"), completion.toString());
        for (String page : new String[] {"hostdev.adoc", "hostdev-list.adoc", "hostdev-vm-start.adoc"}) {
            assertTrue(Files.isRegularFile(target.resolve("man").resolve(page)), page);
        }
    }
}
