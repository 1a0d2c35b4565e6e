package dev.hostdev.nativetests;

import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.NativeAttributeWriter;
import dev.hostdev.launcher.cli.Cli;
import dev.hostdev.launcher.lab.LabGuest;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Inside the lab guest only: runs a real hostdev command against the real kernel and SIGKILLs its own
 * process just before (or just after) its N-th sysfs write, so that a test can check what
 * {@code hostdev recover} makes of every intermediate state. Polling for progress from outside is too
 * slow under TCG to hit a given write (a whole detach takes a few milliseconds).
 *
 * <p>Usage: {@code KillAtWrite before|after N hostdev-args…}
 */
public final class KillAtWrite {
    private KillAtWrite() {
    }

    public static void main(String[] args) throws Exception {
        LabGuest.requireInsideLab();
        boolean after = args[0].equals("after");
        int n = Integer.parseInt(args[1]);
        AtomicInteger count = new AtomicInteger();
        AttributeWriter real = new NativeAttributeWriter();
        AttributeWriter killing = (attribute, value) -> {
            int i = count.incrementAndGet();
            if (!after && i == n) {
                killSelf(attribute + " " + value.strip());
            }
            real.write(attribute, value);
            if (after && i == n) {
                killSelf(attribute + " " + value.strip());
            }
        };
        // The CLI's seam for the kernel (tests substitute a simulated one the same way).
        Field kernel = Class.forName("dev.hostdev.launcher.cli.DetachCommandSupport").getDeclaredField("kernel");
        kernel.setAccessible(true);
        Function<HostRoot, AttributeWriter> supplier = root -> killing;
        kernel.set(null, supplier);
        int status = Cli.newCommandLine().execute(Arrays.copyOfRange(args, 2, args.length));
        System.out.println("not killed: the command made " + count.get() + " writes and exited " + status);
        System.exit(3);
    }

    private static void killSelf(String at) {
        System.out.println("killing at write: " + at);
        System.out.flush();
        try {
            new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
            Thread.sleep(60_000);
        } catch (Exception e) {
            Runtime.getRuntime().halt(99);
        }
        Runtime.getRuntime().halt(98);
    }
}
