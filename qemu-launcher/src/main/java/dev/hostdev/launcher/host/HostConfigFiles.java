package dev.hostdev.launcher.host;

import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.launcher.spec.HostConfigLoader;
import java.nio.file.Path;

/**
 * Where the host configuration lives: the main file ({@value #DEFAULT} under the host root, or the file given
 * with {@code --config}), the drop-in directory beside it, and the one drop-in Hostdev writes,
 * {@value #PERSISTENT}: the user's own files are never rewritten.
 *
 * @param main     the main file
 * @param explicit whether it was named with {@code --config} (then it must exist)
 */
public record HostConfigFiles(Path main, boolean explicit) {
    /** The default main file, under the host root. */
    public static final String DEFAULT = "/etc/hostdev/host.toml";
    /** The drop-in that {@code detach --persistent} and {@code reattach --persistent} keep. */
    public static final String PERSISTENT = "persistent.toml";

    /** The default file under {@code root}, or {@code config} if given. */
    public static HostConfigFiles of(HostRoot root, Path config) {
        return config != null ? new HostConfigFiles(config.toAbsolutePath().normalize(), true)
                : new HostConfigFiles(root.resolve(DEFAULT), false);
    }

    /** The drop-in directory, {@code host.d} beside the main file. */
    public Path dropInDir() {
        return main.toAbsolutePath().normalize().getParent().resolve(HostConfigLoader.DROP_IN_DIR);
    }

    /** Hostdev's own drop-in. */
    public Path persistent() {
        return dropInDir().resolve(PERSISTENT);
    }
}
