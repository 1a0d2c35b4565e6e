package dev.hostdev.launcher.lab;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the lab's Debian packages, only when asked ({@code hostdev lab --install}) and only as root:
 * runs {@code apt-get update} and {@code apt-get install -y} of every package of {@link LabNeeds}, showing
 * what it runs and its output. It waits up to five minutes for another apt-get or dpkg to finish.
 */
public final class LabInstaller {
    /** How long apt-get waits for another package manager's lock (seconds), rather than failing at once. */
    private static final String LOCK_WAIT = "DPkg::Lock::Timeout=300";

    private LabInstaller() {
    }

    /**
     * @throws HostdevException {@link ErrorCode#ENVIRONMENT} when not root, apt-get is missing, or it fails
     */
    public static void install(PrintWriter out) {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "--install needs root to run apt-get",
                    "run as root: sudo " + LabNeeds.installCommand());
        }
        if (LabEnvironment.onPath("apt-get").isEmpty()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "--install knows only apt-get, which this system lacks",
                    "install QEMU (x86-64 system emulator), a Linux kernel image with modules, and a static busybox "
                            + "with your package manager");
        }
        run(out, List.of("apt-get", "-o", LOCK_WAIT, "update", "-q"));
        List<String> install = new ArrayList<>(List.of("apt-get", "-o", LOCK_WAIT, "install", "-y", "-q", "--no-install-recommends"));
        install.addAll(LabNeeds.packages());
        run(out, install);
    }

    private static void run(PrintWriter out, List<String> command) {
        out.println("lab: running " + String.join(" ", command));
        out.flush();
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            p.getInputStream().transferTo(new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    out.write(b);
                }
            });
            out.flush();
            int status = p.waitFor();
            if (status != 0) {
                throw new HostdevException(ErrorCode.ENVIRONMENT, String.join(" ", command) + " failed with status " + status,
                        "fix the package manager's error above, then run: " + LabNeeds.installCommand());
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot run " + command.get(0) + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.ENVIRONMENT, "interrupted while installing the lab's packages", null, e);
        }
    }
}
