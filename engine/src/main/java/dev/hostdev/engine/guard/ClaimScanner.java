package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds devices other managers hold: running QEMU processes whose command line gives them to vfio-pci
 * ({@code /proc/PID/cmdline}) and libvirt domains whose status file names them as a PCI hostdev
 * ({@code /run/libvirt/qemu/*.xml}).
 */
final class ClaimScanner {
    private static final Pattern HOSTDEV = Pattern.compile("<hostdev\\b(.*?)</hostdev>", Pattern.DOTALL);
    private static final Pattern ADDRESS = Pattern.compile(
            "<address\\s+[^>]*?domain=['\"](0x[0-9a-fA-F]+)['\"][^>]*?bus=['\"](0x[0-9a-fA-F]+)['\"][^>]*?"
                    + "slot=['\"](0x[0-9a-fA-F]+)['\"][^>]*?function=['\"](0x[0-9a-fA-F]+)['\"]");
    private static final Pattern NAME = Pattern.compile("<name>([^<]+)</name>");

    private final LiveFiles files;

    ClaimScanner(LiveFiles files) {
        this.files = files;
    }

    List<Claim> scan(Collection<PciAddress> devices) {
        List<Claim> claims = new ArrayList<>();
        scanProcesses(devices, claims);
        scanLibvirt(devices, claims);
        return claims;
    }

    private void scanProcesses(Collection<PciAddress> devices, List<Claim> claims) {
        Path proc = files.root().resolve("/proc");
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path dir : dirs) {
                String pid = dir.getFileName().toString();
                if (pid.equals(Long.toString(self))) {
                    continue;
                }
                Optional<byte[]> cmdline = files.bytes("/proc/" + pid + "/cmdline");
                if (cmdline.isEmpty() || cmdline.get().length == 0) {
                    continue;
                }
                List<String> args = QemuVfioArguments.arguments(cmdline.get());
                for (PciAddress host : QemuVfioArguments.vfioHosts(args)) {
                    if (devices.contains(host)) {
                        String program = args.get(0).substring(args.get(0).lastIndexOf('/') + 1);
                        String vm = QemuVfioArguments.vmName(args).map(n -> ", VM " + n).orElse("");
                        claims.add(new Claim(host, "QEMU pid " + pid + " (" + program + vm + ")"));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc under the root: no processes to ask about.
        }
    }

    private void scanLibvirt(Collection<PciAddress> devices, List<Claim> claims) {
        Path dir = files.root().resolve("/run/libvirt/qemu");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> xmls = Files.newDirectoryStream(dir, "*.xml")) {
            for (Path xml : xmls) {
                String text;
                try {
                    text = Files.readString(xml);
                } catch (IOException e) {
                    continue;
                }
                String file = xml.getFileName().toString();
                Matcher nm = NAME.matcher(text);
                String domain = nm.find() ? nm.group(1).strip() : file.substring(0, file.length() - 4);
                Matcher hm = HOSTDEV.matcher(text);
                while (hm.find()) {
                    String block = hm.group(1);
                    if (!block.contains("type='pci'") && !block.contains("type=\"pci\"")) {
                        continue;
                    }
                    Matcher am = ADDRESS.matcher(block);
                    if (am.find()) {
                        PciAddress a = new PciAddress(Long.decode(am.group(1)), Integer.decode(am.group(2)),
                                Integer.decode(am.group(3)), Integer.decode(am.group(4)));
                        if (devices.contains(a)) {
                            claims.add(new Claim(a, "libvirt domain " + domain + " (/run/libvirt/qemu/" + file + ")"));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable libvirt directory is not ours to judge; the QEMU process check still stands.
        }
    }
}
