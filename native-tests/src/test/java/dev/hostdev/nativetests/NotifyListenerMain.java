package dev.hostdev.nativetests;

import dev.hostdev.engine.posix.Posix;
import java.nio.charset.StandardCharsets;

/**
 * A service manager's notification socket for a test inside the lab guest, where no systemd runs: binds a
 * datagram Unix socket to the name given (a path, or {@code @abstract}) through Hostdev's native seam,
 * prints {@code listening}, then prints each datagram received on one line ({@code \n} inside a message as
 * {@code |}), until killed.
 *
 * <p>Usage: {@code NotifyListenerMain NAME}
 */
public final class NotifyListenerMain {
    private NotifyListenerMain() {
    }

    public static void main(String[] args) throws Exception {
        int fd = Posix.unixDatagramSocket();
        Posix.bindUnix(fd, args[0]);
        System.out.println("listening on " + args[0]);
        System.out.flush();
        byte[] buf = new byte[4096];
        while (true) {
            int n = Posix.receiveNow(fd, buf);
            if (n < 0) {
                Thread.sleep(20);
                continue;
            }
            System.out.println("message: " + new String(buf, 0, n, StandardCharsets.UTF_8).strip().replace('\n', '|'));
            System.out.flush();
        }
    }
}
