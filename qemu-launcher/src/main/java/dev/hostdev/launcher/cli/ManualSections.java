package dev.hostdev.launcher.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The sections every page of the manual ends with: ENVIRONMENT, FILES, EXIT STATUS and SEE ALSO. The top
 * command's {@code --help} shows them as plain text; {@link ManPages} writes them into every man page as
 * AsciiDoc. The exit statuses come from {@link ExitStatusTable}, unless a command lists its own.
 */
final class ManualSections {
    private static final String[][] ENVIRONMENT = {
        {GlobalOptions.ROOT_ENV, "The host root (as --root): /sys, /proc, /dev, /run are under it. Default: /."},
        {GlobalOptions.RUN_DIR_ENV, "Where VMs' runtime directories are (as --run-dir). Default: /run/hostdev/vms."},
    };
    private static final String[][] FILES = {
        {"/sys/bus/pci/devices, /sys/bus/usb/devices", "The devices Hostdev lists, detaches and reattaches (under --root)."},
        {"/run/hostdev/journal", "What a detach or reattach under way has changed ('hostdev recover')."},
        {"/run/hostdev/devices/ADDR.json", "A device Hostdev detached, with the driver it had before."},
        {"/run/hostdev/vms/NAME/", "A VM's state.json, qmp.sock, qemu.pid and logs (under --run-dir)."},
        {"/etc/hostdev/host.toml, /etc/hostdev/host.d/*.toml", "The host configuration 'hostdev apply' makes the host match; "
                + "host.d/persistent.toml is the one Hostdev writes (detach/reattach --persistent)."},
        {"/usr/share/misc/pci.ids, usb.ids", "Device names (also in /usr/share/hwdata, /usr/share)."},
    };
    private static final String SEE_ALSO = "lspci(8), lsusb(8), virsh(1), qemu-system-x86_64(1); docs/guide.md, docs/json.md";

    private ManualSections() {
    }

    /** Gives the top command's help the exit statuses (from {@link ExitStatusTable}) and the closing sections. */
    static void addToHelp(CommandSpec top) {
        top.usageMessage().exitCodeListHeading("%nExit status:%n").exitCodeList(ExitStatusTable.entries());
        List<String> footer = new ArrayList<>();
        for (String[] e : ENVIRONMENT) {
            footer.add("  " + e[0]);
            footer.add("      " + e[1]);
        }
        footer.add("");
        footer.add("Files:");
        for (String[] f : FILES) {
            footer.add("  " + f[0]);
            footer.add("      " + f[1]);
        }
        footer.add("");
        footer.add("See also: " + SEE_ALSO + "; 'hostdev COMMAND --help'.");
        top.usageMessage().footerHeading("%nEnvironment:%n").footer(footer.toArray(String[]::new));
    }

    /**
     * Gives a command and all its subcommands the closing sections as AsciiDoc, for picocli's man page
     * generator (which prints the footer after EXIT STATUS): a command without exit statuses of its own gets
     * {@link ExitStatusTable}'s; a command with its own footer keeps it.
     */
    static void addToManPages(CommandSpec spec) {
        if (spec.usageMessage().exitCodeList().isEmpty()) {
            spec.usageMessage().exitCodeList(ExitStatusTable.entries());
        }
        spec.usageMessage().exitCodeListHeading("Exit status"); // a section title, not the help's "%nExit status:%n"
        if (spec.usageMessage().footer().length == 0) {
            List<String> footer = new ArrayList<>();
            for (String[] e : ENVIRONMENT) {
                footer.add("*" + e[0] + "*:: " + e[1]);
            }
            footer.add("");
            footer.add("== Files");
            footer.add("");
            for (String[] f : FILES) {
                footer.add("_" + f[0] + "_:: " + f[1]);
            }
            footer.add("");
            footer.add("== See also");
            footer.add("");
            footer.add(seeAlso(spec));
            spec.usageMessage().footerHeading("Environment").footer(footer.toArray(String[]::new));
        }
        spec.subcommands().values().forEach(sub -> addToManPages(sub.getCommandSpec()));
    }

    private static String seeAlso(CommandSpec spec) {
        List<String> pages = new ArrayList<>();
        if (spec.parent() != null) {
            pages.add("*" + spec.parent().qualifiedName("-") + "*(1)");
        }
        spec.subcommands().values().stream().map(c -> c.getCommandSpec()).filter(c -> !c.usageMessage().hidden())
                .map(c -> "*" + c.qualifiedName("-") + "*(1)").distinct().forEach(pages::add);
        pages.add(SEE_ALSO);
        return String.join(", ", pages);
    }
}
