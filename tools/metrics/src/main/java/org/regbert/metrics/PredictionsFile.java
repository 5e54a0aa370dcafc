package org.regbert.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.regbert.common.BadInputException;
import org.regbert.shards.NpyArray;
import org.regbert.shards.NpyDType;
import org.regbert.shards.NpzReader;
import org.regbert.shards.NpzWriter;

/**
 * Reads and writes {@code predictions.npz}: an uncompressed NPZ (what {@code np.savez} writes)
 * holding one model's {@link Predictions} for one task and cell type. The layout is described in
 * the module README; NumPy opens it with {@code np.load}.
 */
public final class PredictionsFile {
    public static final String FORMAT = "regbert-predictions";
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PredictionsFile() {
    }

    /** Writes {@code file}, which must not exist yet. */
    public static void write(Predictions p, Path file) throws IOException {
        int n = p.windows();
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", FORMAT).put("formatVersion", FORMAT_VERSION).put("task", p.task())
                .put("cellType", p.cellType()).put("model", p.model()).put("kind", p.kind().id())
                .put("coordinates", p.coordinates().id());
        p.classNames().forEach(manifest.putArray("classNames")::add);
        try (NpzWriter out = new NpzWriter(file)) {
            long[] scoreShape = p.classes() > 1 ? new long[] {n, p.classes()} : new long[] {n};
            ByteBuffer scores = buffer(p.scores().length * 4L);
            scores.asFloatBuffer().put(p.scores());
            out.addArray("scores", NpyDType.FLOAT32, scoreShape, scores);
            out.addArray("labels", NpyDType.INT8, new long[] {n}, ByteBuffer.wrap(p.labels()));
            if (p.targets() != null) {
                ByteBuffer targets = buffer(n * 4L);
                targets.asFloatBuffer().put(p.targets());
                out.addArray("targets", NpyDType.FLOAT32, new long[] {n}, targets);
            }
            out.addArray("split", NpyDType.INT8, new long[] {n}, ByteBuffer.wrap(p.split()));
            ByteBuffer contig = buffer(n * 4L);
            contig.asIntBuffer().put(p.contig());
            out.addArray("contig", NpyDType.INT32, new long[] {n}, contig);
            NpyDType names = NpyArray.stringType(p.contigNames());
            out.addArray("contig_names", names, new long[] {p.contigNames().size()},
                    NpyArray.encodeStrings(p.contigNames(), names));
            for (String name : List.of("start", "end")) {
                ByteBuffer positions = buffer(n * 8L);
                positions.asLongBuffer().put(name.equals("start") ? p.start() : p.end());
                out.addArray(name, NpyDType.INT64, new long[] {n}, positions);
            }
            out.addBytes("manifest.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        }
    }

    /**
     * Reads a predictions file.
     *
     * @throws BadInputException naming the file when it is not a readable, consistent predictions file
     */
    public static Predictions read(Path file) {
        try (NpzReader in = NpzReader.open(file)) {
            JsonNode manifest = manifest(in, file);
            Predictions.Kind kind;
            try {
                kind = Predictions.Kind.parse(manifest.path("kind").asText());
            } catch (IllegalArgumentException e) {
                throw new BadInputException(file, "manifest kind '" + manifest.path("kind").asText()
                        + "' is not binary, multiclass or regression");
            }
            NpyArray scores = in.array("scores");
            int n = Math.toIntExact(scores.rows());
            int classes = scores.shape().length == 1 ? 1 : Math.toIntExact(scores.rowLength());
            List<String> classNames = new ArrayList<>();
            manifest.path("classNames").forEach(name -> classNames.add(name.asText()));
            NpyArray names = in.array("contig_names");
            List<String> contigNames = new ArrayList<>();
            for (long i = 0; i < names.rows(); i++) {
                contigNames.add(names.getString(i));
            }
            try {
                return new Predictions(text(manifest, "task", file), text(manifest, "cellType", file),
                        text(manifest, "model", file), kind, classNames, classes, floats(scores, file),
                        bytes(in.array("labels"), n, file),
                        in.hasArray("targets") ? floats(in.array("targets"), file) : null,
                        bytes(in.array("split"), n, file), ints(in.array("contig"), n, file), contigNames,
                        longs(in.array("start"), n, file), longs(in.array("end"), n, file),
                        Predictions.Coordinates.of(manifest.path("coordinates").asText(null)));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(file, e.getMessage());
            }
        }
    }

    private static JsonNode manifest(NpzReader in, Path file) {
        JsonNode manifest;
        try {
            manifest = JSON.readTree(manifestBytes(in, file));
        } catch (IOException e) {
            throw new BadInputException(file, -1, "manifest.json is not JSON: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(manifest.path("format").asText())) {
            throw new BadInputException(file, "not a predictions file (manifest format '"
                    + manifest.path("format").asText() + "', expected '" + FORMAT + "')");
        }
        if (manifest.path("formatVersion").asInt(Integer.MAX_VALUE) > FORMAT_VERSION) {
            throw new BadInputException(file, "predictions format version " + manifest.path("formatVersion")
                    + " is newer than this reader (" + FORMAT_VERSION + ")");
        }
        return manifest;
    }

    /**
     * The manifest as stored by Java ({@code manifest.json}, raw bytes) or by {@code np.savez}
     * ({@code manifest.json.npy}: a uint8 array of the bytes, or a unicode string).
     */
    private static byte[] manifestBytes(NpzReader in, Path file) {
        if (in.memberNames().contains("manifest.json")) {
            return in.bytes("manifest.json");
        }
        if (!in.hasArray("manifest.json")) {
            throw new BadInputException(file, "no manifest.json: not a predictions file");
        }
        NpyArray array = in.array("manifest.json");
        if (array.dtype().equals(NpyDType.UINT8) || array.dtype().equals(NpyDType.INT8)) {
            byte[] bytes = new byte[array.data().remaining()];
            array.data().get(0, bytes);
            return bytes;
        }
        if (array.dtype().descr().startsWith("<U") && array.rows() * array.rowLength() == 1) {
            return array.getString(0).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        throw new BadInputException(file, "manifest.json.npy is " + array.dtype().name()
                + "; expected uint8 bytes or one unicode string");
    }

    private static String text(JsonNode manifest, String field, Path file) {
        JsonNode value = manifest.get(field);
        if (value == null || !value.isTextual()) {
            throw new BadInputException(file, "manifest.json has no '" + field + "'");
        }
        return value.asText();
    }

    private static float[] floats(NpyArray array, Path file) {
        long count = array.rows() * array.rowLength();
        float[] values = new float[Math.toIntExact(count)];
        if (array.dtype().equals(NpyDType.FLOAT32)) {
            array.data().asFloatBuffer().get(values);
        } else if (array.dtype().equals(NpyDType.FLOAT64)) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) array.data().getDouble(i * 8);
            }
        } else {
            throw wrongType(array, "float32 or float64", file);
        }
        return values;
    }

    private static byte[] bytes(NpyArray array, int n, Path file) {
        if (!array.dtype().equals(NpyDType.INT8)) {
            throw wrongType(array, "int8", file);
        }
        checkLength(array, n, file);
        byte[] values = new byte[n];
        array.data().get(0, values);
        return values;
    }

    private static int[] ints(NpyArray array, int n, Path file) {
        if (!array.dtype().equals(NpyDType.INT32)) {
            throw wrongType(array, "int32", file);
        }
        checkLength(array, n, file);
        int[] values = new int[n];
        array.data().asIntBuffer().get(values);
        return values;
    }

    private static long[] longs(NpyArray array, int n, Path file) {
        if (!array.dtype().equals(NpyDType.INT64)) {
            throw wrongType(array, "int64", file);
        }
        checkLength(array, n, file);
        long[] values = new long[n];
        array.data().asLongBuffer().get(values);
        return values;
    }

    private static void checkLength(NpyArray array, int n, Path file) {
        if (array.shape().length != 1 || array.rows() != n) {
            throw new BadInputException(file, "array '" + array.name() + "' has shape "
                    + java.util.Arrays.toString(array.shape()) + ", expected [" + n + "] like scores");
        }
    }

    private static BadInputException wrongType(NpyArray array, String expected, Path file) {
        return new BadInputException(file, "array '" + array.name() + "' is " + array.dtype().name()
                + ", expected " + expected);
    }

    private static ByteBuffer buffer(long bytes) {
        return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
