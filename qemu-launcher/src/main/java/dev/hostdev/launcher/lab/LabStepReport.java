package dev.hostdev.launcher.lab;

import java.util.List;

/**
 * One step of the walk-through as reported: its number, title, verdict and the commands it ran.
 *
 * @param number   1-based position
 * @param title    what the step does, e.g. {@code detach 0000:01:00.0}
 * @param verdict  how it ended and what it proved
 * @param outcomes what each of its commands did inside the lab
 */
public record LabStepReport(int number, String title, StepVerdict verdict, List<StepOutcome> outcomes) {
    /** Copies the list. */
    public LabStepReport {
        outcomes = List.copyOf(outcomes);
    }
}
