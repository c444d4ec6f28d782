#!/bin/sh
# A 10-minute libFuzzer (or afl++) run over wvm; see fuzz.sh.  Crashes,
# leaks, timeouts and OOMs are written to build/fuzz-artifacts/.
exec sh "$(dirname "$0")/fuzz.sh" long "${1:-600}"
