package dev.hostdev.launcher.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.regex.Pattern;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code hostdev --version}: the version and the git commit the jar was built from, recorded at build
 * time in {@code build-info.properties} (see qemu-launcher/pom.xml). A build outside a git checkout
 * says so rather than guessing.
 */
public final class VersionProvider implements IVersionProvider {
    private static final String RESOURCE = "build-info.properties";
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

    @Override
    public String[] getVersion() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException | IllegalArgumentException e) {
            p.clear();
        }
        return lines(p);
    }

    /** The lines printed for the build information in {@code p} (empty when there is none). */
    static String[] lines(Properties p) {
        String version = p.getProperty("version", "").strip();
        if (version.isEmpty()) {
            return new String[] {"hostdev development build (no build information: not built by Maven)"};
        }
        String commit = p.getProperty("commit", "").strip();
        String built;
        if (COMMIT.matcher(commit).matches()) {
            built = "built from commit " + commit
                    + (Boolean.parseBoolean(p.getProperty("dirty", "false").strip()) ? " with uncommitted changes" : "");
        } else {
            built = "built outside a git checkout: commit unknown";
        }
        return new String[] {"hostdev " + version, built};
    }
}
