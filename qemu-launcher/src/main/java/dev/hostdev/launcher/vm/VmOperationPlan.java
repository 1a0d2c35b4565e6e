package dev.hostdev.launcher.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a VM operation (vm start, vm stop, attach, unplug) will do, made by the library with every check the
 * real run makes: the dry run prints it, the real run carries out the same plan. A refusal is thrown while
 * the plan is made, so a dry run and a real run refuse alike.
 *
 * @param heading e.g. {@code attach to VM demo}
 * @param steps   in the order the real run takes them
 */
public record VmOperationPlan(String heading, List<PlanStep> steps) {
    /** Copies the list. */
    public VmOperationPlan {
        Objects.requireNonNull(heading);
        steps = List.copyOf(steps);
    }

    /** The plan as the dry run prints it: a heading, then numbered steps. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("# " + heading + " --dry-run: nothing is changed");
        int n = 1;
        for (PlanStep s : steps) {
            List<String> ls = s.lines();
            out.add(n++ + ". " + ls.get(0));
            ls.subList(1, ls.size()).forEach(l -> out.add("   " + l));
        }
        return out;
    }

    /** The steps of one kind, in order. */
    public <T extends PlanStep> List<T> stepsOf(Class<T> kind) {
        return steps.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
