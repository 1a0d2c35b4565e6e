package dev.hostdev.launcher.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link LabStep} has at hand inside the lab guest: Hostdev commands (the guest's one
 * {@code hostdev batch}), shell commands for the kernel's own view, files handed to the guest through
 * the exchange share, and the lab's devices. Every command a step runs is recorded for the report.
 */
public final class StepContext {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HOSTDEV_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SHELL_TIMEOUT = Duration.ofMinutes(2);

    private final GuestShell guest;
    private final GuestHostdevSession hostdev;
    private final Path exchange;
    private final LabDevices devices;
    private final List<StepOutcome> ran = new ArrayList<>();

    /**
     * @param exchange the host directory the guest sees as {@link LabVm#GUEST_EXCHANGE_DIR}
     */
    public StepContext(GuestShell guest, GuestHostdevSession hostdev, Path exchange, LabDevices devices) {
        this.guest = guest;
        this.hostdev = hostdev;
        this.exchange = exchange;
        this.devices = devices;
    }

    /** The lab's devices as the guest kernel listed them before the walk. */
    public LabDevices dev() {
        return devices;
    }

    /** Runs {@code hostdev ARGS} in the guest. */
    public StepOutcome hostdev(String name, String... args) {
        StepOutcome o = hostdev.run(name, List.of(args), HOSTDEV_TIMEOUT);
        ran.add(o);
        return o;
    }

    /** Runs a shell command in the guest. */
    public StepOutcome sh(String name, String script) {
        long start = System.nanoTime();
        GuestResult r = guest.run(script, SHELL_TIMEOUT);
        StepOutcome o = new StepOutcome(name, r.exitStatus(), r.stdout(), r.stderr(), (System.nanoTime() - start) / 1_000_000);
        ran.add(o);
        return o;
    }

    /** The kernel's view (driver links, {@code /dev/vfio}) of the walk's devices. */
    public KernelView kernel(String name) {
        return KernelView.parse(sh(name, KernelView.script(devices.watched())).stdout());
    }

    /** A command's standard output as JSON. */
    public static JsonNode json(StepOutcome o) {
        try {
            return JSON.readTree(o.stdout());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + o.firstLine(), e);
        }
    }

    /**
     * Hands a file to the guest.
     *
     * @return its path inside the guest
     */
    public String writeFile(String name, String text) {
        try {
            Files.writeString(exchange.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return LabVm.GUEST_EXCHANGE_DIR + "/" + name;
    }

    /** The commands run since the last call, for the step's report. */
    List<StepOutcome> takeOutcomes() {
        List<StepOutcome> t = List.copyOf(ran);
        ran.clear();
        return t;
    }
}
