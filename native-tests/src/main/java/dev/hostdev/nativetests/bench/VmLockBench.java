package dev.hostdev.nativetests.bench;

import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The VM lock ({@link VmRuntimeDir#lock}): taken and released, in µs. Four figures: the first lock of
 * a fresh JVM (what a command in a JVM of its own pays, class loading included), then the first lock of
 * a second VM (its lock file created; classes loaded already); "paused": after a
 * warm-up, each lock taken after a pause of a few milliseconds (how attach meets it in a batch,
 * between QEMU's work); "loop": back to back. Medians; the first argument is the number of samples
 * (default 500). Run it in a new JVM each time for the first figure.
 */
public final class VmLockBench {
    private VmLockBench() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Path vms = Files.createTempDirectory("hostdev-lockbench", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try {
            VmRuntimeDir dir = new VmRuntimeDir(vms, "bench");
            dir.create();
            dir.write(new VmRecord("bench", null, List.of(), VmState.RUNNING, ProcessIdentity.of(ProcessHandle.current()), null,
                    null, 0, null, new SlotMap(List.of()), List.of(), List.of(), null));
            long t0 = System.nanoTime();
            try (VmRuntimeDir.Lock l = dir.lock("bench", Duration.ofSeconds(1))) {
                // the first lock of this JVM
            }
            double first = (System.nanoTime() - t0) / 1000.0;
            VmRuntimeDir other = new VmRuntimeDir(vms, "other");
            other.create();
            t0 = System.nanoTime();
            try (VmRuntimeDir.Lock l = other.lock("bench", Duration.ofSeconds(1))) {
                // the first lock of another VM: its lock file created, the classes loaded already
            }
            double otherFirst = (System.nanoTime() - t0) / 1000.0;
            for (int i = 0; i < 2000; i++) {
                try (VmRuntimeDir.Lock l = dir.lock("bench", Duration.ofSeconds(1))) {
                    // warm-up
                }
            }
            List<Double> paused = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                Thread.sleep(5);
                long t = System.nanoTime();
                try (VmRuntimeDir.Lock l = dir.lock("bench", Duration.ofSeconds(1))) {
                    // measured
                }
                paused.add((System.nanoTime() - t) / 1000.0);
            }
            List<Double> loop = new ArrayList<>();
            for (int i = 0; i < samples * 10; i++) {
                long t = System.nanoTime();
                try (VmRuntimeDir.Lock l = dir.lock("bench", Duration.ofSeconds(1))) {
                    // measured
                }
                loop.add((System.nanoTime() - t) / 1000.0);
            }
            System.out.printf("VM lock + release: first in a fresh JVM %.0f µs; first of a second VM %.0f µs; paused (5 ms apart)"
                    + " median %.1f µs; loop median %.1f µs%n", first, otherFirst, median(paused), median(loop));
        } finally {
            try (var s = Files.walk(vms)) {
                s.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
