#!/usr/bin/env bash
# The 'hostdev list' benchmark (issue 2, "Speed and memory"); figures in docs/benchmarks.md.
#   native-tests/bench/list.sh [--devices 10000] [--runs 5] [--small-runs 11] [--tree DIR]
# Builds hostdev and its CDS archive (through ./hostdev), generates a tree of servers with SR-IOV VFs
# in a temporary directory (about 1 GB for 10,000 devices; reuse it with --tree), then prints:
# hostdev list vs lspci -nn on it, hostdev list on this machine vs a bare JVM, and peak RSS.
# It only reads this machine's /sys.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
cd "$here"
command -v lspci >/dev/null || { echo "list.sh: lspci is needed: apt-get install pciutils" >&2; exit 12; }
mvn -q -B -o -pl native-tests -am -DskipTests package >/dev/null
./hostdev list >/dev/null   # (re)builds the CDS archive for this jar
exec java -cp "qemu-launcher/target/hostdev.jar:engine/target/test-classes:native-tests/target/test-classes" \
  dev.hostdev.nativetests.bench.ListBenchmark \
  --jar qemu-launcher/target/hostdev.jar --jsa qemu-launcher/target/hostdev-list.jsa \
  --classes native-tests/target/test-classes --script ./hostdev "$@"
