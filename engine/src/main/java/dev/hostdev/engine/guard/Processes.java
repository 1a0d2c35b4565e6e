package dev.hostdev.engine.guard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes in the host root's {@code /proc} and the namespaces they run in ({@code /proc/PID/ns/net},
 * {@code /proc/PID/ns/mnt}): how the guard finds network interfaces and mounts that Hostdev's own
 * namespaces do not show. Processes are read once per instance.
 */
final class Processes {
    private final LiveFiles files;
    private List<String> pids;

    Processes(LiveFiles files) {
        this.files = files;
    }

    /** The ids of the running processes, lowest first. */
    List<String> pids() {
        if (pids == null) {
            List<String> found = new ArrayList<>();
            for (String name : files.names("/proc")) {
                if (!name.isEmpty() && name.length() <= 10 && name.chars().allMatch(Character::isDigit)) {
                    found.add(name);
                }
            }
            found.sort(Comparator.comparingLong(Long::parseLong));
            pids = List.copyOf(found);
        }
        return pids;
    }

    /** e.g. {@code pid 812 (dockerd)}; the name is left out when it cannot be read. */
    String describe(String pid) {
        Optional<String> comm = files.firstLine("/proc/" + pid + "/comm");
        return "pid " + pid + comm.filter(c -> !c.isEmpty()).map(c -> " (" + c + ")").orElse("");
    }

    /**
     * The namespaces of one type ({@code net} or {@code mnt}) other than Hostdev's own
     * ({@code /proc/self/ns/TYPE}), each with the first process found in it; a process whose namespace
     * cannot be read is left out (it cannot be looked into either).
     *
     * @return namespace (e.g. {@code net:[4026532281]}) → pid, in pid order
     */
    Map<String, String> otherNamespaces(String type) {
        Optional<String> own = files.link("/proc/self/ns/" + type);
        Map<String, String> first = new LinkedHashMap<>();
        for (String pid : pids()) {
            files.link("/proc/" + pid + "/ns/" + type)
                    .filter(ns -> !own.equals(Optional.of(ns)))
                    .ifPresent(ns -> first.putIfAbsent(ns, pid));
        }
        return first;
    }
}
