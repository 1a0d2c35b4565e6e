package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** An operation asked of a VM in a state that does not allow it, e.g. attach to a stopped VM. */
public final class VmStateException extends HostdevException {
    private final String vm;
    private final VmState state;
    private final String operation;

    private VmStateException(String vm, VmState state, String operation, String needs, String hint) {
        super(ErrorCode.STATE, "VM " + vm + " is " + state.jsonName() + ": '" + operation + "' needs it " + needs, hint);
        this.vm = vm;
        this.state = state;
        this.operation = operation;
    }

    /**
     * Throws unless {@code state} is one of {@code allowed}.
     *
     * @param operation what was asked, e.g. {@code attach}
     */
    public static void require(String vm, VmState state, String operation, VmState... allowed) {
        Set<VmState> ok = Set.of(allowed);
        if (ok.contains(state)) {
            return;
        }
        String needs = Arrays.stream(allowed).map(VmState::jsonName).collect(Collectors.joining(" or "));
        String hint = switch (state) {
            case STOPPED, CRASHED -> "start it first: hostdev vm start SPEC";
            case STARTING -> "wait for 'hostdev vm start' to finish";
            case STOPPING -> "wait for 'hostdev vm stop' to finish";
            case RUNNING, PAUSED -> "stop it first: hostdev vm stop " + vm;
        };
        throw new VmStateException(vm, state, operation, needs, hint);
    }

    /** The VM. */
    public String vm() {
        return vm;
    }

    /** The state it was in. */
    public VmState state() {
        return state;
    }

    /** The operation refused. */
    public String operation() {
        return operation.toLowerCase(Locale.ROOT);
    }
}
