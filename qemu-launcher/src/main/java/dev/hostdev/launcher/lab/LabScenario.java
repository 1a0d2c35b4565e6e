package dev.hostdev.launcher.lab;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The walk-through {@code hostdev lab} runs inside a booted lab VM: list → show → detach → the group
 * rule → start a nested VM with the device → hotplug into a spare root port and behind the
 * pcie-pci-bridge → unplug → stop → reattach. Every Hostdev command runs in one JVM inside the guest
 * ({@link GuestBatch}); between them, shell steps read the kernel's own view (driver links,
 * {@code /dev/vfio}) so that each step is judged on what really happened, not on what Hostdev says.
 * A step whose command this build does not have is reported as skipped, never faked.
 */
public final class LabScenario {
    /** The nested VM's name. */
    public static final String NESTED = "lab-nested";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(3);

    private final LabDevices dev;
    private final List<Step> steps = new ArrayList<>();

    /** One step: its commands in the batch and how to judge their outcomes. */
    private record Step(String title, List<BatchStep> batch, Function<Outcomes, StepVerdict> judge) {
    }

    private LabScenario(LabDevices dev) {
        this.dev = dev;
        define();
    }

    /** The walk-through for the devices found in the guest. */
    public static LabScenario forDevices(LabDevices devices) {
        return new LabScenario(devices);
    }

    /** Discovers the lab devices inside a booted lab VM (drivers loaded) with shell commands. */
    public static LabDevices discover(LabVm vm) {
        GuestResult lspci = vm.run("lspci -Dn");
        GuestResult groups = vm.run(LabDevices.GROUPS_COMMAND);
        return LabDevices.find(lspci.stdout(), groups.stdout());
    }

    /** The spec of the nested VM, as written into the exchange share. */
    String nestedSpec() {
        return "name = \"" + NESTED + "\"\n"
                + "memory = \"256M\"\n"
                + "cpus = 1\n"
                + "spare_root_ports = 2\n"
                + "legacy_hotplug = true\n"
                + "\n[[hostdev]]\n"
                + "pci = \"" + dev.nic() + "\"\n"
                + "managed = false\n";
    }

    /** The batch of every step, in order. */
    public List<BatchStep> batch() {
        return steps.stream().flatMap(s -> s.batch().stream()).toList();
    }

    /** Number of steps. */
    public int size() {
        return steps.size();
    }

