package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.sysfs.HostRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A VM's runtime directory ({@code $HOSTDEV_RUN_DIR/NAME}, default {@code /run/hostdev/vms/NAME},
 * created 0700 by the starter) and the files QEMU keeps there.
 *
 * @param dir the VM's directory
 */
public record VmRuntimePaths(Path dir) {
    /** The environment variable naming the directory that holds every VM's runtime directory. */
    public static final String RUN_DIR_ENV = "HOSTDEV_RUN_DIR";
    /** The default, under the host root. */
    public static final String DEFAULT_VMS_DIR = "/run/hostdev/vms";
    /** sockaddr_un holds 108 bytes including the final NUL. */
    static final int MAX_SOCKET_PATH = 107;

    /** Requires an absolute path short enough for the QMP socket's address. */
    public VmRuntimePaths {
        if (!Objects.requireNonNull(dir).isAbsolute()) {
            throw new IllegalArgumentException("runtime dir must be absolute: " + dir);
        }
        // the longest socket name decides
        int length = dir.resolve("supervisor.sock").toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_SOCKET_PATH) {
            throw HostdevException.usage("the QMP socket path " + dir.resolve("supervisor.sock") + " is " + length
                    + " bytes; a UNIX socket's path holds at most " + MAX_SOCKET_PATH,
                    "set " + RUN_DIR_ENV + " to a shorter directory or shorten the VM's name");
        }
    }

    /** The runtime directory of VM {@code name} under {@code vmsDir}. */
    public static VmRuntimePaths of(Path vmsDir, String name) {
        return new VmRuntimePaths(vmsDir.toAbsolutePath().normalize().resolve(name));
    }

    /** The directory of all VMs: {@code $HOSTDEV_RUN_DIR} if set, else {@code /run/hostdev/vms} under the host root. */
    public static Path vmsDir(HostRoot root) {
        String env = System.getenv(RUN_DIR_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        return root.resolve(DEFAULT_VMS_DIR);
    }

    /** QEMU's QMP socket. */
    public Path qmpSocket() {
        return dir.resolve("qmp.sock");
    }

    /** The supervisor's own QMP socket, on which it hears QEMU's {@code SHUTDOWN} event. */
    public Path supervisorSocket() {
        return dir.resolve("supervisor.sock");
    }

    /** The file QEMU writes its pid to ({@code -pidfile}). */
    public Path pidFile() {
        return dir.resolve("qemu.pid");
    }
}
