package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.qmp.QemuStatus;
import dev.hostdev.launcher.qmp.QmpOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A VM Hostdev knows of, as the library hands it to commands: its runtime directory (and so its lock and
 * record), how its managed host devices are detached and given back, and its typed monitor. Attach, unplug,
 * stop and status all start from one of these; none of them opens a socket or a record by itself.
 */
public final class RunningVm {
    /** How long a command waits for another one holding the VM's lock. */
    public static final Duration LOCK_WAIT = Duration.ofSeconds(30);

    private final VmRuntimeDir dir;
    private final ManagedDevices managed;
    private final PrintWriter verbose;

    /**
     * @param dir     the VM's runtime directory
     * @param managed how its managed devices are detached and given back ({@code null} when none will be touched)
     * @param verbose where {@code -v} shows QMP messages, or {@code null}
     */
    public RunningVm(VmRuntimeDir dir, ManagedDevices managed, PrintWriter verbose) {
        this.dir = Objects.requireNonNull(dir);
        this.managed = managed;
        this.verbose = verbose;
    }

    /** The VM's name. */
    public String name() {
        return dir.name();
    }

    /** Its runtime directory. */
    public VmRuntimeDir dir() {
        return dir;
    }

    /** How its managed host devices are detached and given back. */
    public ManagedDevices managed() {
        return managed;
    }

    /** Where {@code -v} output goes, or {@code null}. */
    public PrintWriter verbose() {
        return verbose;
    }

    /**
     * Its record.
     *
     * @throws HostdevException NOT_FOUND when Hostdev knows no such VM
     */
    public VmRecord record() {
        return dir.require();
    }

    /** Takes its lock for {@code operation}, waiting up to {@link #LOCK_WAIT}. */
    public VmRuntimeDir.Lock lock(String operation) {
        return dir.lock(operation, LOCK_WAIT);
    }

    /** Throws unless {@code state} is running or paused, as a conversation with QEMU for {@code operation} needs. */
    public static void requireLive(VmRecord r, VmState state, String operation) {
        VmStateException.require(r.name(), state, operation, VmState.RUNNING, VmState.PAUSED);
    }

    /**
     * Connects to the monitor of a VM recorded as running or paused, for {@code operation}. Whether QEMU
     * still runs is not asked of the kernel first ({@code /proc}, on every hotplug): a monitor that does not
     * answer is what reveals an ended QEMU, and then the VM's state (crashed, stopped) is the error, with the
     * socket's error kept as suppressed.
     *
     * @throws VmStateException when the record, or QEMU's end, says the VM is not running or paused
     */
    public QemuMonitor monitor(VmRecord r, String operation, Duration commandTimeout) {
        requireLive(r, r.state(), operation);
        try {
            return monitor(commandTimeout);
        } catch (HostdevException e) {
            try {
                requireLive(r, r.effectiveState(), operation);
            } catch (VmStateException ended) {
                ended.addSuppressed(e);
                throw ended;
            }
            throw e;
        }
    }

    /**
     * Connects to its monitor whatever its record says (stop and status judge the state themselves).
     *
     * @throws HostdevException STATE when QEMU has no socket (the VM is not running); QMP, TIMEOUT or
     *                          ENVIRONMENT (QEMU too old) from {@link QemuMonitor#connect}
     */
    public QemuMonitor monitor(Duration commandTimeout) {
        if (!Files.exists(dir.qmpSocket())) {
            throw new HostdevException(ErrorCode.STATE, "VM " + dir.name() + " has no QMP socket " + dir.qmpSocket(),
                    "is it running? 'hostdev vm status " + dir.name() + "'");
        }
        return QemuMonitor.connect(dir.qmpSocket(), QmpOptions.defaults().withCommandTimeout(commandTimeout)
                .withTranscript(new QmpTranscriptFile(dir.qmpLog(), verbose)));
    }

    /**
     * Its state as it really is, for {@code vm status} and {@code vm list} alike: the record, whether QEMU
     * and the supervisor still run, and, while QEMU runs, what its monitor says (paused, devices gone).
     *
     * @param qmpTimeout how long the monitor may take to answer; {@code null} to not ask it
     */
    public VmStatus status(Duration qmpTimeout) {
        return status(record(), qmpTimeout);
    }

    /** {@link #status(Duration)} of a record already read. */
    public VmStatus status(VmRecord r, Duration qmpTimeout) {
        VmState state = r.effectiveState();
        String qmpNote = null;
        List<String> vanished = List.of();
        if (qmpTimeout != null && (state == VmState.RUNNING || state == VmState.PAUSED)) {
            try (QemuMonitor m = monitor(qmpTimeout)) {
                QemuStatus status = m.queryStatus();
                if (!status.running()) {
                    state = VmState.PAUSED;
                    qmpNote = "QEMU status: " + status.status();
                } else {
                    state = VmState.RUNNING;
                }
                Set<String> present = m.peripheralIds();
                vanished = r.devices().stream().map(VmDevice::id).filter(id -> !present.contains(id)).toList();
            } catch (HostdevException e) {
                qmpNote = "QMP did not answer (" + e.getMessage() + "); another client may hold it";
            }
        }
        Boolean supervisorAlive = state.hasProcess() && r.supervisor() != null ? r.supervisor().isAlive() : null;
        List<String> warnings = new ArrayList<>();
        if (r.endedByHostReboot()) {
            warnings.add("ended by a host reboot: recorded " + r.state().jsonName() + " during boot " + r.qemu().bootId()
                    + ", this is boot " + ProcessIdentity.currentBoot() + "; nothing of it runs now and its devices were reset by "
                    + "the reboot. 'hostdev vm start' starts it again; 'hostdev vm rm " + r.name() + "' forgets it");
        }
        if (Boolean.FALSE.equals(supervisorAlive)) {
            warnings.add("its supervisor (pid " + r.supervisor().pid() + ") is gone: nothing will give "
                    + (r.managed().isEmpty() ? "its devices" : String.join(", ", r.managed())) + " back or record how QEMU ended"
                    + " when it ends; 'hostdev vm stop " + r.name() + "' stops it and gives them back");
        }
        if (!vanished.isEmpty()) {
            warnings.add("gone from QEMU though recorded: " + String.join(", ", vanished)
                    + " (a guest can take a hotplug made while it boots as an unplug); 'hostdev unplug " + r.name() + " ID' tidies the record");
        }
        return new VmStatus(r, state, qmpNote, vanished, supervisorAlive, warnings);
    }
}
