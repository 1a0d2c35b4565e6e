package dev.hostdev.engine.numa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuListTest {
    @Test
    void parsesAndPrintsTheKernelsListFormat() {
        CpuList l = CpuList.parse(" 24-27,72-75,5\n");
        assertEquals(List.of(5, 24, 25, 26, 27, 72, 73, 74, 75), l.cpus());
        assertEquals("5,24-27,72-75", l.toString());
        assertTrue(CpuList.parse("").isEmpty());
        assertEquals("0,2", CpuList.of(2, 0).toString());
    }

    @Test
    void setOperations() {
        CpuList a = CpuList.parse("0-7");
        CpuList b = CpuList.parse("4-11");
        assertEquals("4-7", a.and(b).toString());
        assertEquals("0-3", a.minus(b).toString());
        assertEquals("0-11", a.or(b).toString());
        assertTrue(a.containsAll(CpuList.parse("1,3")));
    }

    @Test
    void refusesWhatIsNotAList() {
        assertEquals("'3-1' is not a CPU list: range 3-1 runs backwards",
                assertThrows(IllegalArgumentException.class, () -> CpuList.parse("3-1")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("a"));
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("1,,2"));
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("9000"));
    }
}
