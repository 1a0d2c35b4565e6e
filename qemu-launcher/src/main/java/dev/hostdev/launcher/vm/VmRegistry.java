package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.state.TrustRules;
import dev.hostdev.launcher.spec.VmName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The VMs Hostdev knows of: each directory under the run directory with a {@code state.json}. */
public final class VmRegistry {
    private final Path vmsDir;

    /** @param vmsDir the directory holding each VM's runtime directory */
    public VmRegistry(Path vmsDir) {
        this.vmsDir = vmsDir;
    }

    /**
     * The runtime directory of VM {@code name}.
     *
     * @throws HostdevException USAGE if {@code name} is not a VM name, before anything is looked up
     */
    public VmRuntimeDir dir(String name) {
        return new VmRuntimeDir(vmsDir, name);
    }

    /**
     * What the run directory holds for one VM: its record, or why it could not be read.
     *
     * @param name    the directory's name
     * @param record  the record, or {@code null} when it could not be read
     * @param problem why it could not be read (naming the file), or {@code null}
     */
    public record Entry(String name, VmRecord record, HostdevException problem) {
        /** Whether the record was read. */
        public boolean readable() {
            return record != null;
        }
    }

    /**
     * Every recorded VM, by name, readable or not: one damaged or untrusted record does not hide the
     * others (it is an entry with its problem). Nothing is created.
     *
     * @throws HostdevException ENVIRONMENT when the run directory itself breaks {@link TrustRules} or cannot be listed
     */
    public List<Entry> scan() {
        if (!TrustRules.exists(vmsDir)) {
            return List.of();
        }
        TrustRules.requireTrustedDirectory(vmsDir);
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(vmsDir)) {
            for (Path d : dirs.sorted().toList()) {
                String name = d.getFileName().toString();
                if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(d)) {
                    continue; // not a VM's directory
                }
                if (!VmName.isValid(name)) {
                    out.add(new Entry(name, null, new HostdevException(ErrorCode.USAGE, "the run directory " + vmsDir + " holds " + d
                            + ", which is not a VM's directory (not a VM name)", "remove it if nothing uses it")));
                    continue;
                }
                try {
                    Optional<VmRecord> r = new VmRuntimeDir(vmsDir, name).read();
                    r.ifPresent(rec -> out.add(new Entry(name, rec, null)));
                } catch (HostdevException e) {
                    out.add(new Entry(name, null, e));
                }
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot list " + vmsDir + ": " + e.getMessage(), null, e);
        }
        return out;
    }

    /** Every VM whose record could be read, by name (see {@link #scan} for the others too). */
    public List<VmRecord> all() {
        return scan().stream().filter(Entry::readable).map(Entry::record).toList();
    }
}
