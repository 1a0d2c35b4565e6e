package dev.hostdev.launcher.cli;

/** {@code hostdev} as {@link Main} runs it when no fast path takes the line: picocli only (for tests in a JVM of their own). */
public final class PicocliOnlyMain {
    private PicocliOnlyMain() {
    }

    public static void main(String[] args) {
        System.exit(Cli.forArgs(args).execute(args));
    }
}
