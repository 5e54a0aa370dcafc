package org.regbert.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;

class PredictionsFileTest {
    @TempDir
    Path tmp;

    static Predictions binary(String model) {
        return new Predictions("ctcf", "K562", model, Predictions.Kind.BINARY, List.of("bound"), 1,
                new float[] {0.9f, 0.1f, 0.45f, 0.7f}, new byte[] {1, 0, -1, -2}, null, new byte[] {2, 2, 0, 1},
                new int[] {0, 0, 1, 1}, List.of("chr20", "chr21"), new long[] {0, 200, 50, 250},
                new long[] {200, 400, 250, 450});
    }

    @Test
    void binaryRoundTrip() throws IOException {
        Predictions p = binary("ebert");
        Path file = tmp.resolve("predictions.npz");
        PredictionsFile.write(p, file);
        Predictions back = PredictionsFile.read(file);
        assertEquals("ctcf", back.task());
        assertEquals("K562", back.cellType());
        assertEquals("ebert", back.model());
        assertEquals(Predictions.Kind.BINARY, back.kind());
        assertEquals(List.of("bound"), back.classNames());
        assertArrayEquals(p.scores(), back.scores());
        assertArrayEquals(p.labels(), back.labels());
        assertArrayEquals(p.split(), back.split());
        assertArrayEquals(p.contig(), back.contig());
        assertEquals(p.contigNames(), back.contigNames());
        assertArrayEquals(p.start(), back.start());
        assertArrayEquals(p.end(), back.end());
        assertNull(back.targets());
        assertNull(p.windowMismatch(back));
        assertEquals(Predictions.Coordinates.GENOME, back.coordinates());
    }

    /** Windows of FASTA records say so, so evaluate resamples records rather than genomic blocks. */
    @Test
    void fastaRecordCoordinatesRoundTrip() throws IOException {
        Predictions p = binary("ebert");
        Predictions records = new Predictions(p.task(), p.cellType(), p.model(), p.kind(), p.classNames(), p.classes(),
                p.scores(), p.labels(), null, p.split(), p.contig(), p.contigNames(), p.start(), p.end(),
                Predictions.Coordinates.FASTA_RECORDS);
        PredictionsFile.write(records, tmp.resolve("records.npz"));
        Predictions back = PredictionsFile.read(tmp.resolve("records.npz"));
        assertEquals(Predictions.Coordinates.FASTA_RECORDS, back.coordinates());
        assertEquals(Predictions.Coordinates.FASTA_RECORDS, back.select(2).coordinates());
        assertEquals(Predictions.Coordinates.FASTA_RECORDS, back.withModel("other").coordinates());
    }

    @Test
    void multiclassAndRegressionRoundTrip() throws IOException {
        Predictions splice = new Predictions("splice", "none", "genebert", Predictions.Kind.MULTICLASS,
                List.of("none", "donor", "acceptor"), 3, new float[] {0.8f, 0.1f, 0.1f, 0.2f, 0.7f, 0.1f},
                new byte[] {0, 1}, null, new byte[] {2, 2}, new int[] {0, 0}, List.of("20"), new long[] {10, 20},
                new long[] {30, 40});
        PredictionsFile.write(splice, tmp.resolve("splice.npz"));
        Predictions back = PredictionsFile.read(tmp.resolve("splice.npz"));
        assertEquals(3, back.classes());
        assertEquals(List.of("none", "donor", "acceptor"), back.classNames());
        assertArrayEquals(splice.scores(), back.scores());

        Predictions dhs = new Predictions("dhs", "all", "ebert", Predictions.Kind.REGRESSION, List.of("MCV"), 1,
                new float[] {1.5f, 30f}, new byte[] {1, 1}, new float[] {2f, 41f}, new byte[] {2, 2},
                new int[] {0, 0}, List.of("20"), new long[] {0, 200}, new long[] {200, 400});
        PredictionsFile.write(dhs, tmp.resolve("dhs.npz"));
        assertArrayEquals(dhs.targets(), PredictionsFile.read(tmp.resolve("dhs.npz")).targets());
    }

