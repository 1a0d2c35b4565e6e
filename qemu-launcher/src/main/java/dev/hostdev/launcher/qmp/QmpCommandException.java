package dev.hostdev.launcher.qmp;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;

/**
 * QEMU answered a command with an error: its class and description are kept verbatim.
 */
public final class QmpCommandException extends HostdevException {
    private final String command;
    private final String errorClass;
    private final String description;

    /**
     * @param command     the command QEMU refused, e.g. {@code device_add}
     * @param errorClass  QEMU's error class, e.g. {@code GenericError}
     * @param description QEMU's {@code desc}, verbatim
     */
    public QmpCommandException(String command, String errorClass, String description) {
        super(ErrorCode.QEMU, "QEMU refused " + command + ": " + description + " (" + errorClass + ")", null);
        this.command = command;
        this.errorClass = errorClass;
        this.description = description;
    }

    /** The command QEMU refused. */
    public String command() {
        return command;
    }

    /** QEMU's error class, e.g. {@code GenericError} or {@code DeviceNotFound}. */
    public String errorClass() {
        return errorClass;
    }

    /** QEMU's error description, verbatim. */
    public String description() {
        return description;
    }
}
