/**
 * The steps of the lab's walk through the procedure, one class each, in the order
 * {@link dev.hostdev.launcher.lab.steps.LabSteps#ALL} lists them, for {@link dev.hostdev.launcher.lab.LabWalk} to run.
 */
package dev.hostdev.launcher.lab.steps;
