package dev.hostdev.launcher.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One {@code hostdev batch - --json --keep-going} running inside the lab guest for a whole walk: a JVM
 * start costs seconds under TCG, so every Hostdev command of the walk goes through this one process.
 * The guest protocol: the batch reads its commands from a FIFO in the guest's {@code /tmp} (a holder
 * process keeps it open between commands) and writes one JSON line per command as it ends
 * ({@code {"line","command","exit","stdout","stderr"}}, docs/json.md); {@link #run} writes a command
 * line into the FIFO and waits, in the guest, for the batch's next line. Shell steps run beside it
 * through the {@link GuestShell}.
 */
public final class GuestHostdevSession implements AutoCloseable {
    /** The session's directory in the guest (on its tmpfs). */
    static final String DIR = "/tmp/hostdev-batch";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final GuestShell guest;
    private int lines;
    private boolean closed;

    private GuestHostdevSession(GuestShell guest) {
        this.guest = guest;
    }

    /**
     * Starts the batch in the guest.
     *
     * @param hostdev how to run hostdev there (the host's java and jar, seen through the guest's 9p root)
     * @throws HostdevException {@link ErrorCode#ENVIRONMENT} when the guest cannot start it
     */
    public static GuestHostdevSession start(GuestShell guest, HostdevLauncher hostdev) {
        GuestResult r = guest.run(startScript(hostdev), START_TIMEOUT);
        if (!r.ok()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "the lab guest could not start hostdev batch: " + r.describe(),
                    "run 'hostdev lab -v --keep' and read the kept exchange directory");
        }
        return new GuestHostdevSession(guest);
    }

    /** The guest script that starts the batch and the FIFO's holder, in the background, their output apart. */
    static String startScript(HostdevLauncher hostdev) {
        return "d=" + DIR + "; rm -rf $d && mkdir -p $d && mkfifo $d/in && : > $d/out || exit 1\n"
                + "sleep 86400 > $d/in < /dev/null 2> /dev/null &\n"
                + "echo $! > $d/holder\n"
                + hostdev.shellCommand(List.of("batch", "-", "--json", "--keep-going"))
                + " < $d/in > $d/out 2> $d/err &\n"
                + "echo $! > $d/pid\n";
    }

    /**
     * Runs {@code hostdev ARGS} in the batch and waits for its result.
     *
     * @param timeout how long the command may take
     * @return its exit status and both outputs (a Hostdev exit status, as the CLI's)
     * @throws HostdevException {@link ErrorCode#INTERNAL} when the batch ended or printed no result line
     */
    public StepOutcome run(String name, List<String> args, Duration timeout) {
        if (closed) {
            throw new IllegalStateException("the guest's hostdev batch is closed");
        }
        int line = ++lines;
        long start = System.nanoTime();
        GuestResult r = guest.run(commandScript(line, args), timeout);
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (!r.ok()) {
            throw new HostdevException(ErrorCode.INTERNAL, "the guest's hostdev batch gave no result for `"
                    + String.join(" ", args) + "`: " + r.describe(), "the batch's stderr is " + DIR + "/err in the guest");
        }
        try {
            JsonNode o = JSON.readTree(r.stdout());
            if (o.path("line").asInt() != line) {
                throw new HostdevException(ErrorCode.INTERNAL, "the guest's hostdev batch answered line " + o.path("line")
                        + " where " + line + " was expected: " + r.stdout().strip(), null);
            }
            return new StepOutcome(name, o.path("exit").asInt(), o.path("stdout").asText(), o.path("stderr").asText(), millis);
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.INTERNAL, "the guest's hostdev batch printed no JSON line: " + r.stdout().strip(),
                    null, e);
        }
    }

    /** The guest script that sends line {@code n} and prints the batch's answer to it. */
    static String commandScript(int n, List<String> args) {
        String line = args.stream().map(HostdevLauncher::quote).collect(Collectors.joining(" "));
        return "d=" + DIR + "\n"
                + "printf '%s\\n' " + HostdevLauncher.quote(line) + " > $d/in\n"
                + "while [ $(wc -l < $d/out) -lt " + n + " ]; do\n"
                + "  kill -0 $(cat $d/pid) 2> /dev/null || { echo 'hostdev batch ended:' >&2; cat $d/err >&2; exit 3; }\n"
                + "  sleep 0.05\n"
                + "done\n"
                + "sed -n '" + n + "p' $d/out\n";
    }

    /** Ends the batch: the FIFO's holder goes, the batch reads the end of its input and exits. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            guest.run(closeScript(), Duration.ofSeconds(30));
        }
    }

    /** The guest script that ends the session. */
    static String closeScript() {
        return "d=" + DIR + "; kill $(cat $d/holder) 2> /dev/null\n"
                + "for i in $(seq 100); do kill -0 $(cat $d/pid) 2> /dev/null || exit 0; sleep 0.1; done; kill $(cat $d/pid)\n";
    }
}
