package dev.hostdev.launcher.vm;

import dev.hostdev.launcher.qmp.QmpTranscript;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A QMP transcript appended to the VM's {@code qmp.log} (kept for troubleshooting) and, under
 * {@code -v}, echoed to the user. The file is opened on the first line and closed with the connection.
 */
public final class QmpTranscriptFile implements QmpTranscript {
    private final Path file;
    private final PrintWriter echo;
    private Writer writer;
    private boolean broken;

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
        if (broken) {
            return;
        }
        try {
            if (writer == null) {
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            writer.write(Instant.now() + " " + line + "\n");
            writer.flush();
        } catch (IOException e) {
            broken = true; // the transcript is an aid; losing it must not fail the command
        }
    }

    @Override
    public synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // nothing was lost that flush had not written
            }
            writer = null;
        }
    }
}
