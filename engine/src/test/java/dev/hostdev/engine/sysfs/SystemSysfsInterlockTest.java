package dev.hostdev.engine.sysfs;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SystemSysfsInterlockTest {
    @Test
    void theTestSuitesForbidWritesToTheRealSys() {
        assertTrue(Boolean.getBoolean(NativeAttributeWriter.FORBID_SYSTEM_WRITES),
                "surefire sets the interlock for every test JVM");
        // A name no kernel has: even if the interlock were broken, open() would only fail with ENOENT.
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new NativeAttributeWriter().write(Path.of("/sys/hostdev-interlock-test"), "1"));
        assertTrue(e.getMessage().contains("refused a write"), e.getMessage());
    }
}
