package dev.hostdev.launcher.hotplug;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.DeviceRef;
import java.util.Objects;
import java.util.regex.Pattern;

/** What {@code hostdev attach} plugs in. */
public sealed interface HotplugDevice {
    /** QEMU device names Hostdev accepts for {@code --emulated}. */
    Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** How the device is named to the user, e.g. {@code e1000e} or {@code host 0000:03:00.0}. */
    String describe();

    /**
     * A device QEMU emulates, e.g. {@code e1000e}, {@code virtio-net-pci}, {@code usb-kbd}.
     *
     * @param model QEMU's device name
     */
    record Emulated(String model) implements HotplugDevice {
        /** Checks the name. */
        public Emulated {
            if (model == null || !MODEL.matcher(model).matches()) {
                throw new IllegalArgumentException("not a QEMU device name: " + model);
            }
        }

        @Override
        public String describe() {
            return model;
        }
    }

    /**
     * A host PCI device given with vfio-pci.
     *
     * @param address the host device
     * @param managed detach it from its host driver first, give it back after unplug
     */
    record HostPci(PciAddress address, boolean managed) implements HotplugDevice {
        /** Requires the address. */
        public HostPci {
            Objects.requireNonNull(address);
        }

        @Override
        public String describe() {
            return "host PCI device " + address;
        }
    }

    /**
     * A host USB device given with usb-host.
     *
     * @param device by IDs ({@link DeviceRef.Usb}) or by bus-port ({@link DeviceRef.UsbPort})
     */
    record HostUsb(DeviceRef device) implements HotplugDevice {
        /** Requires the reference. */
        public HostUsb {
            Objects.requireNonNull(device);
            if (device instanceof DeviceRef.Pci) {
                throw new IllegalArgumentException("not a USB device: " + device);
            }
        }

        @Override
        public String describe() {
            return "host USB device " + device;
        }
    }
}
