package dev.hostdev.launcher.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version recorded in the jar's manifest. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = HostdevCommand.class.getPackage().getImplementationVersion();
        return new String[] {"hostdev " + (v == null ? "development build" : v)};
    }
}
