package dev.hostdev.launcher.cli;

import java.io.File;
import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the man pages (AsciiDoc, one per command) with picocli's generator, after adding the sections
 * picocli's model has no place for ({@link ManualSections}). Run by the build ({@code prepare-package}, with
 * picocli-codegen on the class path, which the shipped jar does not carry); not used by {@code hostdev}.
 */
public final class ManPages {
    private ManPages() {
    }

    /** {@code ManPages OUTDIR}: writes {@code OUTDIR/hostdev.adoc}, {@code OUTDIR/hostdev-list.adoc}, … */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ManPages OUTDIR");
        }
        write(new File(args[0]));
    }

    /** Writes every command's page into {@code dir}. */
    static void write(File dir) throws IOException {
        CommandSpec top = Cli.newCommandLine().getCommandSpec();
        top.usageMessage().footer(new String[0]); // the help's plain-text sections, replaced by AsciiDoc ones
        ManualSections.addToManPages(top);
        int status = ManPageGenerator.generateManPage(dir, null, new boolean[1], false, top);
        if (status != 0) {
            throw new IOException("picocli's man page generator failed with status " + status + " writing into " + dir);
        }
    }
}
