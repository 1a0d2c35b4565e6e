package dev.hostdev.launcher.placement;

import dev.hostdev.engine.numa.DeviceLocality;
import dev.hostdev.engine.numa.HostTopology;
import dev.hostdev.engine.numa.HostTopologyReader;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;

/** What the placement planner needs of the host: its NUMA/CPU topology and where each device sits. */
public interface HostNumaFacts {
    /** The host's nodes, CPUs, isolated sets and hugepage pools. */
    HostTopology topology();

    /** A PCI device's node and local CPUs. */
    DeviceLocality locality(PciAddress address);

    /** No host to read: for plans made without one; asking is an error naming what needed it. */
    static HostNumaFacts unavailable() {
        return new HostNumaFacts() {
            @Override
            public HostTopology topology() {
                throw missing();
            }

            @Override
            public DeviceLocality locality(PciAddress address) {
                throw missing();
            }

            private dev.hostdev.engine.HostdevException missing() {
                return new dev.hostdev.engine.HostdevException(dev.hostdev.engine.ErrorCode.INTERNAL,
                        "[placement] was planned without the host's NUMA topology", null);
            }
        };
    }

    /** Facts read from sysfs under the host root; the topology is read once. */
    static HostNumaFacts of(Sysfs sysfs) {
        HostTopologyReader reader = new HostTopologyReader(sysfs);
        return new HostNumaFacts() {
            private HostTopology topology;

            @Override
            public HostTopology topology() {
                if (topology == null) {
                    topology = reader.read();
                }
                return topology;
            }

            @Override
            public DeviceLocality locality(PciAddress address) {
                return reader.device(address);
            }
        };
    }
}
