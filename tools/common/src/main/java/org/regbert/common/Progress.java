package org.regbert.common;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress for long work: a redrawn bar on a terminal, and a quiet line every 10% otherwise
 * (Galaxy and Nextflow logs stay readable). Units are whatever the caller counts (bases, steps).
 */
public final class Progress {
    private final PrintStream out;
    private final String label;
    private final String unit;
    private final long total;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long done;
    private long lastDrawNanos;
    private int lastDecile = -1;

    public Progress(PrintStream out, String label, String unit, long total, boolean terminal) {
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.total = Math.max(total, 1);
        this.terminal = terminal;
    }

    /** A progress reporter on stderr that draws a bar only when stderr is a terminal. */
    public static Progress onStderr(String label, String unit, long total, boolean quiet) {
        PrintStream sink = quiet ? new PrintStream(PrintStream.nullOutputStream()) : System.err;
        return new Progress(sink, label, unit, total, System.console() != null);
    }

    public void advance(long amount) {
        done += amount;
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDrawNanos > 200_000_000L || done >= total) {
                lastDrawNanos = now;
                out.print("\r" + line(now));
                out.flush();
            }
        } else {
            int decile = (int) Math.min(10, done * 10 / total);
            if (decile > lastDecile) {
                lastDecile = decile;
                out.println(line(now));
            }
        }
    }

    public void finish() {
        if (terminal) {
            out.print("\r" + line(System.nanoTime()) + "\n");
            out.flush();
        }
    }

    private String line(long now) {
        double fraction = Math.min(1.0, (double) done / total);
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 && fraction < 1 ? formatSeconds((total - done) / rate) : "0s";
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        return String.format(Locale.ROOT, "%s [%s] %5.1f%% %s %s/s ETA %s", label, bar, fraction * 100,
                human(done) + "/" + human(total) + " " + unit, human((long) rate), eta);
    }

    static String human(long value) {
        if (value >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fG", value / 1e9);
        }
        if (value >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1fM", value / 1e6);
        }
        if (value >= 10_000L) {
            return String.format(Locale.ROOT, "%.1fk", value / 1e3);
        }
        return Long.toString(value);
    }

    static String formatSeconds(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? (s / 3600) + "h" + (s % 3600 / 60) + "m" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }
}
