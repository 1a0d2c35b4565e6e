package dev.hostdev.engine.bind;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the system's {@code modprobe NAME}: the program is looked up in fixed system directories (never
 * {@code PATH}, which a caller controls), must be owned by root (or by the user Hostdev runs as) and writable
 * by no one else, and is spawned with an argument list, never a shell, with a small fixed environment.
 */
public final class Modprobe implements ModuleLoader {
    /** Where modprobe lives on the distributions Hostdev knows, in the order they are tried. */
    static final List<Path> SYSTEM_PATHS = List.of(Path.of("/usr/sbin/modprobe"), Path.of("/sbin/modprobe"),
            Path.of("/usr/bin/modprobe"), Path.of("/bin/modprobe"));
    /** What a module name may be: no option, no path, nothing a shell or modprobe would read as more. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final long TIMEOUT_SECONDS = 60;
    private static final int MAX_OUTPUT = 4096;

    private final Path program;

    /** A modprobe at {@code program}, checked as {@link #find()} checks the system's. */
    public Modprobe(Path program) {
        this.program = checked(program);
    }

    /**
     * The system's modprobe.
     *
     * @throws HostdevException (environment) when none of the system paths holds a trustworthy one
     */
    public static Modprobe find() {
        for (Path p : SYSTEM_PATHS) {
            if (Files.isRegularFile(p)) {
                return new Modprobe(p);
            }
        }
        throw new HostdevException(ErrorCode.ENVIRONMENT, "modprobe is not installed (looked in " + SYSTEM_PATHS + ")",
                "install kmod (Debian: apt install kmod), or load the module another way and run Hostdev again");
    }

    /** The program that is run. */
    public Path program() {
        return program;
    }

    @Override
    public void load(String module) {
        if (!NAME.matcher(module).matches()) {
            throw HostdevException.usage("not a module name: '" + module + "'", "module names are letters, digits, '_' and '-'");
        }
        ProcessBuilder pb = new ProcessBuilder(List.of(program.toString(), module)).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("LC_ALL", "C");
        String output;
        int status;
        try {
            Process p = pb.start();
            try (InputStream in = p.getInputStream()) {
                byte[] head = in.readNBytes(MAX_OUTPUT);
                in.transferTo(java.io.OutputStream.nullOutputStream());
                output = new String(head, StandardCharsets.UTF_8).strip();
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new HostdevException(ErrorCode.TIMEOUT, program + " " + module + " did not finish in "
                        + TIMEOUT_SECONDS + " s", "look at the kernel log (dmesg) for the module's init");
            }
            status = p.exitValue();
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot run " + program + ": " + e.getMessage(),
                    "load the module by hand: modprobe " + module, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.ENVIRONMENT, "interrupted while loading module " + module, null, e);
        }
        if (status != 0) {
            String said = output.isEmpty() ? "" : ": " + output.lines().findFirst().orElse("").replaceAll("[\\p{Cntrl}]", "?");
            throw new HostdevException(ErrorCode.ENVIRONMENT, "modprobe " + module + " failed (exit status " + status + ")"
                    + said, "check that the module exists for this kernel (modinfo " + module + ") and look at dmesg");
        }
    }

    /** Refuses a program someone other than root (or this user) could have replaced. */
    private static Path checked(Path program) {
        try {
            Path real = program.toRealPath();
            PosixFileAttributes a = Files.readAttributes(real, PosixFileAttributes.class);
            long uid = (Integer) Files.getAttribute(real, "unix:uid");
            long me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> perms = a.permissions();
            Path dir = real.getParent();
            Set<PosixFilePermission> dirPerms = Files.getPosixFilePermissions(dir);
            if (!a.isRegularFile() || (uid != 0 && uid != me) || perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE) || !perms.contains(PosixFilePermission.OWNER_EXECUTE)
                    || dirPerms.contains(PosixFilePermission.OTHERS_WRITE) || dirPerms.contains(PosixFilePermission.GROUP_WRITE)) {
                throw new HostdevException(ErrorCode.ENVIRONMENT, program + " (" + real + ") is not a program Hostdev "
                        + "trusts to run as root: it must be a regular executable file owned by root, writable by no one "
                        + "else, in a directory only root can write", "reinstall kmod, or load the module by hand");
            }
            return real;
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot check " + program + ": " + e.getMessage(),
                    "load the module by hand", e);
        }
    }
}
