package dev.hostdev.engine.state;

import java.util.List;

/**
 * The pending journal entries, with those that failed validation set apart: they are reported, never
 * acted on.
 *
 * @param entries the valid entries, oldest first
 * @param refused the invalid ones
 */
public record JournalScan(List<JournalEntry> entries, List<Refused> refused) {
    /** Copies the lists. */
    public JournalScan {
        entries = List.copyOf(entries);
        refused = List.copyOf(refused);
    }

    /**
     * An entry that is not taken.
     *
     * @param file      its file, as the host names it
     * @param reason    what is wrong with it
     * @param addresses the PCI addresses its text mentions (what could be read of it)
     */
    public record Refused(String file, String reason, List<String> addresses) {
        /** Copies the list. */
        public Refused {
            addresses = List.copyOf(addresses);
        }

        /** e.g. {@code /run/hostdev/journal/X.json (mentions 0000:01:00.0): unknown key "Original_Driver"}. */
        public String describe() {
            return file + (addresses.isEmpty() ? "" : " (mentions " + String.join(", ", addresses) + ")") + ": " + reason;
        }
    }
}
