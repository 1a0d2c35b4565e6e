package dev.hostdev.launcher.qmp;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The byte streams a QMP conversation runs over: a UNIX socket in real use, anything in tests.
 * The input is read by one thread while another writes to the output.
 */
public interface QmpTransport extends Closeable {
    /** Bytes from QEMU. */
    InputStream input() throws IOException;

    /** Bytes to QEMU. */
    OutputStream output() throws IOException;

    /** Where the conversation goes, for messages, e.g. the socket path. */
    String describe();
}