    /** NumPy reads what Java writes, and Java reads what np.savez writes from the README's recipe. */
    @Test
    void numpyReadsAndWritesTheFormat() throws IOException {
        String python = Python.interpreterWith("numpy");
        Path javaWritten = tmp.resolve("java.npz");
        PredictionsFile.write(binary("ebert"), javaWritten);
        Path numpyWritten = tmp.resolve("numpy.npz");
        String out = Python.script(python, tmp, """
                import json, sys
                import numpy as np
                p = np.load(sys.argv[1])
                m = json.loads(p["manifest.json"])
                print(m["format"], m["kind"], m["model"], p["scores"].dtype, p["labels"].tolist(),
                      list(p["contig_names"][p["contig"]]), p["start"].tolist())
                # What a finetune script in Python would write (float64 scores are accepted too).
                manifest = {"format": "regbert-predictions", "formatVersion": 1, "task": "ctcf",
                            "cellType": "K562", "model": "from-scratch", "kind": "binary", "classNames": ["bound"]}
                np.savez(sys.argv[2], scores=np.array([0.2, 0.4, 0.6, 0.8]),
                         labels=np.array([0, 1, -1, 1], dtype=np.int8), split=np.full(4, 2, dtype=np.int8),
                         contig=np.array([0, 0, 1, 1], dtype=np.int32), contig_names=np.array(["chr20", "chr21"]),
                         start=np.array([0, 200, 0, 200]), end=np.array([200, 400, 200, 400]),
                         **{"manifest.json": np.array(json.dumps(manifest))})
                manifest["model"] = "bytes-manifest"
                np.savez(sys.argv[3], scores=np.array([0.5], dtype=np.float32), labels=np.array([1], dtype=np.int8),
                         split=np.array([2], dtype=np.int8), contig=np.array([0], dtype=np.int32),
                         contig_names=np.array(["chrX"]), start=np.array([5]), end=np.array([9]),
                         **{"manifest.json": np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8)})
                """, javaWritten.toString(), numpyWritten.toString(), tmp.resolve("bytes.npz").toString());
        assertEquals("regbert-predictions binary ebert float32 [1, 0, -1, -2] ['chr20', 'chr20', 'chr21', 'chr21'] "
                + "[0, 200, 50, 250]", out.strip());
        Predictions fromNumpy = PredictionsFile.read(numpyWritten);
        assertEquals("from-scratch", fromNumpy.model());
        assertEquals(Predictions.Coordinates.GENOME, fromNumpy.coordinates(), "no 'coordinates' in the manifest: genome");
        assertArrayEquals(new float[] {0.2f, 0.4f, 0.6f, 0.8f}, fromNumpy.scores());
        assertArrayEquals(new byte[] {0, 1, -1, 1}, fromNumpy.labels());
        assertArrayEquals(new long[] {200, 400, 200, 400}, fromNumpy.end());
        Predictions bytesManifest = PredictionsFile.read(tmp.resolve("bytes.npz"));
        assertEquals("bytes-manifest", bytesManifest.model());
        assertEquals(List.of("chrX"), bytesManifest.contigNames());
    }

    @Test
    void problemsNameTheFile() throws IOException {
        Path notNpz = Files.writeString(tmp.resolve("scores.npz"), "0.1\n0.2\n");
        BadInputException e = assertThrows(BadInputException.class, () -> PredictionsFile.read(notNpz));
        assertTrue(e.getMessage().startsWith(notNpz.toString()), e.getMessage());

        Path missing = tmp.resolve("nothing-here.npz");
        assertThrows(BadInputException.class, () -> PredictionsFile.read(missing));

        Path shard = tmp.resolve("shard.npz");
        try (var out = new org.regbert.shards.NpzWriter(shard)) {
            out.addBytes("manifest.json", "{\"format\":\"regbert-window-shard\"}".getBytes());
        }
        BadInputException wrong = assertThrows(BadInputException.class, () -> PredictionsFile.read(shard));
        assertTrue(wrong.getMessage().contains("not a predictions file"), wrong.getMessage());
    }

    @Test
    void inconsistentPredictionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Predictions("t", "c", "m", Predictions.Kind.BINARY,
                List.of(), 1, new float[3], new byte[2], null, new byte[2], new int[2], List.of("1"), new long[2],
                new long[2]));
        assertThrows(IllegalArgumentException.class, () -> new Predictions("t", "c", "m", Predictions.Kind.BINARY,
                List.of(), 1, new float[1], new byte[1], null, new byte[1], new int[] {1}, List.of("1"), new long[1],
                new long[1]));
        assertThrows(IllegalArgumentException.class, () -> new Predictions("t", "c", "m", Predictions.Kind.REGRESSION,
                List.of(), 1, new float[1], new byte[1], null, new byte[1], new int[1], List.of("1"), new long[1],
                new long[1]));
    }

    @Test
    void selectKeepsOneSplit() {
        Predictions test = binary("ebert").select(2);
        assertEquals(2, test.windows());
        assertArrayEquals(new float[] {0.9f, 0.1f}, test.scores());
        assertEquals(4, binary("ebert").select(-1).windows());
        assertEquals(0, binary("ebert").select(1).select(0).windows());
    }
}
