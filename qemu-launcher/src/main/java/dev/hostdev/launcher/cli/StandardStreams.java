package dev.hostdev.launcher.cli;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * Standard output and error for the fast paths, made as picocli 4.7 makes its own ({@code CommandLine.getOut()}): the
 * charset of {@code sun.stdout.encoding} / {@code sun.stderr.encoding} (cp65001 read as UTF-8), else the default one,
 * buffered, flushed at each line. So a fast path writes the same bytes as picocli would.
 */
final class StandardStreams {
    private StandardStreams() {
    }

    /** Standard output. */
    static PrintWriter out() {
        return writer(System.out, System.getProperty("sun.stdout.encoding"));
    }

    /** Standard error. */
    static PrintWriter err() {
        return writer(System.err, System.getProperty("sun.stderr.encoding"));
    }

    private static PrintWriter writer(OutputStream stream, String encoding) {
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, charset(encoding))), true);
    }

    private static Charset charset(String name) {
        if (name == null) {
            return Charset.defaultCharset();
        }
        try {
            return Charset.forName("cp65001".equalsIgnoreCase(name) ? "UTF-8" : name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
