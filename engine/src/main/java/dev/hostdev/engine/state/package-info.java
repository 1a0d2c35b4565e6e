/**
 * What Hostdev remembers between runs, under {@code /run/hostdev} inside the host root: the journal of
 * operations in progress (written atomically and durably before the first sysfs write and after each),
 * the record of each device it detached (original driver, who, when), and per-device {@code flock}
 * locks so that two processes never change one device at once.
 */
package dev.hostdev.engine.state;
