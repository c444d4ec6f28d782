package dev.whispem.minikv.node.tools;

import java.util.Arrays;
import java.util.Locale;

/** Every latency of a run, kept exactly (8 bytes each) so percentiles are exact. */
final class LatencyLog {

    private long[] values = new long[1 << 16];
    private int size;

    synchronized void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    synchronized int size() {
        return size;
    }

    synchronized String summary(double seconds) {
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return String.format(
                Locale.ROOT,
                "%.0f ops/s  p50 %.3f ms  p99 %.3f ms  p999 %.3f ms  max %.3f ms",
                size / seconds,
                pct(sorted, 0.50),
                pct(sorted, 0.99),
                pct(sorted, 0.999),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
