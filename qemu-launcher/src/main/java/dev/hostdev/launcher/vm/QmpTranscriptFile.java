package dev.hostdev.launcher.vm;

import dev.hostdev.launcher.qmp.QmpTranscript;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A QMP transcript appended to the VM's {@code qmp.log} (kept for troubleshooting) and, under
 * {@code -v}, echoed to the user.
 */
public final class QmpTranscriptFile implements QmpTranscript {
    private final Path file;
    private final PrintWriter echo;

    /**
     * @param file the log file
     * @param echo where {@code -v} shows each message, or {@code null}
     */
    public QmpTranscriptFile(Path file, PrintWriter echo) {
        this.file = file;
        this.echo = echo;
    }

    @Override
    public synchronized void record(String line) {
        if (echo != null) {
            echo.println("qmp " + line);
            echo.flush();
        }
        try {
            Files.writeString(file, Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the transcript is an aid; losing a line must not fail the command
        }
    }
}
