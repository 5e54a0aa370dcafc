package org.regbert.epigenome;

import java.nio.file.Path;
import org.regbert.common.BadInputException;

/**
 * One tab-separated line split into fields without regexes or per-field strings: genome-wide
 * segmentations have millions of lines per cell type, and parsing dominates loading time.
 * Numbers are parsed in place; errors name the file and line.
 */
final class TabFields {
    private static final int MAX_FIELDS = 64;
    private final int[] from = new int[MAX_FIELDS];
    private final int[] to = new int[MAX_FIELDS];
    private final Path file;
    private String line;
    private long lineNumber;
    private int count;

    TabFields(Path file) {
        this.file = file;
    }

    /** Splits {@code text} (line {@code number} of the file); fields past the 64th are counted, not kept. */
    TabFields split(String text, long number) {
        line = text;
        lineNumber = number;
        count = 0;
        int start = 0;
        int length = text.length();
        while (true) {
            int tab = text.indexOf('\t', start);
            int end = tab < 0 ? length : tab;
            if (count < MAX_FIELDS) {
                from[count] = start;
                to[count] = end;
            }
            count++;
            if (tab < 0) {
                break;
            }
            start = tab + 1;
        }
        // A trailing carriage return (files written on Windows) is not part of the last field.
        int last = Math.min(count, MAX_FIELDS) - 1;
        if (to[last] > from[last] && text.charAt(to[last] - 1) == '\r') {
            to[last]--;
        }
        return this;
    }

    int count() {
        return count;
    }

    long lineNumber() {
        return lineNumber;
    }

    String line() {
        return line;
    }

    String text(int field) {
        return line.substring(from[field], to[field]);
    }

    /** Whether field {@code field} is exactly {@code text} (no substring made). */
    boolean fieldEquals(int field, String text) {
        int length = to[field] - from[field];
        return length == text.length() && line.regionMatches(from[field], text, 0, length);
    }

    boolean isEmpty(int field) {
        return from[field] == to[field];
    }

    char charAt(int field, int offset) {
        return line.charAt(from[field] + offset);
    }

    int length(int field) {
        return to[field] - from[field];
    }

    /** A coordinate or count: optional minus sign, then digits only (no spaces, signs or decimals). */
    long parseLong(int field, String what) {
        int i = from[field];
        int end = to[field];
        boolean negative = i < end && line.charAt(i) == '-';
        if (negative) {
            i++;
        }
        if (i == end || end - i > 18) {
            throw bad(what, field, "an integer");
        }
        long value = 0;
        for (; i < end; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw bad(what, field, "an integer");
            }
            value = value * 10 + (c - '0');
        }
        return negative ? -value : value;
    }

    double parseDouble(int field, String what) {
        try {
            double value = Double.parseDouble(text(field));
            if (Double.isNaN(value)) {
                throw bad(what, field, "a number");
            }
            return value;
        } catch (NumberFormatException e) {
            throw bad(what, field, "a number");
        }
    }

    BadInputException error(String message) {
        return new BadInputException(file, lineNumber, message);
    }

    private BadInputException bad(String what, int field, String kind) {
        return error(what + " (column " + (field + 1) + ") must be " + kind + ", found '" + text(field) + "' in '" + abbreviate(line) + "'");
    }

    static String abbreviate(String text) {
        String shown = text.replace("\t", "\\t");
        return shown.length() > 100 ? shown.substring(0, 97) + "..." : shown;
    }
}
