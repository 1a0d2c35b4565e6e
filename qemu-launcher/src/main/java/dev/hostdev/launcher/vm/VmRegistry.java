package dev.hostdev.launcher.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The VMs Hostdev knows of: each directory under the run directory with a {@code state.json}. */
public final class VmRegistry {
    private final Path vmsDir;

    /** @param vmsDir the directory holding each VM's runtime directory */
    public VmRegistry(Path vmsDir) {
        this.vmsDir = vmsDir;
    }

    /** The runtime directory of VM {@code name}. */
    public VmRuntimeDir dir(String name) {
        return new VmRuntimeDir(vmsDir, name);
    }

    /** Every recorded VM, by name. */
    public List<VmRecord> all() {
        if (!Files.isDirectory(vmsDir)) {
            return List.of();
        }
        List<VmRecord> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(vmsDir)) {
            for (Path d : dirs.sorted().toList()) {
                new VmRuntimeDir(vmsDir, d.getFileName().toString()).read().ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new dev.hostdev.engine.HostdevException(dev.hostdev.engine.ErrorCode.ENVIRONMENT,
                    "cannot list " + vmsDir + ": " + e.getMessage(), null, e);
        }
        return out;
    }
}
