package dev.hostdev.launcher.vm;

import java.time.Duration;

/**
 * How to know a started QEMU is ready (as Testcontainers' wait strategies): the strategy polls and
 * returns what it waited for, or throws with a message quoting it.
 *
 * @param <T> what readiness yields, e.g. an open QMP connection
 */
public interface ReadinessStrategy<T> {
    /** What is awaited, for messages, e.g. "QMP answering on /run/hostdev/vms/a/qmp.sock". */
    String describe();

    /**
     * Waits until ready or until {@code process} ends or {@code timeout} passes.
     *
     * @return what readiness yields
     */
    T await(QemuProcess process, Duration timeout);
}
