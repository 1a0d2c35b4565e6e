package dev.hostdev.engine.state;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The journals of operations in progress under {@code /run/hostdev/journal}; each write is atomic and
 * durable ({@link AtomicFile}), and each file is read only if {@link TrustRules} allow it.
 */
public final class Journal {
    private final StateDirectory dir;

    public Journal(StateDirectory dir) {
        this.dir = dir;
    }

    /** Writes (or rewrites) an entry. */
    public void save(JournalEntry entry) {
        try {
            dir.prepare(dir.journalDir());
            AtomicFile.write(file(entry.id()), Json.MAPPER.writeValueAsBytes(entry));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes a finished operation's entry. */
    public void finish(JournalEntry entry) {
        AtomicFile.delete(file(entry.id()));
    }

    /** Every pending entry, oldest id first. */
    public List<JournalEntry> pending() {
        Path d = dir.journalDir();
        if (!dir.existing(d)) {
            return List.of();
        }
        List<JournalEntry> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(d)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || !name.endsWith(".json")) {
                    continue; // a temporary file left by a crash mid-write: the entry it replaced still stands
                }
                try {
                    byte[] bytes = TrustRules.read(f).orElse(null);
                    if (bytes == null) {
                        continue; // finished meanwhile
                    }
                    out.add(Json.MAPPER.readValue(bytes, JournalEntry.class));
                } catch (HostdevException e) {
                    throw e; // a link, another owner: refused as it is, not as "unreadable"
                } catch (IOException | RuntimeException e) {
                    throw new HostdevException(ErrorCode.STATE, "the journal " + f + " is unreadable: " + e.getMessage(),
                            "inspect it, put the devices it names back by hand, then delete it", e);
                }
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot list " + d + ": " + e.getMessage(), null, e);
        }
        return out;
    }

    /** The pending entries that involve the device. */
    public List<JournalEntry> pendingFor(PciAddress address) {
        String a = address.toString();
        return pending().stream().filter(e -> e.devices().stream().anyMatch(d -> d.address().equals(a))).toList();
    }

    private Path file(String id) {
        return dir.journalDir().resolve(id + ".json");
    }
}
