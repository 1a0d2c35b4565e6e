package dev.hostdev.launcher.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The 9p exchange seen from the host, with a thread playing the guest's loop (the lab's init.sh). */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExchangeGuestCheckTest {
    @TempDir
    Path x;

    /** Answers {@code N.sh} with the status, after writing out and err, as the guest's loop does. */
    private Thread guest(int first, String rc, String err) {
        Thread t = new Thread(() -> {
            try {
                Path sh = x.resolve(first + ".sh");
                while (!Files.exists(sh)) {
                    Thread.sleep(2);
                }
                Files.writeString(x.resolve(first + ".out"), "");
                Files.writeString(x.resolve(first + ".err"), err);
                Files.writeString(x.resolve(first + ".rc.tmp"), rc + "\n");
                Files.move(x.resolve(first + ".rc.tmp"), x.resolve(first + ".rc"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void numbersContinueAfterTheCommandsAlreadyExchangedAndTheCycleIsExported() throws Exception {
        Files.writeString(x.resolve("1.sh"), "true\n");
        Files.writeString(x.resolve("7.sh"), "true\n");
        Files.writeString(x.resolve("7.rc"), "0\n");
        guest(8, "0", "");
        ExchangeGuestCheck check = new ExchangeGuestCheck(x, "lspci -n | grep -q 8086:10d3", Duration.ofSeconds(10));
        GuestCheck.Outcome o = check.run(3, List.of("soak1", "soak2"));
        assertTrue(o.passed(), o.detail());
        assertEquals("HOSTDEV_SOAK_CYCLE=3; HOSTDEV_SOAK_IDS='soak1 soak2'\nexport HOSTDEV_SOAK_CYCLE HOSTDEV_SOAK_IDS\n"
                + "lspci -n | grep -q 8086:10d3\n", Files.readString(x.resolve("8.sh")));
        assertEquals("10", Files.readString(x.resolve("8.timeout")));
    }

    @Test
    void aFailingCheckSaysItsStatusAndLastLine() {
        guest(1, "1", "first\nthe guest does not see the e1000e\n");
        GuestCheck.Outcome o = new ExchangeGuestCheck(x, "check", Duration.ofSeconds(5)).run(1, List.of("soak1"));
        assertFalse(o.passed());
        assertEquals("exited 1: the guest does not see the e1000e", o.detail());
    }

    @Test
    void whatTheGuestWritesIsNotTrustedAsAStatus() {
        guest(1, "0; rm -rf /", "");
        GuestCheck.Outcome o = new ExchangeGuestCheck(x, "check", Duration.ofSeconds(5)).run(1, List.of("soak1"));
        assertFalse(o.passed());
        assertTrue(o.detail().startsWith("gave no exit status"), o.detail());
    }

    @Test
    void aGuestThatNeverAnswersIsATimeout() {
        HostdevException e = assertThrows(HostdevException.class,
                () -> new ExchangeGuestCheck(x, "check", Duration.ofMillis(100)).run(1, List.of("soak1")));
        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertTrue(e.getMessage().startsWith("the guest did not answer the check `check`"), e.getMessage());
    }

    @Test
    void theExchangeMustBeADirectory() throws Exception {
        Path file = Files.writeString(x.resolve("file"), "");
        assertEquals(ErrorCode.USAGE, assertThrows(HostdevException.class, () -> new ExchangeGuestCheck(file, "c", Duration.ofSeconds(1))).code());
    }
}
