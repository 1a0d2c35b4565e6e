package dev.hostdev.launcher.vm;

import dev.hostdev.launcher.qmp.QmpTranscript;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A QMP transcript appended to the VM's {@code qmp.log} (kept for troubleshooting) and, under
 * {@code -v}, echoed to the user. The file is opened on the first line and closed with the connection.
 * A hotplug rig that attaches thousands of times would grow it without end in {@code /run}, which is
 * memory: past {@value #MAX_BYTES} bytes it becomes {@code qmp.log.1} (replacing the one before) and a
 * new file starts.
 */
public final class QmpTranscriptFile implements QmpTranscript {
    /** 4 MiB: some 4,000 attaches. */
    static final long MAX_BYTES = 4L * 1024 * 1024;

    private final Path file;
    private final PrintWriter echo;
    private FileChannel channel;
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
            if (channel == null) {
                channel = open();
            }
            // one write of the whole line: O_APPEND keeps lines whole when another process logs too
            channel.write(ByteBuffer.wrap((Instant.now() + " " + line + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            broken = true; // the transcript is an aid; losing it must not fail the command
        }
    }

    private FileChannel open() throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (ch.size() <= MAX_BYTES) {
            return ch;
        }
        ch.close();
        Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // every line was written whole already
            }
            channel = null;
        }
    }
}
