package dev.hostdev.engine.guard;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SIOCGIFCONF on the machine running the tests (it only reads): its loopback and its default route's interface. */
class Ipv4InterfacesTest {
    @Test
    void theLoopbackAndTheInterfaceOfTheDefaultRouteHaveIpv4Addresses() throws Exception {
        Set<String> names = Ipv4Interfaces.ofThisHost();
        assumeTrue(!names.isEmpty(), "SIOCGIFCONF answered nothing here (not 64-bit, or no IPv4 at all)");
        assertTrue(names.contains("lo"), names.toString());
        Path route = Path.of("/proc/net/route");
        assumeTrue(Files.isReadable(route), "no /proc/net/route");
        for (String line : Files.readAllLines(route).stream().skip(1).toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 2 && f[1].equals("00000000") && !f[2].equals("00000000")) {
                assertTrue(names.contains(f[0]), "the default route's interface " + f[0] + " in " + names);
            }
        }
    }
}
