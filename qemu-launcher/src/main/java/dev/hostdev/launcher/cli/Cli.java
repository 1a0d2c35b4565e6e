package dev.hostdev.launcher.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** Builds the {@code hostdev} command line with its error handling; tests use it too. */
public final class Cli {
    private Cli() {
    }

    /** A fresh command line for {@link HostdevCommand}, every command in it, with Hostdev's error reporting and exit codes. */
    public static CommandLine newCommandLine() {
        return configure(new CommandLine(new HostdevCommand()));
    }

    /**
     * The command line for running {@code args} once, as {@code main} does: only the command invoked is in the model
     * ({@code hostdev attach …} gets {@code hostdev} with {@code attach} alone, {@code hostdev vm start …} gets
     * {@code hostdev vm start}), because picocli builds the model of every command it holds by reflection, at a cost
     * of 150–290 ms of a JVM's start where one command costs a third of it. Anything else (no command, help, a
     * name that is not a command, an option before the command other than the global ones) gets the whole model,
     * so that help lists every command and a mistyped name gets its suggestions. Parsing, help and errors of the
     * command invoked are the same in both (a test compares them).
     */
    public static CommandLine forArgs(String[] args) {
        int i = commandIndex(args, 0);
        Class<?> top = i < 0 ? null : subcommand(HostdevCommand.class, args[i]);
        if (top == null || top == HelpCommand.class) {
            return newCommandLine();
        }
        CommandLine cl = new CommandLine(new HostdevCommandBase());
        if (top == VmCommand.class) {
            int j = commandIndex(args, i + 1);
            Class<?> vmSub = j < 0 ? null : subcommand(VmCommand.class, args[j]);
            if (vmSub == null || vmSub == HelpCommand.class) {
                cl.addSubcommand(new CommandLine(new VmCommand()));
            } else {
                CommandLine vm = new CommandLine(new VmCommandBase());
                vm.addSubcommand(create(vmSub));
                cl.addSubcommand(vm);
            }
        } else {
            cl.addSubcommand(create(top));
        }
        return configure(cl);
    }

    private static CommandLine configure(CommandLine cl) {
        PicocliErrors reporter = new PicocliErrors();
        cl.setExecutionExceptionHandler(reporter);
        cl.setParameterExceptionHandler(reporter);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /** The index of the first word from {@code from} that is not a global option or its value, or -1. */
    private static int commandIndex(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-v") || a.equals("--verbose") || a.startsWith("--root=") || a.startsWith("--run-dir=")) {
                continue;
            }
            if (a.equals("--root") || a.equals("--run-dir")) {
                i++;
                continue;
            }
            return a.startsWith("-") ? -1 : i;
        }
        return -1;
    }

    /** The class of {@code parent}'s subcommand called {@code name} (or one of its aliases), from the annotation, or null. */
    private static Class<?> subcommand(Class<?> parent, String name) {
        for (Class<?> c : parent.getAnnotation(Command.class).subcommands()) {
            Command cmd = c.getAnnotation(Command.class);
            if (cmd == null) {
                continue;
            }
            if (cmd.name().equals(name)) {
                return c;
            }
            for (String alias : cmd.aliases()) {
                if (alias.equals(name)) {
                    return c;
                }
            }
        }
        return null;
    }

    private static Object create(Class<?> command) {
        try {
            return CommandLine.defaultFactory().create(command);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + command.getName(), e);
        }
    }
}
