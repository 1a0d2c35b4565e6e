package dev.hostdev.launcher.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How to run {@code hostdev}: a {@code java} launcher and Hostdev's jar (or class path and main class).
 * The lab runs the product as a user would, on the host ({@code hostdev vm start} of the lab VM) and
 * inside the guest ({@code hostdev batch --json}, with the host's java and jar over 9p), so that its own
 * package needs nothing from the CLI's.
 *
 * @param java   the {@code java} launcher
 * @param target {@code -jar JAR}, or {@code -cp CLASSPATH MAINCLASS}
 */
public record HostdevLauncher(Path java, List<String> target) {
    /** JVM options of a short-lived hostdev, as {@code ./hostdev} uses: quick to start. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** Validates. */
    public HostdevLauncher {
        Objects.requireNonNull(java);
        target = List.copyOf(target);
        if (target.isEmpty()) {
            throw new IllegalArgumentException("no hostdev jar or class path");
        }
    }

    /** {@code java -jar JAR}. */
    public static HostdevLauncher jar(Path java, Path jar) {
        return new HostdevLauncher(java, List.of("-jar", jar.toAbsolutePath().toString()));
    }

    /** {@code java -cp CLASSPATH MAINCLASS}, for a build run from its classes. */
    public static HostdevLauncher classPath(Path java, String classPath, String mainClass) {
        return new HostdevLauncher(java, List.of("-cp", classPath, mainClass));
    }

    /** The argument list of {@code hostdev ARGS}. */
    public List<String> command(List<String> args) {
        List<String> c = new ArrayList<>();
        c.add(java.toString());
        c.addAll(JVM_OPTIONS);
        c.addAll(target);
        c.addAll(args);
        return c;
    }

    /** {@code hostdev ARGS} as one line for a POSIX shell, words quoted where they need it. */
    public String shellCommand(List<String> args) {
        return command(args).stream().map(HostdevLauncher::quote).collect(Collectors.joining(" "));
    }

    /** A word as a POSIX shell (and {@code hostdev batch}) reads it: as it is when it is plain, else single-quoted. */
    public static String quote(String word) {
        if (word.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
