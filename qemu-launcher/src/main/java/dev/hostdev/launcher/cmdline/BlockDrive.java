package dev.hostdev.launcher.cmdline;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A block backend ({@code -drive if=none,…}) a device refers to with {@code drive=ID}.
 *
 * @param id       the drive id ({@code drive-DEVICEID})
 * @param file     the image
 * @param format   raw or qcow2
 * @param readonly read-only
 */
public record BlockDrive(String id, Path file, String format, boolean readonly) {
    /** Checks the id. */
    public BlockDrive {
        QemuDevice.checkId(id);
        Objects.requireNonNull(file);
        Objects.requireNonNull(format);
    }

    /** The argument following {@code -drive}. */
    public String argument() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", id);
        o.put("file", file.toString());
        o.put("format", format);
        if (readonly) {
            o.put("readonly", true);
        }
        return QemuOptions.render("if=none", o);
    }
}
