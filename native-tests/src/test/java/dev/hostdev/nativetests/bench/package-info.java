/**
 * Benchmarks that print figures (run by scripts under {@code native-tests/bench/}, not by the test
 * suite): {@link dev.hostdev.nativetests.bench.ListBenchmark} for {@code hostdev list}.
 */
package dev.hostdev.nativetests.bench;
