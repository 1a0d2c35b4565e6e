package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.qmp.QmpCall;
import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.qmp.QmpOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchWarmUpTest {
    @Test
    void theScriptedQemuAnswersAnAttachAndAnUnplugAtOnce() {
        long t0 = System.nanoTime();
        try (QemuMonitor m = QemuMonitor.over(QmpClient.open(new BatchWarmUp.ScriptedQemu(), QmpOptions.defaults()))) {
            assertTrue(m.queryStatus().running());
            var added = m.deviceAdd(QmpCall.deviceAdd(JsonNodeFactory.instance.objectNode().put("driver", "e1000e")
                    .put("id", "hostdev-batch-warm-up").put("bus", "warm.1").put("addr", "0x0")), Duration.ofSeconds(5));
            assertTrue(added.contains("hostdev-batch-warm-up"), added.toString());
            m.requestDeviceDel("hostdev-batch-warm-up");
            m.awaitDeviceDeleted("hostdev-batch-warm-up", Duration.ofSeconds(5));
        }
        // a reply that did not come would have waited for its timeout: the warm-up is useless (and slow) then
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    @Test
    void itLeavesTheBatchsCommandLineAsItWas() {
        var inner = Cli.newCommandLine();
        BatchWarmUp.run(inner);
        assertEquals(2, inner.execute("attach"), "a line parsed after the warm-up is parsed afresh");
    }
}
