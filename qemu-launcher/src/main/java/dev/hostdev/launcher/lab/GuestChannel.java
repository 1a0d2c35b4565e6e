package dev.hostdev.launcher.lab;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The host's end of the lab guest's command channel: a directory shared with the guest over 9p (tag
 * {@value #TAG}, seen inside as {@link LabVm#GUEST_EXCHANGE_DIR}) where the guest's init (the
 * initramfs's {@code init.sh}) picks up {@code N.sh} and answers with {@code N.out}, {@code N.err} and,
 * last, {@code N.rc}. Works for any QEMU that boots the lab initramfs with the two 9p shares, whether
 * {@link LabVm} or {@code hostdev vm start} started it.
 */
public final class GuestChannel implements GuestShell {
    /** The 9p mount tag of the exchange share. */
    public static final String TAG = "exchange";
    /** The 9p mount tag of the host's / (read-only). */
    public static final String ROOT_TAG = "hostroot";

    private static final Duration GRACE = Duration.ofSeconds(20);

    private final Path exchange;
    private final Path serialLog;
    private final BooleanSupplier vmAlive;
    private int nextCommand = 1;

    /**
     * @param exchange  the host directory shared as {@value #TAG}
     * @param serialLog the guest's console log, quoted when something goes wrong
     * @param vmAlive   whether the VM's QEMU still runs
     */
    public GuestChannel(Path exchange, Path serialLog, BooleanSupplier vmAlive) {
        this.exchange = exchange;
        this.serialLog = serialLog;
        this.vmAlive = vmAlive;
    }

    /**
     * Prepares an empty exchange directory: the guest's idle limit (it powers off after that long without
     * a command) and PATH ({@link LabPreflight#GUEST_PATH}), and the host directories of this JVM's code
     * that the guest must see at their host paths even where its tmpfs mounts would hide them
     * ({@link HostCodePaths}).
     */
    public static void prepare(Path exchange, Duration idleLimit) throws IOException {
        Files.createDirectories(exchange);
        // The guest's PATH is the one LabPreflight checks the guest's programs on.
        Files.writeString(exchange.resolve("config"), "idle_limit=" + idleLimit.toSeconds() + "\n"
                + "guest_path=" + LabPreflight.GUEST_PATH + "\n");
        StringBuilder keep = new StringBuilder();
        // Sorted, so that a directory is bound before anything inside it.
        for (Path dir : HostCodePaths.ofThisJvm().stream().sorted().toList()) {
            if (!dir.toString().contains("\n")) {
                keep.append(dir).append('\n');
            }
        }
        Files.writeString(exchange.resolve("keep_paths"), keep.toString());
    }

    /**
     * Waits until the guest's init serves commands.
     *
     * @return how long it took from {@code startNanos}
     */
    public Duration awaitReady(Duration timeout, long startNanos) {
        long deadline = startNanos + timeout.toNanos();
        while (!Files.exists(exchange.resolve("ready"))) {
            if (!vmAlive.getAsBoolean()) {
                throw new HostdevException(ErrorCode.QEMU, "the lab VM's QEMU exited while booting; last console lines: "
                        + tail(serialLog, 5), "see the serial log " + serialLog);
            }
            if (System.nanoTime() > deadline) {
                throw new HostdevException(ErrorCode.TIMEOUT, "the lab VM did not come up within " + timeout.toSeconds()
                        + " s; last console lines: " + tail(serialLog, 5), "see the serial log " + serialLog);
            }
            sleep(50);
        }
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * Runs a shell script inside the guest as root; see {@link LabVm#run(String, Duration)}.
     */
    @Override
    public synchronized GuestResult run(String script, Duration timeout) {
        int n = nextCommand++;
        long start = System.nanoTime();
        try {
            Files.writeString(exchange.resolve(n + ".timeout"), Long.toString(Math.max(1, timeout.toSeconds())));
            Path tmp = exchange.resolve(n + ".sh.tmp");
            Files.writeString(tmp, script.endsWith("\n") ? script : script + "\n");
            Files.move(tmp, exchange.resolve(n + ".sh"), StandardCopyOption.ATOMIC_MOVE);
            Path rc = exchange.resolve(n + ".rc");
            long deadline = start + timeout.plus(GRACE).toNanos();
            while (!Files.exists(rc)) {
                if (!vmAlive.getAsBoolean()) {
                    throw new HostdevException(ErrorCode.QEMU, "the lab VM died running `" + firstLine(script)
                            + "`; last console lines: " + tail(serialLog, 8), "see the serial log " + serialLog);
                }
                if (System.nanoTime() > deadline) {
                    throw new HostdevException(ErrorCode.TIMEOUT, "the lab VM did not answer `" + firstLine(script)
                            + "` within " + timeout.plus(GRACE).toSeconds() + " s", "see the serial log " + serialLog);
                }
                sleep(20);
            }
            int status = Integer.parseInt(Files.readString(rc).strip());
            return new GuestResult(script, status, read(exchange.resolve(n + ".out")), read(exchange.resolve(n + ".err")),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks the guest to power off (it does within a tenth of a second when idle). */
    public void requestPoweroff() throws IOException {
        Files.writeString(exchange.resolve("poweroff"), "");
    }

    /** The exchange directory on the host. */
    public Path exchangeDir() {
        return exchange;
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
    }

    /** The last {@code lines} non-empty lines of a log, joined by " | ". */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                    .map(String::strip).filter(l -> !l.isEmpty()).toList();
            return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static String firstLine(String script) {
        String s = script.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " …";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.TIMEOUT, "interrupted while waiting for the lab VM", null, e);
        }
    }
}
