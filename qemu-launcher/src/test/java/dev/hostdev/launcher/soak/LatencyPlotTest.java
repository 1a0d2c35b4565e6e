package dev.hostdev.launcher.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class LatencyPlotTest {
    private static SoakReport report(int cycles, int failedAt) {
        List<CycleResult> cs = new ArrayList<>();
        for (int n = 1; n <= cycles; n++) {
            SoakFailure f = n == failedAt ? new SoakFailure(n, SoakFailure.Phase.UNPLUG, "soak1", ErrorCode.TIMEOUT, "no <ack> & no event", null)
                    : null;
            cs.add(new CycleResult(n, List.of(20_000_000L + n), n % 2 == 0 ? 90_000_000L : null, f == null ? List.of(150_000_000L) : List.of(),
                    200_000_000L + n * 1_000_000L, f));
        }
        return new SoakReport("rig", List.of("e1000e"), List.of("soak1"), cycles, cs, null, 0, new MemorySample(1L, 2L),
                new MemorySample(1L, 2L), 1);
    }

    @Test
    void aWellFormedSvgWithALineEachAndTheFailedCycleMarked() throws Exception {
        String svg = LatencyPlot.svg(report(50, 30));
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", d.getDocumentElement().getLocalName());
        assertEquals(4, d.getElementsByTagName("polyline").getLength(), "attach, guest-visible, unplug, cycle");
        assertTrue(svg.contains("<title>cycle 30: unplug of soak1 failed: no &lt;ack&gt; &amp; no event</title>"), svg);
        assertTrue(svg.contains("50 cycles, 1 failed"));
    }

    @Test
    void oneCycleIsAPointNotALine() {
        String svg = LatencyPlot.svg(report(1, 0));
        assertTrue(svg.contains("<circle"), svg);
        assertEquals(-1, svg.indexOf("NaN"), svg);
    }

    @Test
    void theScaleEndsAtARoundNumber() {
        assertEquals(500, LatencyPlot.niceCeiling(368.5));
        assertEquals(2000, LatencyPlot.niceCeiling(1100));
        assertEquals(1, LatencyPlot.niceCeiling(1));
    }
}
