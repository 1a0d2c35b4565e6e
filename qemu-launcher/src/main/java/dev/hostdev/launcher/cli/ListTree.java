package dev.hostdev.launcher.cli;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSummary;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code hostdev list --tree}: the bus tree as {@code lspci -t} draws it (pciutils 3.9, ls-tree.c),
 * character for character: bridges are found from their config space (header type, primary, secondary
 * and subordinate bus) and from the device each sysfs directory sits in; devices hang on the bus of
 * the bridge above them. With {@code -s}/{@code -d}, a device is drawn when it is selected or leads to
 * one that is, as lspci does.
 */
final class ListTree {
    private static final long ALL_ONES = 0xffffffffL;

    private final Sysfs sysfs;
    private final LspciFilter filter;
    private final List<Bridge> chain = new ArrayList<>();
    private final Bridge host = new Bridge(0, ALL_ONES, 0, ALL_ONES, null);
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder line = new StringBuilder();

    private static final class Device {
        final PciSummary summary;
        Device parent;
        Bridge bridge;

        Device(PciSummary summary) {
            this.summary = summary;
        }
    }

    private static final class Bus {
        final long domain;
        final long number;
        final List<Device> devices = new ArrayList<>();

        Bus(long domain, long number) {
            this.domain = domain;
            this.number = number;
        }
    }

    private static final class Bridge {
        final long domain;
        final long primary;
        final long secondary;
        final long subordinate;
        final Device device;
        /** Children in lspci's order: each new one goes first. */
        final List<Bridge> children = new ArrayList<>();
        final List<Bus> buses = new ArrayList<>();

        Bridge(long domain, long primary, long secondary, long subordinate, Device device) {
            this.domain = domain;
            this.primary = primary;
            this.secondary = secondary;
            this.subordinate = subordinate;
            this.device = device;
        }

        Bus find(long domain, long number) {
            return buses.stream().filter(b -> b.domain == domain && b.number == number).findFirst().orElse(null);
        }

        Bus add(long domain, long number) {
            Bus b = new Bus(domain, number);
            buses.add(b);
            return b;
        }
    }

    private ListTree(Sysfs sysfs, LspciFilter filter) {
        this.sysfs = sysfs;
        this.filter = filter;
    }

    /** The tree of {@code devices} (in address order, as listed), filtered as lspci -t filters. */
    static String render(Sysfs sysfs, List<PciSummary> devices, LspciFilter filter) {
        ListTree t = new ListTree(sysfs, filter.selects() ? filter : null);
        t.grow(devices);
        t.showBridge(t.host, 0);
        return t.out.toString();
    }

    private void grow(List<PciSummary> summaries) {
        List<Device> devices = summaries.stream().map(Device::new).toList();
        Map<PciAddress, Device> byAddress = new HashMap<>();
        devices.forEach(d -> byAddress.put(d.summary.address(), d));
        for (Device d : devices) {
            d.parent = parentDirectory(d.summary.address()).map(byAddress::get).orElse(null);
        }
        chain.add(host);
        for (Device d : devices) {
            if ((d.summary.classCode() >>> 16) != 0x06) {
                continue;
            }
            byte[] config = sysfs.readBytes("bus/pci/devices/" + d.summary.address() + "/config", 64).orElse(new byte[0]);
            if (config.length < 0x1b) {
                continue;
            }
            int headerType = config[0x0e] & 0x7f;
            if (headerType == 1 || headerType == 2) {
                // a PCI-to-PCI bridge and a CardBus bridge keep primary, secondary (card) and subordinate bus at the same offsets
                Bridge b = new Bridge(d.summary.address().domain() & ALL_ONES, config[0x18] & 0xff, config[0x19] & 0xff,
                        config[0x1a] & 0xff, d);
                chain.add(b);
                d.bridge = b;
            }
        }
        for (Device d : devices) {
            Device p = d.parent;
            if (p == null || p.bridge != null) {
                continue;
            }
            long secondary = d.summary.address().bus();
            Bridge b = new Bridge(p.summary.address().domain() & ALL_ONES, p.summary.address().bus(), secondary, secondary, p);
            chain.add(b);
            p.bridge = b;
        }
        for (Bridge b : chain) {
            Bridge best = b.device != null && b.device.parent != null ? b.device.parent.bridge : null;
            if (best == null) {
                for (Bridge c : chain) {
                    if (c != b && (c == host || b.domain == c.domain) && b.primary >= c.secondary
                            && b.primary <= c.subordinate && (best == null
                                    || ((best.subordinate - best.primary) & ALL_ONES) > ((c.subordinate - c.primary) & ALL_ONES))) {
                        best = c;
                    }
                }
            }
            if (best != null) {
                best.children.add(0, b);
            }
        }
        for (Bridge b : chain) {
            if (b.find(b.domain, b.secondary) == null) {
                b.add(b.domain, b.secondary);
            }
        }
        for (Device d : devices) {
            insert(d, host);
        }
    }

