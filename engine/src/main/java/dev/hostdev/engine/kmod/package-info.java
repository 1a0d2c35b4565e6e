/** Kernel modules: which modules can drive a device, from its modalias and the kernel's module alias files. */
package dev.hostdev.engine.kmod;
