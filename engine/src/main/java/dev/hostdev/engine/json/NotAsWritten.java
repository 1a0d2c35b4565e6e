package dev.hostdev.engine.json;

/**
 * JSON that is not in the form Hostdev writes (another type for a value, a key given twice, a value a record refuses,
 * a syntax error): a streaming reader gives up with it, and its caller hands the bytes to the {@code ObjectMapper} that
 * read them before, which accepts or rejects them exactly as it always did. Carries no stack trace: it is expected.
 */
public final class NotAsWritten extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the reader gave up (for debugging; never shown to a user: the mapper's message is). */
    public NotAsWritten(String why) {
        super(why, null, false, false);
    }
}
