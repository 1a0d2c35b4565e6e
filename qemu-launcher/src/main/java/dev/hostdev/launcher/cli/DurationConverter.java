package dev.hostdev.launcher.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads every time limit on the command line ({@code --timeout}) through {@link TimeLimit}, so that each is checked
 * while the line is parsed and refused in one style: seconds ({@code 30}, {@code 1.5}) or with a unit ({@code 500ms},
 * {@code 30s}, {@code 2m}), more than zero and at most a day. picocli reports a refusal as
 * {@code Invalid value for option '--timeout': …}, exit status 2.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return TimeLimit.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** A duration as the help and dry runs show it: {@code 30 s}, {@code 1.5 s}, {@code 0.25 s}. */
    static String describe(Duration d) {
        return TimeLimit.describe(d);
    }
}
