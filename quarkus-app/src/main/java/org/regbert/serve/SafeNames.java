package org.regbert.serve;

import java.nio.file.Path;
import java.util.Locale;

/** File names from outside (inbox, S3 keys) made safe: one path segment, plain characters, inside a root. */
public final class SafeNames {
    private static final int MAX = 150;

    private SafeNames() {
    }

    /**
     * The last segment of {@code name} with every character outside {@code [A-Za-z0-9._-]} replaced by
     * '_', no leading dots and no "..": it can only ever name a file directly inside a folder.
     */
    public static String fileName(String name) {
        String s = name == null ? "" : name.replace('\\', '/');
        int slash = s.lastIndexOf('/');
        s = slash >= 0 ? s.substring(slash + 1) : s;
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                    || c == '_' ? c : '_');
        }
        String out = b.toString();
        while (out.contains("..")) {
            out = out.replace("..", ".");
        }
        while (out.startsWith(".")) {
            out = out.substring(1);
        }
        if (out.length() > MAX) {
            out = out.substring(out.length() - MAX);
        }
        return out.isEmpty() ? "unnamed" : out;
    }

    /** A cell-type or label token: letters, digits, '_' and '-' only. */
    public static String token(String name) {
        String s = name == null ? "" : name.trim().replaceAll("[^A-Za-z0-9_-]+", "_");
        s = s.replaceAll("^_+|_+$", "");
        return s.isEmpty() ? "unknown" : s.length() > 64 ? s.substring(0, 64) : s;
    }

    /** {@code root/child}, refused unless it stays inside {@code root}. */
    public static Path inside(Path root, String child) {
        Path base = root.toAbsolutePath().normalize();
        Path p = base.resolve(fileName(child)).normalize();
        if (!p.startsWith(base) || p.equals(base)) {
            throw new IllegalArgumentException("refused: '" + child + "' would write outside " + base);
        }
        return p;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
