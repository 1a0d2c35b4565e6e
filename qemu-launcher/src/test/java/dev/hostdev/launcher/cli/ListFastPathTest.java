package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hostdev.engine.testing.SampleHosts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast path must print exactly what picocli's {@code list} prints, and leave everything else to picocli. */
class ListFastPathTest {
    @TempDir
    Path dir;

    private CliRun fast(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Integer code = ListFastPath.tryRun(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return code == null ? null : new CliRun(code, out.toString(), err.toString());
    }

    @Test
    void sameOutputAsPicocliForEveryPlainSpelling() {
        MiniIds.install(SampleHosts.workstation(dir));
        String root = dir.toString();
        String[][] cases = {
            {"list", "--root", root},
            {"list", "--root=" + root},
            {"list", "--json", "--root", root},
            {"list", "--root", root, "--usb"},
            {"list", "--all", "--json", "--root", root},
            {"list", "-v", "--root", root, "--all"},
            {"list", "--json", "--root", dir.resolve("absent").toString()},
            {"list", "--root", dir.resolve("absent").toString()},
            {"--root", root, "list", "--json"},
            {"-v", "--root=" + root, "list", "--usb"},
            {"--run-dir", root, "list", "--root", root},
            {"list", "--run-dir=" + root, "--json", "--root", root},
        };
        for (String[] args : cases) {
            CliRun f = fast(args);
            CliRun p = CliRun.run(args);
            assertEquals(p, f, String.join(" ", args));
        }
    }

    @Test
    void anythingElseGoesToPicocli() {
        String root = dir.toString();
        String[][] cases = {
            {},
            {"show", "01:00.0"},
            {"list", "--help"},
            {"list", "-h"},
            {"list", "--bogus"},
            {"list", "--root"},
            {"list", "--root", "--json"},
            {"list", "--root", root, "--root", root},
            {"list", "--json", "--json"},
            {"list", "-v", "--verbose"},
            {"list", "extra"},
            {"list", "--root="},
            {"list", "-vj"},
            {"--root", root, "list", "--root", root},
            {"--root", root},
            {"--run-dir", root, "--run-dir", root, "list"},
            {"--bogus", "list"},
        };
        for (String[] args : cases) {
            assertNull(fast(args), String.join(" ", args));
        }
    }
}
