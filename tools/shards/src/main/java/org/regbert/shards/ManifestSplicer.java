package org.regbert.shards;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The manifests of one writer's shards differ only in their {@code shard} and {@code arrays}
 * sections. Serializing the rest once (the vocabulary alone is ~40 KB for 6-mers) and splicing each
 * shard's two sections in keeps Jackson off the hot path of a whole-chromosome run. The splice is
 * checked against a full serialization of the first shard and never used if they differ, so the
 * bytes are always exactly what {@link ShardManifest#toJson()} writes.
 */
final class ManifestSplicer {
    private static final byte[] SHARD_KEY = "\n  \"shard\" : ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ARRAYS_KEY = ",\n  \"arrays\" : ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEXT_KEY = ",\n  \"provenance\" : ".getBytes(StandardCharsets.UTF_8);

    private final ShardManifest template;
    private boolean checked;
    private byte[] prefix;
    private byte[] suffix;

    ManifestSplicer(ShardManifest template) {
        this.template = template;
    }

    byte[] toJson(ShardManifest.ShardInfo info, Map<String, ShardManifest.ArraySpec> specs) {
        if (prefix != null) {
            return splice(info, specs);
        }
        byte[] full = template.withShard(info, specs).toJson();
        if (!checked) {
            checked = true;
            learn(full, info, specs);
        }
        return full;
    }

    /** Whether manifests after the first are spliced (for tests). */
    boolean splicing() {
        return prefix != null;
    }

    /** Keeps what surrounds the two sections of {@code full}, if splicing reproduces it exactly. */
    private void learn(byte[] full, ShardManifest.ShardInfo info, Map<String, ShardManifest.ArraySpec> specs) {
        int shard = indexOf(full, SHARD_KEY, 0);
        int next = shard < 0 ? -1 : indexOf(full, NEXT_KEY, shard);
        if (next < 0) {
            return;
        }
        prefix = Arrays.copyOf(full, shard + SHARD_KEY.length);
        suffix = Arrays.copyOfRange(full, next, full.length);
        if (!Arrays.equals(full, splice(info, specs))) {
            prefix = null;
            suffix = null;
        }
    }

    private byte[] splice(ShardManifest.ShardInfo info, Map<String, ShardManifest.ArraySpec> specs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(prefix.length + suffix.length + 4096);
        out.writeBytes(prefix);
        writeNested(out, ShardManifest.json(info));
        out.writeBytes(ARRAYS_KEY);
        writeNested(out, ShardManifest.json(specs));
        out.writeBytes(suffix);
        return out.toByteArray();
    }

    /** A root-level pretty-printed value indented one level deeper, as it sits inside the manifest. */
    private static void writeNested(ByteArrayOutputStream out, byte[] json) {
        for (byte b : json) {
            out.write(b);
            if (b == '\n') {
                out.write(' ');
                out.write(' ');
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