    /** The PCI device whose sysfs directory holds this one's, as lspci's sysfs access finds parents. */
    private Optional<PciAddress> parentDirectory(PciAddress a) {
        return sysfs.canonical("bus/pci/devices/" + a).map(p -> {
            String[] names = p.split("/");
            return names.length > 1 ? PciAddress.tryParse(names[names.length - 2]) : null;
        });
    }

    private void insert(Device d, Bridge b) {
        long domain = d.summary.address().domain() & ALL_ONES;
        long number = d.summary.address().bus();
        Bus bus = null;
        if (d.parent != null && d.parent.bridge != null) {
            Bridge pb = d.parent.bridge;
            bus = pb.buses.isEmpty() ? pb.add(domain, number) : pb.buses.get(0);
        }
        if (bus == null) {
            bus = b.find(domain, number);
        }
        if (bus == null) {
            for (Bridge c : b.children) {
                if (c.domain == domain && c.secondary <= number && number <= c.subordinate) {
                    insert(d, c);
                    return;
                }
            }
            bus = b.add(domain, number);
        }
        bus.devices.add(d);
    }

    // ---- drawing: lspci keeps one line buffer, writes at a position, and after each line printed turns
    // its '+' and '|' into '|' and everything else into blanks, which draws the branches below ----

    private int put(int p, String s) {
        line.setLength(p);
        line.append(s);
        return line.length();
    }

    private void print(int p) {
        line.setLength(p);
        out.append(line).append('\n');
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            line.setCharAt(i, c == '+' || c == '|' ? '|' : ' ');
        }
    }

    private void showDevice(Device d, int p) {
        PciAddress a = d.summary.address();
        p = put(p, String.format("%02x.%x", a.slot(), a.function()));
        for (Bridge b : chain) {
            if (b.device == d) {
                if (b.secondary == 0) {
                    p = put(p, "-");
                } else if (b.secondary == b.subordinate) {
                    p = put(p, String.format("-[%02x]-", b.secondary));
                } else {
                    p = put(p, String.format("-[%02x-%02x]-", b.secondary, b.subordinate));
                }
                showBridge(b, p);
                return;
            }
        }
        print(p);
    }

    private boolean selected(Device d) {
        if (filter == null || filter.matches(d.summary)) {
            return true;
        }
        for (Bridge b : chain) {
            if (b.device == d) {
                return b.buses.stream().anyMatch(this::selected);
            }
        }
        return false;
    }

    private boolean selected(Bus b) {
        return filter == null || b.devices.stream().anyMatch(this::selected);
    }

    private void showBus(Bus b, int p) {
        List<Device> ds = b.devices;
        if (ds.isEmpty()) {
            print(p);
        } else if (ds.size() == 1) {
            if (selected(ds.get(0))) {
                showDevice(ds.get(0), put(p, "--"));
            } else {
                print(p);
            }
        } else {
            boolean empty = true;
            for (int i = 0; i < ds.size() - 1; i++) {
                if (selected(ds.get(i))) {
                    showDevice(ds.get(i), put(p, "+-"));
                    empty = false;
                }
            }
            Device last = ds.get(ds.size() - 1);
            if (selected(last)) {
                showDevice(last, put(p, "\\-"));
                empty = false;
            }
            if (empty) {
                print(p);
            }
        }
    }

    private void showBridge(Bridge b, int p) {
        p = put(p, "-");
        List<Bus> buses = b.buses;
        if (buses.size() == 1) {
            Bus only = buses.get(0);
            if (selected(only)) {
                if (b == host) {
                    p = put(p, String.format("[%04x:%02x]-", b.domain, only.number));
                }
                showBus(only, p);
            } else {
                print(p);
            }
            return;
        }
        boolean empty = true;
        for (int i = 0; i < buses.size() - 1; i++) {
            Bus u = buses.get(i);
            if (selected(u)) {
                showBus(u, put(p, String.format("+-[%04x:%02x]-", u.domain, u.number)));
                empty = false;
            }
        }
        Bus last = buses.get(buses.size() - 1);
        if (selected(last)) {
            showBus(last, put(p, String.format("\\-[%04x:%02x]-", last.domain, last.number)));
            empty = false;
        }
        if (empty) {
            print(p);
        }
    }
}