    /**
     * Runs the batch inside the VM with the given hostdev class path and judges each step as soon as
     * its outcomes arrive, handing each report to {@code progress}.
     *
     * @param classPath the guest path(s) of Hostdev's classes, normally the shaded hostdev.jar
     */
    public List<LabStepReport> run(LabVm vm, String java, String classPath, Consumer<LabStepReport> progress)
            throws IOException {
        Path exchange = vm.exchangeDir();
        Files.writeString(exchange.resolve("nested.toml"), nestedSpec());
        JSON.writeValue(exchange.resolve("steps.json").toFile(), batch());
        Path outcomesFile = exchange.resolve("outcomes.json");
        Files.deleteIfExists(outcomesFile);
        String command = java + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp " + classPath + " "
                + GuestBatch.class.getName() + " " + LabVm.GUEST_EXCHANGE_DIR + "/steps.json "
                + LabVm.GUEST_EXCHANGE_DIR + "/outcomes.json";
        GuestResult[] batchResult = new GuestResult[1];
        RuntimeException[] batchError = new RuntimeException[1];
        Thread runner = new Thread(() -> {
            try {
                batchResult[0] = vm.run(command, BATCH_TIMEOUT);
            } catch (RuntimeException e) {
                batchError[0] = e;
            }
        }, "hostdev-lab-batch");
        runner.start();
        List<LabStepReport> reports = new ArrayList<>();
        while (reports.size() < steps.size()) {
            boolean finished = !runner.isAlive();
            Outcomes outcomes = Outcomes.read(outcomesFile);
            Step next = steps.get(reports.size());
            if (outcomes.hasAll(next.batch()) || finished) {
                StepVerdict verdict = outcomes.hasAll(next.batch()) ? judge(next, outcomes)
                        : StepVerdict.failed("the batch ended before this step ran: " + batchEnd(batchResult[0], batchError[0]));
                LabStepReport report = new LabStepReport(reports.size() + 1, next.title(), verdict, outcomes.of(next.batch()));
                reports.add(report);
                progress.accept(report);
                continue;
            }
            sleep(200);
        }
        try {
            runner.join(BATCH_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return reports;
    }

    private static String batchEnd(GuestResult result, RuntimeException error) {
        if (error != null) {
            return error.getMessage();
        }
        if (result != null) {
            return "exit " + result.exitStatus() + " " + firstLine(result.stderr());
        }
        return "no answer";
    }

    private static StepVerdict judge(Step step, Outcomes outcomes) {
        for (BatchStep b : step.batch()) {
            StepOutcome o = outcomes.get(b.name());
            if (b.hostdev() != null && o.notImplemented()) {
                return StepVerdict.skipped("`hostdev " + b.hostdev().get(0) + (b.hostdev().get(0).equals("vm") ? " "
                        + b.hostdev().get(1) : "") + "` is not in this build yet");
            }
        }
        try {
            return step.judge().apply(outcomes);
        } catch (RuntimeException e) {
            return StepVerdict.failed("could not judge the output: " + e.getMessage());
        }
    }

    // ---- the steps ----

    private void define() {
        String nic = dev.nic();
        String spare = dev.spareNic();
        String legacy = dev.legacy();
        String sibling = dev.legacySibling();
        List<String> watched = List.of(nic, spare, legacy, sibling, dev.bridge());

        add("list every PCI device and IOMMU group", List.of(BatchStep.hostdev("list", "list", "--json"),
                BatchStep.hostdev("groups", "groups", "--json"),
                BatchStep.sh("list-lspci", "lspci -Dn"), BatchStep.sh("list-groups", LabDevices.GROUPS_COMMAND)), o -> {
                    StepOutcome list = o.get("list");
                    if (!list.ok()) {
                        return failedCommand(list);
                    }
                    Set<String> mine = new TreeSet<>();
                    for (JsonNode d : JSON.readTree(list.stdout()).path("pci")) {
                        String cls = d.path("class").asText().replaceFirst("^0x", "");
                        mine.add(d.path("address").asText() + " " + cls.substring(0, Math.min(4, cls.length())) + " "
                                + hex(d.path("vendor_id").asText()) + ":" + hex(d.path("device_id").asText()) + " g"
                                + (d.path("iommu_group").isNull() ? "-" : d.path("iommu_group").asText()));
                    }
                    LabDevices now = LabDevices.find(o.get("list-lspci").stdout(), o.get("list-groups").stdout());
                    Set<String> kernel = new TreeSet<>();
                    for (GuestPciDevice d : now.lspci()) {
                        kernel.add(d.address() + " " + d.classId() + " " + d.id() + " g" + now.groupOf(d.address()));
                    }
                    if (!mine.equals(kernel)) {
                        return StepVerdict.failed("hostdev list differs from lspci -Dn and sysfs: " + difference(kernel, mine));
                    }
                    StepOutcome groups = o.get("groups");
                    if (!groups.ok()) {
                        return failedCommand(groups);
                    }
                    Set<String> listedGroups = new TreeSet<>();
                    for (JsonNode g : JSON.readTree(groups.stdout()).path("groups")) {
                        for (JsonNode d : g.path("devices")) {
                            listedGroups.add(d.path("address").asText() + " " + g.path("number").asText());
                        }
                    }
                    Set<String> kernelGroups = new TreeSet<>();
                    now.groups().forEach((a, g) -> kernelGroups.add(a + " " + g));
                    if (!listedGroups.equals(kernelGroups)) {
                        return StepVerdict.failed("hostdev groups differs from /sys/kernel/iommu_groups: " + difference(kernelGroups, listedGroups));
                    }
                    return StepVerdict.passed("hostdev list shows the " + kernel.size() + " devices lspci -Dn shows, with the same "
                            + "IDs and classes; hostdev groups the same " + now.groups().values().stream().distinct().count()
                            + " IOMMU groups as /sys/kernel/iommu_groups");
                });

        add("show " + nic + " and " + legacy, List.of(BatchStep.hostdev("show", "show", nic, "--json"),
                BatchStep.hostdev("show-legacy", "show", legacy, "--json")), o -> {
            StepOutcome show = o.get("show");
            if (!show.ok()) {
                return failedCommand(show);
            }
            JsonNode n = JSON.readTree(show.stdout());
            String driver = n.path("driver").asText();
            String group = groupNumber(n.path("iommu_group"));
            if (!"e1000e".equals(driver) || !dev.groupOf(nic).equals(group)) {
                return StepVerdict.failed("show says driver " + driver + ", group " + group + "; the kernel says e1000e, group "
                        + dev.groupOf(nic));
            }
            StepOutcome legacyShow = o.get("show-legacy");
            if (!legacyShow.ok()) {
                return failedCommand(legacyShow);
            }
            JsonNode l = JSON.readTree(legacyShow.stdout());
            Set<String> members = new TreeSet<>();
            l.path("iommu_group_members").forEach(m -> members.add(m.path("address").asText()));
            Set<String> expected = new TreeSet<>(List.of(dev.bridge(), legacy, sibling));
            if (!members.containsAll(List.of(dev.bridge(), sibling)) || l.path("iommu_group_viable").asBoolean(true)) {
                return StepVerdict.failed("show " + legacy + " should list its group " + expected + " as not viable (" + sibling
                        + " on e1000): members " + members + ", viable " + l.path("iommu_group_viable"));
            }
            return StepVerdict.passed(nic + ": e1000e, alone in IOMMU group " + group + "; " + legacy + ": shares group "
                    + dev.groupOf(legacy) + " with the bridge and " + sibling + ", which blocks it");
        });

        add("detach " + nic + " to vfio-pci", List.of(BatchStep.hostdev("detach", "detach", nic), state("detach-state", watched)), o -> {
            StepOutcome detach = o.get("detach");
            Map<String, String> s = parseState(o.get("detach-state").stdout());
            String group = dev.groupOf(nic);
            if (!detach.ok()) {
                return failedCommand(detach);
            }
            if (!"vfio-pci".equals(s.get(nic)) || !s.get("vfio").contains(" " + group + " ")) {
                return StepVerdict.failed("after detach the kernel has " + nic + " on " + s.get(nic) + ", /dev/vfio:" + s.get("vfio"));
            }
            return StepVerdict.passed("the kernel moved it e1000e → vfio-pci and /dev/vfio/" + group + " appeared");
        });

        add("group rule: " + legacy + " shares its group with " + sibling, List.of(
                BatchStep.hostdev("detach-alone", "detach", legacy), state("alone-state", watched),
                BatchStep.hostdev("detach-group", "detach", "--group", legacy), state("group-state", watched)), o -> {
                    StepOutcome alone = o.get("detach-alone");
                    Map<String, String> afterAlone = parseState(o.get("alone-state").stdout());
                    if (alone.ok() || !"e1000".equals(afterAlone.get(legacy))) {
                        return StepVerdict.failed("detaching " + legacy + " alone should be refused (its group holds " + sibling
                                + " on e1000) and change nothing; exit " + alone.exit() + ", now on " + afterAlone.get(legacy));
                    }
                    if (!(alone.stderr() + alone.stdout()).contains(sibling.substring(5))) {
                        return StepVerdict.failed("the refusal does not name the blocking device " + sibling + ": " + firstLine(alone.stderr()));
                    }
                    StepOutcome group = o.get("detach-group");
                    Map<String, String> after = parseState(o.get("group-state").stdout());
                    if (!group.ok()) {
                        return failedCommand(group);
                    }
                    if (!"vfio-pci".equals(after.get(legacy)) || !"vfio-pci".equals(after.get(sibling))) {
                        return StepVerdict.failed("after detach --group: " + legacy + " on " + after.get(legacy) + ", " + sibling + " on "
                                + after.get(sibling));
                    }
                    return StepVerdict.passed("alone: refused (exit " + alone.exit() + ", names " + sibling
                            + "), nothing changed; --group: both on vfio-pci, the bridge left alone");
                });

        add("start a VM with " + nic, List.of(
                BatchStep.hostdev("vm-start", "vm", "start", LabVm.GUEST_EXCHANGE_DIR + "/nested.toml"),
                BatchStep.hostdev("vm-status", "vm", "status", NESTED, "--json")), o -> {
                    StepOutcome start = o.get("vm-start");
                    if (!start.ok()) {
                        return failedCommand(start);
                    }
                    StepOutcome status = o.get("vm-status");
                    if (!status.ok() || !status.stdout().contains(nic.substring(5))) {
                        return StepVerdict.failed("vm status does not show the VM running with " + nic + ": " + firstLine(status.stdout() + status.stderr()));
                    }
                    return StepVerdict.passed("a nested QEMU runs with vfio-pci host=" + nic + " (QEMU opened /dev/vfio/"
                            + dev.groupOf(nic) + ")");
                });

        add("hotplug " + spare + " into a spare root port", List.of(
                BatchStep.hostdev("attach-spare", "attach", NESTED, spare, "--managed", "--json").capturing("/id"),
                state("attach-spare-state", watched)), o -> {
                    StepOutcome attach = o.get("attach-spare");
                    if (!attach.ok()) {
                        return failedCommand(attach);
                    }
                    Map<String, String> s = parseState(o.get("attach-spare-state").stdout());
                    if (!"vfio-pci".equals(s.get(spare))) {
                        return StepVerdict.failed("managed attach left " + spare + " on " + s.get(spare));
                    }
                    JsonNode a = JSON.readTree(attach.stdout());
                    return StepVerdict.passed("detached (managed) to vfio-pci and device_add'ed as " + a.path("id").asText()
                            + " on spare root port " + a.path("root_port").asText() + ", confirmed by QEMU");
                });

        add("hotplug " + legacy + " behind the pcie-pci-bridge", List.of(
                BatchStep.hostdev("attach-legacy", "attach", NESTED, legacy, "--json"),
                BatchStep.hostdev("attach-status", "vm", "status", NESTED, "--json")), o -> {
                    StepOutcome attach = o.get("attach-legacy");
                    if (!attach.ok()) {
                        return failedCommand(attach);
                    }
                    String status = o.get("attach-status").stdout();
                    if (!status.contains(spare.substring(5)) || !status.contains(legacy.substring(5))) {
                        return StepVerdict.failed("vm status does not list both hotplugged devices: " + firstLine(status));
                    }
                    JsonNode a = JSON.readTree(attach.stdout());
                    return StepVerdict.passed("conventional PCI: device_add'ed as " + a.path("id").asText() + " on the pcie-pci-bridge "
                            + a.path("bus").asText() + " slot " + a.path("addr").asText() + "; vm status lists both hotplugged devices");
                });

        add("unplug " + spare + " (the nested VM runs no OS)", List.of(
                BatchStep.hostdev("unplug", "unplug", NESTED, "{{attach-spare}}", "--timeout", "3"),
                state("unplug-state", watched)), o -> {
                    StepOutcome unplug = o.get("unplug");
                    Map<String, String> s = parseState(o.get("unplug-state").stdout());
                    String err = unplug.stderr();
                    if (unplug.exit() != 10 || err.contains("Exception") || err.contains("\tat ")) {
                        return StepVerdict.failed("expected a clean timeout (exit 10): exit " + unplug.exit() + " " + firstLine(err));
                    }
                    if (!"vfio-pci".equals(s.get(spare))) {
                        return StepVerdict.failed("the device was given back while the VM still holds it: " + s.get(spare));
                    }
                    return StepVerdict.passed("no guest OS acks: " + firstLine(err) + "; the device stays on vfio-pci");
                });

        add("stop the VM", List.of(BatchStep.hostdev("vm-stop", "vm", "stop", "--timeout", "3", NESTED), state("stop-state", watched),
                BatchStep.sh("stop-qemu", "ps -eo comm= | grep -c '^qemu-system' || true")), o -> {
                    StepOutcome stop = o.get("vm-stop");
                    if (!stop.ok()) {
                        return failedCommand(stop);
                    }
                    Map<String, String> s = parseState(o.get("stop-state").stdout());
                    String left = o.get("stop-qemu").stdout().strip();
                    if (!"e1000e".equals(s.get(spare)) || !"0".equals(left)) {
                        return StepVerdict.failed("after stop: managed " + spare + " on " + s.get(spare) + ", QEMU processes left: " + left);
                    }
                    return StepVerdict.passed("QEMU gone; the managed " + spare + " is back on e1000e");
                });

        add("reattach " + nic + ", " + legacy + ", " + sibling, List.of(
                BatchStep.hostdev("reattach", "reattach", nic, legacy, sibling), state("final-state", watched)), o -> {
                    StepOutcome reattach = o.get("reattach");
                    if (!reattach.ok()) {
                        return failedCommand(reattach);
                    }
                    Map<String, String> s = parseState(o.get("final-state").stdout());
                    Map<String, String> expected = new LinkedHashMap<>();
                    expected.put(nic, "e1000e");
                    expected.put(spare, "e1000e");
                    expected.put(legacy, "e1000");
                    expected.put(sibling, "e1000");
                    for (var e : expected.entrySet()) {
                        if (!e.getValue().equals(s.get(e.getKey()))) {
                            return StepVerdict.failed(e.getKey() + " is on " + s.get(e.getKey()) + ", not back on " + e.getValue());
                        }
                    }
                    if (!s.get("vfio").strip().equals("vfio")) {
                        return StepVerdict.failed("/dev/vfio still has groups:" + s.get("vfio"));
                    }
                    return StepVerdict.passed("every device is back on its original driver; /dev/vfio holds no group");
                });
    }

    private void add(String title, List<BatchStep> batch, JudgeFunction judge) {
        steps.add(new Step(title, batch, o -> {
            try {
                return judge.apply(o);
            } catch (IOException e) {
                return StepVerdict.failed("unreadable output: " + e.getMessage());
            }
        }));
    }

    @FunctionalInterface
    private interface JudgeFunction {
        StepVerdict apply(Outcomes o) throws IOException;
    }

    /** A shell step printing {@code ADDRESS DRIVER} for each device (- for none) and {@code vfio: …}. */
    static BatchStep state(String name, List<String> devices) {
        return BatchStep.sh(name, "for d in " + String.join(" ", devices) + "; do "
                + "l=$(readlink /sys/bus/pci/devices/$d/driver) && echo \"$d ${l##*/}\" || echo \"$d -\"; done; "
                + "echo \"vfio: $(ls /dev/vfio 2>/dev/null | tr '\\n' ' ')\"");
    }

    /** Parses {@link #state}'s output: address → driver, and {@code vfio} → " 11 vfio " style list. */
    static Map<String, String> parseState(String out) {
        Map<String, String> m = new HashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("vfio:")) {
                m.put("vfio", " " + line.substring(5).strip() + " ");
            } else {
                String[] f = line.strip().split("\\s+");
                if (f.length == 2) {
                    m.put(f[0], f[1]);
                }
            }
        }
        m.putIfAbsent("vfio", " ");
        return m;
    }

