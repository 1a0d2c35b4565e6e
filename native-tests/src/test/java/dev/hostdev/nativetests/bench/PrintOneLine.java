package dev.hostdev.nativetests.bench;

/** The baseline of the start-up benchmark: a bare JVM that prints one line. */
public final class PrintOneLine {
    private PrintOneLine() {
    }

    public static void main(String[] args) {
        System.out.println("one line");
    }
}
