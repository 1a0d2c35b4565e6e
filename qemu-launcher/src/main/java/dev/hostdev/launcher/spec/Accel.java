package dev.hostdev.launcher.spec;

/** The accelerator QEMU runs the guest with ({@code accel} in the spec). */
public enum Accel {
    /** Hardware virtualization through /dev/kvm. */
    KVM,
    /** QEMU's software emulation: works anywhere, slower. */
    TCG,
    /** KVM when /dev/kvm can be opened for reading and writing, else TCG (the default). */
    AUTO;

    /** The name QEMU uses after {@code -accel}. */
    public String qemuName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
