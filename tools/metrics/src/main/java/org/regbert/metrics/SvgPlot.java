package org.regbert.metrics;

import java.util.List;
import java.util.Locale;

/**
 * A self-contained SVG line chart on the unit square, for ROC and precision-recall curves of one
 * or more models overlaid. No scripts, no external styles: it renders the same inline in HTML, in
 * a browser, or in an image viewer.
 */
public final class SvgPlot {
    /** Colour-blind-safe (Okabe–Ito) colours, one per model in order. */
    static final String[] PALETTE = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};
    private static final int WIDTH = 400;
    private static final int HEIGHT = 360;
    private static final int LEFT = 52;
    private static final int RIGHT = 14;
    private static final int TOP = 30;
    private static final int BOTTOM = 44;

    /**
     * One curve of the chart.
     *
     * @param steps draw as a step function (precision held until the next recall), the curve whose
     *     area is the average precision; otherwise straight segments (ROC, trapezoid area)
     */
    public record Series(String name, Curve curve, boolean steps) {
    }

    private SvgPlot() {
    }

    /**
     * @param chance a dashed reference line: "diagonal" (ROC; legend bottom right), a horizontal
     *     line at that precision (PR baseline = prevalence, given as a number; legend bottom left),
     *     or null for none
     */
    public static String render(String title, String xLabel, String yLabel, List<Series> series, String chance) {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" "
                + "font-weight=\"bold\">").append(escape(title)).append("</text>\n");
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0;
            String label = String.format(Locale.ROOT, "%.1f", v);
            svg.append(line(px(v), py(0), px(v), py(1), "#e5e5e5", 1, null));
            svg.append(line(px(0), py(v), px(1), py(v), "#e5e5e5", 1, null));
            svg.append(text(px(v), py(0) + 14, "middle", label));
            svg.append(text(px(0) - 6, py(v) + 4, "end", label));
        }
        svg.append("<rect x=\"").append(fmt(px(0))).append("\" y=\"").append(fmt(py(1))).append("\" width=\"")
                .append(fmt(px(1) - px(0))).append("\" height=\"").append(fmt(py(0) - py(1)))
                .append("\" fill=\"none\" stroke=\"#333333\"/>\n");
        svg.append(text((px(0) + px(1)) / 2, HEIGHT - 8, "middle", xLabel));
        svg.append("<text transform=\"translate(14 ").append(fmt((py(0) + py(1)) / 2))
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(escape(yLabel)).append("</text>\n");
        if ("diagonal".equals(chance)) {
            svg.append(line(px(0), py(0), px(1), py(1), "#999999", 1, "4 3"));
        } else if (chance != null) {
            double level = Double.parseDouble(chance);
            if (Double.isFinite(level)) {
                svg.append(line(px(0), py(level), px(1), py(level), "#999999", 1, "4 3"));
            }
        }
        for (int s = 0; s < series.size(); s++) {
            svg.append(path(series.get(s), PALETTE[s % PALETTE.length]));
        }
        // Legend in the corner curves rarely cross: bottom right for ROC, bottom left for PR.
        int longest = series.stream().mapToInt(x -> x.name().length()).max().orElse(0);
        double legendWidth = 30 + 6.1 * longest;
        for (int s = 0; s < series.size(); s++) {
            double y = py(0) - 10 - 15 * (series.size() - 1 - s);
            double x = "diagonal".equals(chance) ? px(1) - legendWidth : px(0) + 8;
            svg.append("<rect x=\"").append(fmt(x - 4)).append("\" y=\"").append(fmt(y - 11))
                    .append("\" width=\"").append(fmt(legendWidth)).append("\" height=\"15\" fill=\"#ffffff\" "
                            + "fill-opacity=\"0.85\"/>\n");
            svg.append(line(x, y - 4, x + 18, y - 4, PALETTE[s % PALETTE.length], 2.5, null));
            svg.append(text(x + 23, y, "start", series.get(s).name()));
        }
        return svg.append("</svg>\n").toString();
    }

    private static String path(Series series, String colour) {
        Curve c = series.curve();
        StringBuilder d = new StringBuilder();
        boolean started = false;
        for (int i = 0; i < c.size(); i++) {
            double x = c.x()[i];
            double y = c.y()[i];
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                continue;
            }
            if (!started) {
                // The step-wise PR curve holds the first precision from recall 0.
                d.append('M').append(fmt(px(series.steps() ? 0 : x))).append(',').append(fmt(py(y)));
                started = true;
            } else if (series.steps()) {
                d.append(" V").append(fmt(py(y)));
            }
            d.append(" L").append(fmt(px(x))).append(',').append(fmt(py(y)));
        }
        if (!started) {
            return "";
        }
        return "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + colour
                + "\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-opacity=\"0.9\"/>\n";
    }

    private static double px(double v) {
        return LEFT + v * (WIDTH - LEFT - RIGHT);
    }

    private static double py(double v) {
        return HEIGHT - BOTTOM - v * (HEIGHT - TOP - BOTTOM);
    }

    private static String line(double x1, double y1, double x2, double y2, String colour, double width, String dash) {
        return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2)
                + "\" stroke=\"" + colour + "\" stroke-width=\"" + fmt(width) + "\""
                + (dash == null ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>\n";
    }

    private static String text(double x, double y, String anchor, String content) {
        return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" text-anchor=\"" + anchor + "\">" + escape(content)
                + "</text>\n";
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Escapes text for XML and HTML content and attribute values. */
    public static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
