package dev.hostdev.launcher.doctor;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's boot parameters from {@code /proc/cmdline}, up to the {@code --} that hands the
 * rest to init.
 *
 * @param parameters the parameters in order, e.g. {@code intel_iommu=on}
 */
public record KernelCommandLine(List<String> parameters) {
    /** Copies the list. */
    public KernelCommandLine {
        parameters = List.copyOf(parameters);
    }

    /** Reads {@code /proc/cmdline}; empty parameters when it cannot be read. */
    public static KernelCommandLine read(HostFiles files) {
        return parse(files.read("/proc/cmdline").orElse(""));
    }

    /** Parses a command line as the kernel prints it. */
    public static KernelCommandLine parse(String text) {
        List<String> words = Arrays.stream(text.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
        int end = words.indexOf("--");
        return new KernelCommandLine(end < 0 ? words : words.subList(0, end));
    }

    /** The value of the last {@code name=value} (the kernel lets the last one win), if any. */
    public Optional<String> value(String name) {
        String prefix = name + "=";
        Optional<String> found = Optional.empty();
        for (String p : parameters) {
            if (p.startsWith(prefix)) {
                found = Optional.of(p.substring(prefix.length()));
            }
        }
        return found;
    }

    /** Whether {@code name=...} lists {@code option} among its comma-separated values. */
    public boolean hasOption(String name, String option) {
        return value(name).map(v -> Arrays.asList(v.split(",")).contains(option)).orElse(false);
    }

    /** The IOMMU-related parameters, for messages; "none" when there are none. */
    public String iommuParameters() {
        List<String> found = parameters.stream()
                .filter(p -> p.startsWith("intel_iommu=") || p.startsWith("amd_iommu") || p.startsWith("iommu=")
                        || p.startsWith("intremap=") || p.startsWith("iommu.") || p.startsWith("vfio"))
                .toList();
        return found.isEmpty() ? "none" : String.join(" ", found);
    }
}
