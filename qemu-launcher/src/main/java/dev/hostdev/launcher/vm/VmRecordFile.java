package dev.hostdev.launcher.vm;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.json.NotAsWritten;
import dev.hostdev.engine.state.AtomicFile;
import dev.hostdev.engine.state.TrustRules;
import dev.hostdev.engine.state.TrustRules.FileStat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A VM's record, {@code state.json} in its {@link VmRuntimeDir}: read (checked by {@link TrustRules}, parsed
 * strictly, cached by file identity), replaced atomically, or staged beside the current one to commit later.
 */
public final class VmRecordFile {
    /**
     * The mapper, for a record {@link VmRecordCodec} cannot read as written (damaged, or edited by hand): it reads or
     * rejects it as it always did. Built only then: in a class of its own, loaded on first use.
     */
    private static final class Mapper {
        static final ObjectMapper MAPPER = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** A record as a running VM with one hotplugged device has it, for {@link #warmUp}. */
    private static final String SAMPLE = "{\"name\":\"warm-up\",\"spec\":\"/warm-up.toml\",\"argv\":[\"qemu-system-x86_64\"],"
            + "\"state\":\"RUNNING\",\"qemu\":{\"pid\":1,\"startEpochMillis\":1,\"executable\":\"/qemu\",\"bootId\":\"b\"},"
            + "\"supervisor\":null,\"startedAt\":\"2026-01-01T00:00:00Z\",\"spareRootPorts\":2,\"usbBus\":null,\"slots\":{\"slots\":["
            + "{\"kind\":\"ROOT_PORT\",\"bus\":\"pci.1\",\"addr\":\"0x0\",\"rootPort\":\"pci.1\",\"role\":\"spare\",\"occupant\":\"n1\"},"
            + "{\"kind\":\"ROOT_PORT\",\"bus\":\"pci.2\",\"addr\":\"0x0\",\"rootPort\":\"pci.2\",\"role\":\"spare\"}]},"
            + "\"devices\":[{\"id\":\"n1\",\"driver\":\"e1000e\",\"bus\":\"pci.1\",\"addr\":\"0x0\",\"rootPort\":\"pci.1\","
            + "\"host\":null,\"managed\":false,\"hotplugged\":true}],\"managed\":[],\"ended\":null}";

    private final VmRuntimeDir dir;

    VmRecordFile(VmRuntimeDir dir) {
        this.dir = dir;
    }

    /**
     * Reads and writes a sample record in memory (no file): loads and initialises what the JSON of every record read
     * and write runs, so that a process about to run many commands ({@code hostdev batch}) does not pay for it in its
     * first one. Never throws.
     */
    public static void warmUp() {
        try {
            VmRecord r = VmRecordCodec.read(SAMPLE.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            VmRecord unplugged = r.withoutDevice("n1");
            VmRecordCodec.write(unplugged);
            r.equals(unplugged);
        } catch (NotAsWritten | RuntimeException ignored) {
            // only a warm-up: a real record meets the same code and reports its own errors
        }
    }

    /**
     * The record last read or written in this process, with the identity of the file it came from.
     * Every write renames a new file into place, so an unchanged inode, size and time mean unchanged
     * content: a caller that attaches again and again (an API user, {@code hostdev batch}) parses the
     * file only when someone else changed it.
     */
    private record Cached(FileStat stat, VmRecord record) {
        boolean describes(FileStat a) {
            return a.equals(stat);
        }
    }

    /** By state file: every {@code VmRuntimeDir} of a VM shares it, as a batch makes one per command. */
    private static final ConcurrentMap<Path, Cached> CACHE = new ConcurrentHashMap<>();

    /**
     * The record, if there is one.
     *
     * @throws HostdevException ENVIRONMENT if the directory or the file breaks {@link TrustRules} (never
     *                          read then), USAGE if the file is not a record (naming it, and where it is damaged)
     */
    public Optional<VmRecord> read() {
        if (!dir.trustedIfPresent()) {
            return Optional.empty();
        }
        Optional<FileStat> before = TrustRules.trustedFile(dir.stateFile());
        if (before.isEmpty()) {
            return Optional.empty();
        }
        Cached c = CACHE.get(dir.stateFile());
        if (c != null && c.describes(before.get())) {
            return Optional.of(c.record());
        }
        byte[] bytes;
        try {
            Optional<byte[]> read = TrustRules.read(dir.stateFile());
            if (read.isEmpty()) {
                return Optional.empty();
            }
            bytes = read.get();
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot read " + dir.stateFile() + ": " + e.getMessage(), null, e);
        }
        VmRecord record = parse(bytes);
        // the attributes seen before reading: were the file replaced meanwhile, the next read sees another inode
        CACHE.put(dir.stateFile(), new Cached(before.get(), record));
        return Optional.of(record);
    }

    private VmRecord parse(byte[] bytes) {
        try {
            VmRecord r;
            try {
                r = VmRecordCodec.read(bytes);
            } catch (NotAsWritten unusual) {
                r = Mapper.MAPPER.readValue(bytes, VmRecord.class);
            }
            if (r == null) {
                throw damaged("it is empty or holds only null", null);
            }
            if (!r.name().equals(dir.name())) {
                throw damaged("it records VM '" + r.name() + "', not '" + dir.name() + "'", null);
            }
            return r;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            throw damaged(where + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof HostdevException h) {
                throw h;
            }
            throw damaged(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private HostdevException damaged(String what, Throwable cause) {
        return new HostdevException(ErrorCode.USAGE, "the record " + dir.stateFile() + " is damaged: " + what,
                "look at it; once QEMU of VM " + dir.name() + " is gone (check 'ps -C qemu-system-x86_64 -f'), remove " + dir.dir(), cause);
    }

    /**
     * The record.
     *
     * @throws HostdevException (NOT_FOUND) naming the VM when there is none
     */
    public VmRecord require() {
        return read().orElseThrow(() -> HostdevException.notFound("no VM named '" + dir.name() + "' (nothing in " + dir.dir() + ")",
                "'hostdev vm list' shows the VMs; HOSTDEV_RUN_DIR selects where they are kept"));
    }

    /**
     * Replaces the record atomically (a new file renamed over the old: a reader sees one or the other).
     * Not forced to disk: the directory lives under /run, and a host that crashes takes its VMs with it.
     */
    public void write(VmRecord record) {
        try (Staged staged = stage(record)) {
            staged.commit();
        }
    }

    /**
     * Writes {@code record} beside the current one without replacing it: {@link Staged#commit} then puts
     * it in place with one rename ({@link AtomicFile}, without fsync: the directory lives under /run). A
     * caller that waits for QEMU anyway (an attach) writes its record meanwhile, and commits it once QEMU
     * has confirmed, or closes it unused.
     */
    public Staged stage(VmRecord record) {
        if (!dir.trustedIfPresent()) {
            throw HostdevException.notFound("no VM named '" + dir.name() + "' (no directory " + dir.dir() + ")",
                    "'hostdev vm list' shows the VMs; HOSTDEV_RUN_DIR selects where they are kept");
        }
        byte[] bytes = VmRecordCodec.write(record);
        AtomicFile.Staged staged = AtomicFile.stage(dir.stateFile(), bytes, false);
        try {
            // a rename keeps the inode, size and time: what the cache will see once the file is in place
            FileStat stat = TrustRules.trustedFile(staged.tempFile()).orElseThrow();
            return new Staged(staged, new Cached(stat, record));
        } catch (RuntimeException e) {
            staged.close();
            throw e;
        }
    }

    /** A record written beside the current one; see {@link #stage}. Closing it uncommitted removes it. */
    public final class Staged implements AutoCloseable {
        private final AtomicFile.Staged file;
        private final Cached cached;

        private Staged(AtomicFile.Staged file, Cached cached) {
            this.file = file;
            this.cached = cached;
        }

        /** Puts the record in place of the current one. */
        public void commit() {
            file.commit();
            CACHE.put(dir.stateFile(), cached); // every writer holds the VM's lock: nobody replaced it since
        }

        @Override
        public void close() {
            file.close();
        }
    }

    /** Drops what this process remembers of the record (the VM was forgotten). */
    void forget() {
        CACHE.remove(dir.stateFile());
    }
}
