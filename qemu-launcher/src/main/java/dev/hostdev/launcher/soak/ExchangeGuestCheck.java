package dev.hostdev.launcher.soak;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A guest check over a directory shared with the guest over 9p: the lab guest's command exchange, which any guest
 * can run with a few lines of shell (docs/guide.md, "A hotplug rig"). For each check this writes {@code N.timeout}
 * and {@code N.sh} (the command, after {@code HOSTDEV_SOAK_CYCLE} and {@code HOSTDEV_SOAK_IDS} are exported) and
 * waits for the guest's {@code N.rc}, written after {@code N.out} and {@code N.err}. N continues after the highest
 * number in the directory, as the guest's loop takes commands in order. What the guest writes is read as
 * untrusted: at most 4 KiB of each file, the exit status only if it is a number.
 */
public final class ExchangeGuestCheck implements GuestCheck {
    private static final Pattern SCRIPT = Pattern.compile("(\\d{1,9})\\.sh");
    private static final Duration POLL = Duration.ofMillis(2);
    private static final int MAX_READ = 4096;

    private final Path exchange;
    private final String command;
    private final Duration timeout;
    private int next;

    /**
     * @param exchange the host directory shared with the guest
     * @param command  a shell command run in the guest; it passes when it exits 0
     * @param timeout  how long the guest may take to answer
     * @throws HostdevException USAGE when {@code exchange} is not a directory
     */
    public ExchangeGuestCheck(Path exchange, String command, Duration timeout) {
        if (!Files.isDirectory(exchange, LinkOption.NOFOLLOW_LINKS)) {
            throw HostdevException.usage("--guest-exchange " + exchange + " is not a directory",
                    "give the host directory the guest mounts over 9p and serves checks from (docs/guide.md, 'A hotplug rig')");
        }
        if (command.isBlank() || command.indexOf('\0') >= 0) {
            throw HostdevException.usage("--guest-check needs a shell command", null);
        }
        this.exchange = exchange;
        this.command = command;
        this.timeout = timeout;
        this.next = highestNumber(exchange) + 1;
    }

    @Override
    public String command() {
        return command;
    }

    @Override
    public Outcome run(int cycle, List<String> ids) {
        int n = next++;
        try {
            Files.writeString(exchange.resolve(n + ".timeout"), Long.toString(Math.max(1, timeout.toSeconds())));
            Path tmp = exchange.resolve(n + ".sh.tmp");
            Files.writeString(tmp, "HOSTDEV_SOAK_CYCLE=" + cycle + "; HOSTDEV_SOAK_IDS='" + String.join(" ", ids) + "'\n"
                    + "export HOSTDEV_SOAK_CYCLE HOSTDEV_SOAK_IDS\n" + command + "\n");
            Files.move(tmp, exchange.resolve(n + ".sh"), StandardCopyOption.ATOMIC_MOVE);
            Path rc = exchange.resolve(n + ".rc");
            // the guest kills the command at the timeout; a little more for it to say so
            long deadline = System.nanoTime() + timeout.plusSeconds(5).toNanos();
            while (!Files.exists(rc, LinkOption.NOFOLLOW_LINKS)) {
                if (System.nanoTime() > deadline) {
                    throw SoakRunner.noAnswer(command, timeout);
                }
                Thread.sleep(POLL.toMillis());
            }
            String status = read(rc).strip();
            if (!status.matches("\\d{1,3}")) {
                return new Outcome(false, "gave no exit status (" + exchange.resolve(n + ".rc") + " holds '" + status + "')");
            }
            if (status.equals("0")) {
                return new Outcome(true, "exited 0");
            }
            String err = read(exchange.resolve(n + ".err")).strip();
            String out = read(exchange.resolve(n + ".out")).strip();
            String said = !err.isEmpty() ? err : out;
            return new Outcome(false, "exited " + status + (status.equals("137") ? " (killed at its " + timeout.toSeconds() + " s timeout)" : "")
                    + (said.isEmpty() ? "" : ": " + lastLine(said)));
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot exchange the guest check through " + exchange + ": " + e.getMessage(),
                    "check that the directory is writable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.TIMEOUT, "interrupted while waiting for the guest check", null, e);
        }
    }

    /** The highest N of an {@code N.sh} in {@code dir}, or 0. */
    static int highestNumber(Path dir) {
        int max = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                Matcher m = SCRIPT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    max = Math.max(max, Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot list " + dir + ": " + e.getMessage(), null, e);
        }
        return max;
    }

    private static String read(Path p) throws IOException {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return "";
        }
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            return new String(in.readNBytes(MAX_READ), StandardCharsets.UTF_8);
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.split("\n");
        String last = lines[lines.length - 1].strip();
        return last.length() > 300 ? last.substring(0, 300) + "…" : last;
    }
}
