package dev.hostdev.engine.state;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.json.NotAsWritten;
import dev.hostdev.engine.pci.PciAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The records of detached devices under {@code /run/hostdev/devices}. */
public final class DeviceRecords {
    private final StateDirectory dir;

    public DeviceRecords(StateDirectory dir) {
        this.dir = dir;
    }

    /** The record of the device, if Hostdev detached it. */
    public Optional<DeviceRecord> find(PciAddress address) {
        Path file = dir.deviceRecord(address);
        if (!dir.existing(dir.devicesDir())) {
            return Optional.empty();
        }
        try {
            Optional<byte[]> bytes = TrustRules.read(file);
            if (bytes.isEmpty()) {
                return Optional.empty();
            }
            DeviceRecord r;
            try {
                r = DeviceRecordJson.read(bytes.get());
            } catch (NotAsWritten unusual) {
                // damaged or edited: the mapper reads or rejects it as it always did
                r = Json.MAPPER.readValue(bytes.get(), DeviceRecord.class);
            }
            return Optional.of(r);
        } catch (HostdevException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new HostdevException(ErrorCode.STATE, "the record " + file + " is unreadable: " + e.getMessage(),
                    "delete it if the device is back on its host driver; otherwise reattach by hand", e);
        }
    }

    /** Writes (atomically) the record. */
    public void save(DeviceRecord record) {
        dir.prepare(dir.devicesDir());
        AtomicFile.write(dir.deviceRecord(record.pciAddress()), DeviceRecordJson.write(record));
    }

    /** Removes the device's record, if any. */
    public void delete(PciAddress address) {
        AtomicFile.delete(dir.deviceRecord(address));
    }

    /** Every record, sorted by address. */
    public List<DeviceRecord> all() {
        Path d = dir.devicesDir();
        if (!dir.existing(d)) {
            return List.of();
        }
        List<DeviceRecord> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(d)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                PciAddress a = name.endsWith(".json") ? PciAddress.tryParse(name.substring(0, name.length() - 5)) : null;
                if (a != null) {
                    find(a).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot list " + d + ": " + e.getMessage(), null, e);
        }
        return out;
    }
}
