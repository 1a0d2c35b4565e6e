package dev.hostdev.launcher.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;

/**
 * A QEMU version, as its QMP greeting gives it.
 *
 * @param major e.g. 7
 * @param minor e.g. 2
 * @param micro e.g. 22
 */
public record QemuVersion(int major, int minor, int micro) implements Comparable<QemuVersion> {
    /**
     * The version in a greeting {@code {"QMP":{"version":{"qemu":{"major":7,"minor":2,"micro":22}}}}}.
     *
     * @throws HostdevException QMP when the greeting carries no version
     */
    public static QemuVersion ofGreeting(JsonNode greeting) {
        JsonNode q = greeting == null ? null : greeting.path("QMP").path("version").path("qemu");
        if (q == null || !q.path("major").isInt() || !q.path("minor").isInt()) {
            throw new HostdevException(ErrorCode.QMP, "the QMP greeting carries no QEMU version: " + greeting,
                    "is this socket a QEMU monitor?");
        }
        return new QemuVersion(q.path("major").asInt(), q.path("minor").asInt(), q.path("micro").asInt(0));
    }

    /**
     * Throws unless this version is at least {@code minimum}.
     *
     * @throws HostdevException ENVIRONMENT naming both versions
     */
    public void requireAtLeast(QemuVersion minimum) {
        if (compareTo(minimum) < 0) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "QEMU " + this + " is older than " + minimum
                    + ", the oldest Hostdev drives (it starts QEMU with -action and sends set-action, both new in 6.0)",
                    "install QEMU " + minimum.major() + "." + minimum.minor() + " or newer (Debian 12 has 7.2)");
        }
    }

    @Override
    public int compareTo(QemuVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(micro, o.micro);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + micro;
    }
}
