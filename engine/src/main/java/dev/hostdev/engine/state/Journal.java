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
        dir.prepare(dir.journalDir());
        AtomicFile.write(file(entry.id()), JournalEntryJson.write(entry));
    }

    /** Removes a finished operation's entry. */
    public void finish(JournalEntry entry) {
        AtomicFile.delete(file(entry.id()));
    }

    /**
     * Every pending entry, oldest id first.
     *
     * @throws HostdevException STATE if an entry is refused by validation (see {@link #scan()})
     */
    public List<JournalEntry> pending() {
        JournalScan scan = scan();
        if (!scan.refused().isEmpty()) {
            JournalScan.Refused r = scan.refused().get(0);
            throw new HostdevException(ErrorCode.STATE, "the journal entry " + r.describe(),
                    "inspect it, put the devices it names back by hand, then delete it");
        }
        return scan.entries();
    }

    /**
     * Every pending entry, oldest id first, read strictly ({@link JournalEntryParser}): those that are not
     * exactly what Hostdev writes are set apart, with what could be read of them.
     */
    public JournalScan scan() {
        Path d = dir.journalDir();
        if (!dir.existing(d)) {
            return new JournalScan(List.of(), List.of());
        }
        List<JournalEntry> out = new ArrayList<>();
        List<JournalScan.Refused> refused = new ArrayList<>();
        try (Stream<Path> files = Files.list(d)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || !name.endsWith(".json")) {
                    continue; // a temporary file left by a crash mid-write: the entry it replaced still stands
                }
                byte[] raw;
                try {
                    raw = TrustRules.read(f).orElse(null);
                    if (raw == null) {
                        continue; // finished meanwhile
                    }
                } catch (HostdevException e) {
                    // a link, another owner, a mode others may write: set apart unread, never acted on
                    String prefix = "refused " + f + ": ";
                    String why = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
                    refused.add(new JournalScan.Refused(f.toString(), "refused: " + why
                            + (e.hint() == null ? "" : " (" + e.hint() + ")"), List.of()));
                    continue;
                } catch (IOException e) {
                    refused.add(new JournalScan.Refused(f.toString(), "unreadable: " + e.getMessage(), List.of()));
                    continue;
                }
                try {
                    JournalEntry entry = JournalEntryParser.parse(raw);
                    if (!(entry.id() + ".json").equals(name)) {
                        throw new JournalEntryParser.InvalidEntry("its id \"" + entry.id() + "\" is not its file's name");
                    }
                    out.add(entry);
                } catch (JournalEntryParser.InvalidEntry e) {
                    refused.add(new JournalScan.Refused(f.toString(), e.getMessage(), JournalEntryParser.addressesIn(raw)));
                }
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot list " + d + ": " + e.getMessage(), null, e);
        }
        return new JournalScan(out, refused);
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
