package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PLACEHOLDER until its owner writes it: List IOMMU groups, their members and whether each is viable. */
@Command(name = "groups", mixinStandardHelpOptions = true, description = "List IOMMU groups, their members and whether each is viable.")
public final class GroupsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new HostdevException(ErrorCode.INTERNAL, "'groups' is not written yet", null);
    }
}
