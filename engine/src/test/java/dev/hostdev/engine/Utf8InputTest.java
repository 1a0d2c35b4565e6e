package dev.hostdev.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Utf8InputTest {
    @TempDir
    Path dir;

    @Test
    void aFileIsReadWholeOrRefusedNamingLineAndOffset() throws Exception {
        Path ok = dir.resolve("ok.toml");
        Files.writeString(ok, "name = \"caf\u00e9\"\n");
        assertEquals("name = \"caf\u00e9\"\n", Utf8Input.readFile(ok, "spec file"));
        Path bad = dir.resolve("bad.toml");
        Files.write(bad, "a\nb = \"\u00e9\"\n".getBytes(StandardCharsets.ISO_8859_1));
        HostdevException e = assertThrows(HostdevException.class, () -> Utf8Input.readFile(bad, "spec file"));
        assertEquals(ErrorCode.USAGE, e.code());
        assertEquals("spec file " + bad + " is not UTF-8 text: line 2, byte offset 7 (byte 0xe9)", e.getMessage());
    }

    @Test
    void truncatedSequenceAtTheEnd() throws Exception {
        Path bad = dir.resolve("cut");
        Files.write(bad, new byte[] {'x', (byte) 0xe2, (byte) 0x82});
        HostdevException e = assertThrows(HostdevException.class, () -> Utf8Input.readFile(bad, "batch file"));
        assertTrue(e.getMessage().endsWith("line 1, byte offset 1 (byte 0xe2)"), e.getMessage());
    }

    @Test
    void linesOneAtATimeWithOffsetsCountedAcrossLines() throws Exception {
        byte[] bytes = {'a', '\r', '\n', (byte) 0xc3, (byte) 0xa9, '\n', 'o', 'k', (byte) 0x80, '\n', 'z'};
        try (Utf8Input.LineReader r = new Utf8Input.LineReader(new ByteArrayInputStream(bytes), "the batch")) {
            assertEquals("a", r.readLine());
            assertEquals("\u00e9", r.readLine());
            HostdevException e = assertThrows(HostdevException.class, r::readLine);
            assertEquals("the batch is not UTF-8 text: line 3, byte offset 8 (byte 0x80)", e.getMessage());
            assertEquals("z", r.readLine(), "the reader goes on after a bad line");
            assertNull(r.readLine());
        }
    }
}
