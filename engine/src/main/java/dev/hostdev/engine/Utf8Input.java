package dev.hostdev.engine;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text the user gives Hostdev (a VM spec, a batch of commands), decoded strictly as UTF-8. Bytes that are not
 * UTF-8 are the user's error (exit status 2) named by the file, the line and the byte offset, never a
 * decoder's "Input length = 1".
 */
public final class Utf8Input {
    private Utf8Input() {
    }

    /**
     * The whole file as text.
     *
     * @param what how messages name it, e.g. {@code spec file}
     * @throws HostdevException usage if it is not UTF-8
     * @throws IOException      if it cannot be read (including {@link java.nio.file.NoSuchFileException})
     */
    public static String readFile(Path file, String what) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return decode(bytes, 0, bytes.length, what + " " + file, 1, 0);
    }

    /**
     * Decodes {@code bytes[from, to)}, which start at line {@code firstLine} and byte offset {@code firstOffset} of
     * the source.
     */
    static String decode(byte[] bytes, int from, int to, String source, int firstLine, long firstOffset) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer out = CharBuffer.allocate(to - from);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            int bad = in.position();
            int line = firstLine;
            for (int i = from; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw HostdevException.usage(source + " is not UTF-8 text: line " + line + ", byte offset "
                    + (firstOffset + bad - from) + String.format(" (byte 0x%02x)", bytes[bad] & 0xff),
                    "save it as UTF-8 (iconv -f LATIN1 -t UTF-8 converts a Latin-1 file)");
        }
        return out.flip().toString();
    }

    /** Reads UTF-8 lines one at a time as they arrive (a batch fed command by command through a pipe). */
    public static final class LineReader implements Closeable {
        private final InputStream in;
        private final String source;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private int lineNumber;
        private long offset;

        /** @param source how messages name the input, e.g. {@code batch file rig.txt} */
        public LineReader(InputStream in, String source) {
            this.in = in;
            this.source = source;
        }

        /**
         * The next line without its end ({@code \n} or {@code \r\n}), or {@code null} at the end.
         *
         * @throws HostdevException usage if the line is not UTF-8
         */
        public String readLine() throws IOException {
            line.reset();
            int b = in.read();
            if (b < 0) {
                return null;
            }
            while (b >= 0 && b != '\n') {
                line.write(b);
                b = in.read();
            }
            byte[] bytes = line.toByteArray();
            int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            lineNumber++;
            String text = decode(bytes, 0, length, source, lineNumber, offset);
            offset += bytes.length + (b < 0 ? 0 : 1);
            return text;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
