package dev.hostdev.launcher.soak;

/**
 * Resident memory ({@code VmRSS}) at one moment, in KiB; {@code null} where it could not be read.
 *
 * @param hostdevKib this process (Hostdev's own)
 * @param qemuKib    the VM's QEMU
 */
public record MemorySample(Long hostdevKib, Long qemuKib) {
}
