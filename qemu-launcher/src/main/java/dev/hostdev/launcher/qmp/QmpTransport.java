package dev.hostdev.launcher.qmp;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes a QMP conversation runs over: a UNIX socket in real use. Reads wait at most a given time,
 * so that the caller of a command can read its own reply (no thread in between) and still keep to
 * the command's timeout.
 */
public interface QmpTransport extends Closeable {
    /**
     * Reads what has arrived into {@code dst}, waiting up to {@code timeoutNanos} for something
     * (zero or less: only what is there already).
     *
     * @return the number of bytes read, 0 if none came in time, -1 at the end of the stream
     * @throws IOException also when the transport is closed meanwhile
     */
    int read(ByteBuffer dst, long timeoutNanos) throws IOException;

    /**
     * Writes all of {@code src}, waiting up to {@code timeoutNanos} for room.
     *
     * @throws IOException also when the peer reads nothing for that long
     */
    void write(ByteBuffer src, long timeoutNanos) throws IOException;

    /** Where the conversation goes, for messages, e.g. the socket path. */
    String describe();
}
