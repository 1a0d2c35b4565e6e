/** USB devices: bus-port addresses, vendor:product IDs, devices read from {@code /sys/bus/usb}. */
package dev.hostdev.engine.usb;
