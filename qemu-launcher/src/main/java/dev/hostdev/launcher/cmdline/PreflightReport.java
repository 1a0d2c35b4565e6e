package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.HostdevException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the checks of a plan found: the problems that stop a start, and the optional USB hostdevs
 * that are missing and are left out (re-plan with {@link LaunchOptions#omitting(Set)}).
 *
 * @param problems checks that failed, in plan order
 * @param omitted  ids of optional USB hostdevs found missing
 * @param passed   checks that held
 */
public record PreflightReport(List<PreflightProblem> problems, Set<String> omitted, List<PreflightCheck> passed) {
    /** Copies the collections. */
    public PreflightReport {
        problems = List.copyOf(problems);
        omitted = Set.copyOf(omitted);
        passed = List.copyOf(passed);
    }

    /** The problem a check found, if it failed. */
    public java.util.Optional<PreflightProblem> problemOf(PreflightCheck check) {
        return problems.stream().filter(p -> p.check().equals(check)).findFirst();
    }

    /** Whether the check is of an optional USB hostdev found missing and left out. */
    public boolean omits(PreflightCheck check) {
        return check instanceof PreflightCheck.UsbDevice u && omitted.contains(u.hostdevId());
    }

    /** Whether nothing stops the start. */
    public boolean ok() {
        return problems.isEmpty();
    }

    /**
     * Throws the first problem's error (its code and hint), its message listing the others, if any.
     *
     * @throws HostdevException if there is a problem
     */
    public void throwIfFailed() {
        if (problems.isEmpty()) {
            return;
        }
        HostdevException first = problems.get(0).error();
        if (problems.size() == 1) {
            throw first;
        }
        String others = problems.subList(1, problems.size()).stream().map(p -> p.error().getMessage())
                .collect(Collectors.joining("; "));
        throw new HostdevException(first.code(), first.getMessage() + " (and " + (problems.size() - 1) + " more: " + others + ")",
                first.hint(), first);
    }
}
