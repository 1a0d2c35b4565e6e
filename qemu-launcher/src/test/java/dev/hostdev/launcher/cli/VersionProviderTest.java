package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code hostdev --version}: the version and the commit recorded at build time, or a plain word that there is none. */
class VersionProviderTest {
    private static Properties props(String version, String commit, String dirty) {
        Properties p = new Properties();
        p.setProperty("version", version);
        p.setProperty("commit", commit);
        p.setProperty("dirty", dirty);
        return p;
    }

    @Test
    void theBuildRecordsTheVersionAndTheCommit() {
        CliRun r = CliRun.run("--version");
        assertEquals(0, r.exitCode());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).matches("hostdev \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), r.out());
        assertTrue(lines.get(1).matches("built from commit [0-9a-f]{40}( with uncommitted changes)?")
                || lines.get(1).equals("built outside a git checkout: commit unknown"), r.out());
    }

    @Test
    void eachKindOfBuild() {
        String c = "3da2d7334e5aedc085540ea7d157c2cdff8b04ae";
        assertArrayEquals(new String[] {"hostdev 1.2.0", "built from commit " + c},
                VersionProvider.lines(props("1.2.0", c, "false")));
        assertArrayEquals(new String[] {"hostdev 1.2.0", "built from commit " + c + " with uncommitted changes"},
                VersionProvider.lines(props("1.2.0", c, "true")));
        assertArrayEquals(new String[] {"hostdev 1.2.0", "built outside a git checkout: commit unknown"},
                VersionProvider.lines(props("1.2.0", "", "false")));
        assertArrayEquals(new String[] {"hostdev 1.2.0", "built outside a git checkout: commit unknown"},
                VersionProvider.lines(props("1.2.0", "not-a-commit\u001b[31m", "false")));
        assertArrayEquals(new String[] {"hostdev development build (no build information: not built by Maven)"},
                VersionProvider.lines(new Properties()));
    }
}
