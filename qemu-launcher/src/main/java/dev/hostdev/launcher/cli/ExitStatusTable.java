package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Hostdev's exit statuses, made from {@link ErrorCode} (the one table): for {@code hostdev --help}, the man
 * page's EXIT STATUS section and the README's line (which a test compares with {@link #sentence()}).
 */
final class ExitStatusTable {
    /** What status 0 means. */
    static final String SUCCESS = "done";

    private ExitStatusTable() {
    }

    /** Status to meaning, in order: 0 first, then every {@link ErrorCode}. */
    static Map<String, String> entries() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("0", SUCCESS);
        for (ErrorCode c : ErrorCode.values()) {
            m.put(String.valueOf(c.exitStatus()), c.summary());
        }
        return m;
    }

    /** The table as one sentence, as the README gives it: {@code Exit statuses: 0 done, 2 bad input (usage), …}. */
    static String sentence() {
        return "Exit statuses: " + Stream.concat(Stream.of("0 " + SUCCESS),
                Stream.of(ErrorCode.values()).map(c -> c.exitStatus() + " " + c.summary()))
                .collect(Collectors.joining(", ")) + ".";
    }
}
