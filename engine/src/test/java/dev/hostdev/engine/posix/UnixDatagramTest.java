package dev.hostdev.engine.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.jna.LastErrorException;
import dev.hostdev.engine.sysfs.Errno;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Datagram Unix sockets through the native seam, as sd_notify needs them: a path or an abstract name. */
class UnixDatagramTest {
    @TempDir
    Path dir;

    @Test
    void aDatagramSentToABoundPathArrivesWhole() {
        String name = dir.resolve("s").toString();
        int server = Posix.unixDatagramSocket();
        int client = Posix.unixDatagramSocket();
        try {
            Posix.bindUnix(server, name);
            byte[] buf = new byte[64];
            assertEquals(-1, Posix.receiveNow(server, buf), "nothing waiting: -1, not a block");
            byte[] msg = "READY=1\nSTATUS=up\n".getBytes(StandardCharsets.UTF_8);
            assertEquals(msg.length, Posix.sendToUnix(client, msg, name));
            int n = Posix.receiveNow(server, buf);
            assertEquals("READY=1\nSTATUS=up\n", new String(buf, 0, n, StandardCharsets.UTF_8));
        } finally {
            Posix.closeQuietly(server);
            Posix.closeQuietly(client);
        }
    }

    @Test
    void anAbstractNameIsALeadingNulByteAndItsLengthNoTerminator() {
        byte[] a = Posix.unixAddress("@ab");
        assertEquals(2 + 3, a.length);
        assertArrayEquals(new byte[] {0, 'a', 'b'}, java.util.Arrays.copyOfRange(a, 2, 5));
        byte[] p = Posix.unixAddress("/x");
        assertArrayEquals(new byte[] {'/', 'x', 0}, java.util.Arrays.copyOfRange(p, 2, 5), "a path is NUL-terminated");
        assertEquals(1, a[java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 0 : 1], "AF_UNIX");
    }

    @Test
    void namesTheKernelCannotTakeAreRefusedBeforeAnyCall() {
        assertThrows(IllegalArgumentException.class, () -> Posix.unixAddress(""));
        assertThrows(IllegalArgumentException.class, () -> Posix.unixAddress("@"));
        assertThrows(IllegalArgumentException.class, () -> Posix.unixAddress("/" + "x".repeat(107)));
        assertEquals(2 + 108, Posix.unixAddress("/" + "x".repeat(106)).length, "107 bytes and the NUL fill sun_path");
        assertThrows(IllegalArgumentException.class, () -> Posix.unixAddress("/a\0b"));
    }

    @Test
    void sendingToNobodyFailsWithTheKernelsErrno() {
        int client = Posix.unixDatagramSocket();
        try {
            LastErrorException e = assertThrows(LastErrorException.class,
                    () -> Posix.sendToUnix(client, new byte[] {1}, dir.resolve("nobody").toString()));
            assertEquals(Errno.ENOENT, e.getErrorCode());
        } finally {
            Posix.closeQuietly(client);
        }
    }
}
