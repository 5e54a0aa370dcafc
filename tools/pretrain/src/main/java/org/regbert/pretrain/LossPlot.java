package org.regbert.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The loss curve as a self-contained SVG (no plotting library): every task's training loss per
 * step (moving average over the raw values, which are drawn faintly), the held-out losses at each
 * evaluation as dots, and the unigram k-mer baseline as a dashed line.
 */
final class LossPlot {
    static final String FILE = "loss.svg";
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 440;
    private static final int LEFT = 60;
    private static final int RIGHT = 170;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private LossPlot() {
    }

    static String render(String title, List<JsonNode> records, List<String> trainKeys, List<String> evalKeys,
            Double baseline) {
        Map<String, List<double[]>> train = new LinkedHashMap<>();
        Map<String, List<double[]>> eval = new LinkedHashMap<>();
        double maxStep = 1;
        double maxLoss = baseline != null ? baseline : 0;
        for (JsonNode r : records) {
            double step = r.path("step").asDouble();
            maxStep = Math.max(maxStep, step);
            boolean isEval = "eval".equals(r.path("type").asText());
            for (String key : isEval ? evalKeys : trainKeys) {
                JsonNode value = r.get(key);
                if (value != null && value.isNumber() && Double.isFinite(value.asDouble())) {
                    (isEval ? eval : train).computeIfAbsent(key, k -> new ArrayList<>())
                            .add(new double[] {step, value.asDouble()});
                }
            }
        }
        for (List<double[]> series : train.values()) {
            List<double[]> smooth = smooth(series);
            for (double[] p : smooth.subList(Math.min(smooth.size() - 1, smooth.size() / 50), smooth.size())) {
                maxLoss = Math.max(maxLoss, p[1]);
            }
        }
        for (List<double[]> series : eval.values()) {
            for (double[] p : series) {
                maxLoss = Math.max(maxLoss, p[1]);
            }
        }
        double yMax = niceCeiling(maxLoss * 1.08);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", LEFT,
                escape(title)));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#444\"/>%n", LEFT, TOP, plotW, plotH));
        for (int i = 0; i <= 5; i++) {
            double value = yMax * i / 5;
            double y = TOP + plotH - plotH * i / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, LEFT + plotW, y, y, LEFT - 6,
                    y + 4, format(value)));
            double step = maxStep * i / 5;
            double x = LEFT + plotW * i / 5.0;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x,
                    TOP + plotH + 18, Math.round(step)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">step</text>%n",
                LEFT + plotW / 2, HEIGHT - 10));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
                + "text-anchor=\"middle\">loss (nats; MSE for mrm)</text>%n", TOP + plotH / 2, TOP + plotH / 2));
        int legendY = TOP + 10;
        int colour = 0;
        for (Map.Entry<String, List<double[]>> series : train.entrySet()) {
            String c = COLOURS[colour++ % COLOURS.length];
            svg.append(polyline(series.getValue(), maxStep, yMax, plotW, plotH, c, 0.6, 0.25));
            svg.append(polyline(smooth(series.getValue()), maxStep, yMax, plotW, plotH, c, 1.8, 1));
            svg.append(legend(legendY, c, "train " + series.getKey(), false));
            legendY += 18;
            List<double[]> held = eval.get(series.getKey());
            if (held != null) {
                for (double[] p : held) {
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"white\" "
                            + "stroke=\"%s\" stroke-width=\"2\"/>%n", x(p[0], maxStep, plotW), y(p[1], yMax, plotH), c));
                }
                svg.append(legend(legendY, c, "held-out " + series.getKey(), true));
                legendY += 18;
            }
        }
        if (baseline != null) {
            double y = y(baseline, yMax, plotH);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                    + "stroke-dasharray=\"6 4\"/>%n", LEFT, LEFT + plotW, y, y));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#555\" "
                    + "stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%d\">unigram %s</text>%n", LEFT + plotW + 10,
                    LEFT + plotW + 30, legendY - 4, legendY - 4, LEFT + plotW + 36, legendY, format(baseline)));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String legend(int y, String colour, String label, boolean dot) {
        int x = WIDTH - RIGHT + 10;
        String mark = dot
                ? String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"white\" stroke=\"%s\" "
                        + "stroke-width=\"2\"/>", x + 10, y - 4, colour)
                : String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" "
                        + "stroke-width=\"2\"/>", x, x + 20, y - 4, y - 4, colour);
        return mark + String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x + 26, y, escape(label));
    }

    private static String polyline(List<double[]> points, double maxStep, double yMax, int plotW, int plotH,
            String colour, double width, double opacity) {
        StringBuilder p = new StringBuilder();
        for (double[] point : points) {
            p.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(point[0], maxStep, plotW),
                    y(Math.min(point[1], yMax), yMax, plotH)));
        }
        return String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
                + "stroke-opacity=\"%.2f\" points=\"%s\"/>%n", colour, width, opacity, p.toString().trim());
    }

    private static double x(double step, double maxStep, int plotW) {
        return LEFT + plotW * step / maxStep;
    }

    private static double y(double loss, double yMax, int plotH) {
        return TOP + plotH - plotH * Math.max(0, loss) / yMax;
    }

    /** Trailing moving average over about 2% of the points (at least 1). */
    static List<double[]> smooth(List<double[]> series) {
        int window = Math.max(1, series.size() / 50);
        List<double[]> out = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < series.size(); i++) {
            sum += series.get(i)[1];
            if (i >= window) {
                sum -= series.get(i - window)[1];
            }
            out.add(new double[] {series.get(i)[0], sum / Math.min(i + 1, window)});
        }
        return out;
    }

    private static double niceCeiling(double value) {
        if (!(value > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * magnitude >= value) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double value) {
        return value >= 10 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
