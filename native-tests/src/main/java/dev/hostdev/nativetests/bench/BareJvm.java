package dev.hostdev.nativetests.bench;

/** The floor of any command in a JVM of its own: a JVM that prints one line and exits. */
public final class BareJvm {
    private BareJvm() {
    }

    public static void main(String[] args) {
        System.out.println("one line");
    }
}