    private static String difference(Set<String> kernel, Set<String> hostdev) {
        Set<String> missing = new TreeSet<>(kernel);
        missing.removeAll(hostdev);
        Set<String> extra = new TreeSet<>(hostdev);
        extra.removeAll(kernel);
        return "missing " + missing + ", extra " + extra;
    }

    private static StepVerdict failedCommand(StepOutcome o) {
        String msg = firstLine(o.stderr().isBlank() ? o.stdout() : o.stderr());
        return StepVerdict.failed("exit " + o.exit() + ": " + msg);
    }

    static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    private static String hex(String s) {
        String h = s.replaceFirst("^0x", "");
        return ("0000" + h).substring(h.length());
    }

    private static String groupNumber(JsonNode g) {
        if (g.isObject()) {
            for (String f : List.of("number", "id", "group")) {
                if (g.has(f)) {
                    return g.get(f).asText();
                }
            }
        }
        return g.asText();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The outcomes written so far by the guest batch, by step name. */
    private record Outcomes(Map<String, StepOutcome> byName) {
        static Outcomes read(Path file) {
            Map<String, StepOutcome> m = new HashMap<>();
            try {
                if (Files.exists(file)) {
                    for (StepOutcome o : JSON.readValue(file.toFile(), new TypeReference<List<StepOutcome>>() { })) {
                        m.put(o.name(), o);
                    }
                }
            } catch (IOException half) {
                // the guest replaces the file atomically; a failed read is retried on the next poll
            }
            return new Outcomes(m);
        }

        boolean hasAll(List<BatchStep> batch) {
            return batch.stream().allMatch(b -> byName.containsKey(b.name()));
        }

        StepOutcome get(String name) {
            StepOutcome o = byName.get(name);
            if (o == null) {
                throw new IllegalStateException("no outcome for " + name);
            }
            return o;
        }

        List<StepOutcome> of(List<BatchStep> batch) {
            return batch.stream().map(b -> byName.get(b.name())).filter(java.util.Objects::nonNull).toList();
        }
    }
}
