package dev.hostdev.launcher.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TomlLineIndexTest {
    @Test
    void findsKeysOfTablesArraysDottedAndQuotedKeys() {
        TomlLineIndex i = TomlLineIndex.of("""
                name = "x"          # 1
                text = \"\"\"
                not = "a key"
                \"\"\"
                list = [
                  "a = b",
                ]
                [[hostdev]]
                pci = "1"
                [[hostdev]]
                usb = "2"
                [hostdev.extra]
                deep = 1
                [device]
                props.mac = "m"
                "quoted key" = 2
                """);
        assertEquals(1, i.lineOf("/name"));
        assertEquals(2, i.lineOf("/text"));
        assertEquals(0, i.lineOf("/not"), "inside a multi-line string");
        assertEquals(5, i.lineOf("/list"));
        assertEquals(9, i.lineOf("/hostdev/0/pci"));
        assertEquals(11, i.lineOf("/hostdev/1/usb"));
        assertEquals(10, i.lineOf("/hostdev/1"));
        assertEquals(10, i.lineOf("/hostdev/1/unknown"), "falls back to the enclosing table");
        assertEquals(13, i.lineOf("/hostdev/1/extra/deep"));
        assertEquals(15, i.lineOf("/device/props/mac"));
        assertEquals(16, i.lineOf("/device/quoted key"));
        assertNull(i.duplicateKey());
    }

    @Test
    void remembersTheFirstDuplicate() {
        TomlLineIndex i = TomlLineIndex.of("a = 1\n[t]\nb = 1\nb = 2\n");
        assertEquals("/t/b", i.duplicateKey());
        assertEquals(4, i.duplicateLine());
    }
}
