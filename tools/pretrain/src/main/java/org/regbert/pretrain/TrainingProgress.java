package org.regbert.pretrain;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line of a training run: step, loss, tokens/s and ETA. On a terminal a bar redrawn
 * at most five times a second; otherwise (Galaxy, Nextflow logs) one line every 10% of the steps.
 */
public final class TrainingProgress {
    private final PrintStream out;
    private final boolean terminal;
    private final long first;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;
    private int lastDecile;
    private long tokens;
    private String label = "pretrain";

    TrainingProgress(PrintStream out, boolean terminal, long firstStep, long totalSteps) {
        this.out = out;
        this.terminal = terminal;
        this.first = firstStep;
        this.total = totalSteps;
        this.lastDecile = (int) (firstStep * 10 / Math.max(1, totalSteps));
    }

    public static TrainingProgress onStderr(boolean quiet, long firstStep, long totalSteps) {
        PrintStream sink = quiet ? new PrintStream(PrintStream.nullOutputStream()) : System.err;
        return new TrainingProgress(sink, System.console() != null, firstStep, totalSteps);
    }

    /** Names the stage on the progress line (default "pretrain"). */
    public TrainingProgress labelled(String stage) {
        this.label = stage;
        return this;
    }

    public void update(long step, double loss, long stepTokens) {
        tokens += stepTokens;
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDrawNanos > 200_000_000L || step == total) {
                lastDrawNanos = now;
                out.print("\r" + line(step, loss, now));
                out.flush();
            }
        } else {
            int decile = (int) (step * 10 / Math.max(1, total));
            if (decile > lastDecile) {
                lastDecile = decile;
                out.println(line(step, loss, now));
            }
        }
    }

    public void note(String message) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.println(message);
    }

    public void finish() {
        if (terminal) {
            out.println();
        }
    }

    private String line(long step, double loss, long now) {
        double seconds = (now - startNanos) / 1e9;
        long done = step - first;
        double stepsPerSecond = seconds > 0 ? done / seconds : 0;
        double tokensPerSecond = seconds > 0 ? tokens / seconds : 0;
        String eta = stepsPerSecond > 0 && step < total ? duration((total - step) / stepsPerSecond) : "0s";
        double fraction = (double) step / Math.max(1, total);
        int filled = (int) Math.round(fraction * 24);
        return String.format(Locale.ROOT, "%s [%s%s] %5.1f%% step %d/%d loss %.4f %s tok/s ETA %s",
                label, "#".repeat(filled), "-".repeat(24 - filled), fraction * 100, step, total, loss,
                human(tokensPerSecond), eta);
    }

    static String human(double value) {
        return value >= 1e6 ? String.format(Locale.ROOT, "%.2fM", value / 1e6)
                : value >= 1e4 ? String.format(Locale.ROOT, "%.1fk", value / 1e3)
                : String.format(Locale.ROOT, "%.0f", value);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? (s / 3600) + "h" + (s % 3600 / 60) + "m" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }
}
