package dev.hostdev.launcher.cli;

import dev.hostdev.launcher.host.HostConfigFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}: the host configuration that apply reads and {@code --persistent} records into. */
public final class HostConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "The host configuration: default /etc/hostdev/host.toml under --root. Drop-ins are read from "
                    + "host.d/*.toml beside it; --persistent records into host.d/persistent.toml there.")
    Path config;

    /** The files, under the root unless --config names one. */
    HostConfigFiles files(CommonOptions common) {
        return HostConfigFiles.of(common.hostRoot(), config);
    }
}
