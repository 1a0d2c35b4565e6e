package dev.hostdev.launcher.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reading of a time limit on the command line ({@code --timeout}): seconds ({@code 30}, {@code 1.5}) or with
 * a unit ({@code 500ms}, {@code 30s}, {@code 2m}), more than zero and at most a day. picocli reads it through
 * {@link DurationConverter}, the fast paths ({@link CommandFastPath}) directly: this class loads no picocli class.
 */
final class TimeLimit {
    /** The longest time limit accepted. */
    static final Duration MAX = Duration.ofDays(1);
    private static final Pattern FORM = Pattern.compile("([0-9]{1,9}(?:\\.[0-9]{1,3})?)(ms|s|m)?");

    private TimeLimit() {
    }

    /**
     * The time limit {@code value} gives.
     *
     * @throws IllegalArgumentException saying why it is not one, in the words picocli then prints
     */
    static Duration parse(String value) {
        Matcher m = FORM.matcher(value.strip());
        if (!m.matches()) {
            throw refused(value);
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        BigDecimal millis = switch (unit) {
            case "ms" -> number;
            case "m" -> number.multiply(BigDecimal.valueOf(60_000));
            default -> number.multiply(BigDecimal.valueOf(1000));
        };
        if (millis.signum() <= 0 || millis.compareTo(BigDecimal.valueOf(MAX.toMillis())) > 0 || millis.stripTrailingZeros().scale() > 0) {
            throw refused(value);
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    private static IllegalArgumentException refused(String value) {
        return new IllegalArgumentException("'" + value + "' is not a time limit: give seconds (30, 1.5) or a unit "
                + "(500ms, 30s, 2m), more than 0 and at most " + MAX.toSeconds() + " s");
    }

    /** A duration as the help and dry runs show it: {@code 30 s}, {@code 1.5 s}, {@code 0.25 s}. */
    static String describe(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString() + " s";
    }
}
