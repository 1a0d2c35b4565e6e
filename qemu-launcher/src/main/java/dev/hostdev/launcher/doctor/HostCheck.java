package dev.hostdev.launcher.doctor;

/** One host-wide check. Implementations only read; they never change the host. */
public interface HostCheck {
    /** Runs the check against the host the context describes. */
    CheckResult run(DoctorContext context);
}
