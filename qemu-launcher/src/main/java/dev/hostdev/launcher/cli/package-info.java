/** The {@code hostdev} command line (picocli): one class per subcommand, shared options in mixins. */
package dev.hostdev.launcher.cli;
