package dev.hostdev.launcher.vm;

import java.util.List;

/**
 * Turns the signals that ask a foreground VM to stop (SIGTERM from a service manager, SIGINT from Ctrl-C,
 * SIGHUP from a closed terminal) into a stop request, instead of the JVM's default of exiting at once,
 * which would leave QEMU running and the managed devices on vfio-pci. Uses the JDK's {@code sun.misc.Signal}
 * (module jdk.unsupported), the supported way for a Java program to handle a signal itself.
 */
public final class StopSignals {
    /** The signals handled. */
    public static final List<String> NAMES = List.of("TERM", "INT", "HUP");

    private StopSignals() {
    }

    /** From now on, each of {@link #NAMES} calls {@code onSignal} (on a thread of its own) with the signal's name. */
    public static void install(java.util.function.Consumer<String> onSignal) {
        for (String name : NAMES) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> onSignal.accept("SIG" + s.getName()));
        }
    }
}
