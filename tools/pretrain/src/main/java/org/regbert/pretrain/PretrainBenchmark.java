package org.regbert.pretrain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.regbert.shards.KmerVocabulary;

/**
 * Training throughput of EBERT (forward + backward + AdamW, tokens per second) for the tiny and
 * small presets, and the same architecture in PyTorch-Python ({@code bench/pretrain_peer.py}) with
 * the same thread count, run alternately so both see the same machine load.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp "tools/pretrain/target/quarkus-app/lib/main/*:tools/pretrain/target/quarkus-app/app/*" \
 *     org.regbert.pretrain.PretrainBenchmark --threads 2 --peer bench/pretrain_peer.py --python /usr/bin/python3
 * </pre>
 *
 * Options: --presets tiny,small; --steps N (timed steps per run, default 100 tiny (about 3 s) / 8 small);
 * --warmup N (untimed steps at the start of every run, default 3); --repeats N (best of N, default 2; with
 * a peer, each repeat is a pair: ours, then the peer, and the pairs' ratios are printed with their
 * median); --threads N (default 2); --warmup-seconds S (untimed runs of ours before each preset's
 * pairs, JMH-style JIT warm-up, default 3).
 */
public final class PretrainBenchmark {
    private PretrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> presets = List.of("tiny", "small");
        int threads = 2;
        Integer steps = null;
        int warmup = 3;
        double warmupSeconds = 3;
        int repeats = 2;
        String peer = null;
        String python = "/usr/bin/python3";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--presets" -> presets = List.of(args[++i].split(","));
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--peer" -> peer = args[++i];
                case "--python" -> python = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engine engine = Engine.getEngine("PyTorch");
        System.out.printf(Locale.ROOT, "pretrain benchmark: EBERT forward+backward+AdamW, %d threads, DJL %s, libtorch %s%n",
                threads, Engine.getDjlVersion(), engine.getVersion());
        for (String preset : presets) {
            int timed = steps != null ? steps : preset.equals("tiny") ? 100 : 8;
            double best = 0;
            double bestPeer = 0;
            String peerInfo = "";
            // Each repeat runs ours then the peer back to back; their ratio is one "pair". The load
            // of this shared machine moves both sides, so the pairs' median says more than one pair.
            List<Double> pairRatios = new ArrayList<>();
            // Untimed runs first, as JMH's warm-up iterations: the JIT compiles the Java side of a
            // step over its first hundred or so steps (a JVM's first runs of tiny were measured up
            // to 25 % slower than its later ones); Python has no such phase.
            long warmUpEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            while (System.nanoTime() < warmUpEnd) {
                djl(engine, preset, Math.max(1, timed / 3), 0);
            }
            for (int r = 0; r < repeats; r++) {
                double ours = djl(engine, preset, timed, warmup);
                best = Math.max(best, ours);
                if (peer != null) {
                    JsonNode result = runPeer(python, peer, preset, threads, timed, warmup);
                    double theirs = result.path("tokensPerSecond").asDouble();
                    bestPeer = Math.max(bestPeer, theirs);
                    pairRatios.add(ours / theirs);
                    peerInfo = "torch " + result.path("torch").asText() + ", " + result.path("blas").asText();
                }
            }
            PretrainConfig c = config(preset);
            String shape = String.format(Locale.ROOT, "%d layers x %d hidden, %d x %d tokens", c.architecture.layers,
                    c.architecture.hidden, c.training.batchSize, c.architecture.maxLength);
            if (peer != null) {
                System.out.printf(Locale.ROOT, "pretrain %s (%s): DJL %.0f tokens/s, PyTorch-Python %.0f tokens/s (%s);"
                        + " ratio %.2f best to best, %s (target >= 1.0)%n", preset, shape, best, bestPeer, peerInfo,
                        best / bestPeer, pairs(pairRatios));
            } else {
                System.out.printf(Locale.ROOT, "pretrain %s (%s): DJL %.0f tokens/s%n", preset, shape, best);
            }
        }
    }

    /** "median 1.02 of pairs 0.98 1.02 1.05". */
    static String pairs(List<Double> ratios) {
        if (ratios.isEmpty()) {
            return "no pairs";
        }
        List<Double> sorted = new ArrayList<>(ratios);
        sorted.sort(null);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "median %.2f of pairs", median));
        for (double ratio : ratios) {
            text.append(String.format(Locale.ROOT, " %.2f", ratio));
        }
        return text.toString();
    }

    static PretrainConfig config(String preset) {
        ObjectNode overrides = ConfigLoader.JSON.createObjectNode();
        overrides.put("preset", preset);
        return ConfigLoader.resolve(ConfigLoader.JSON.createObjectNode(), overrides, null);
    }

    /** Tokens per second of {@code timed} EBERT training steps on random 6-mer batches. */
    static double djl(Engine engine, String preset, int timed, int warmup) {
        PretrainConfig config = config(preset);
        int b = config.training.batchSize;
        int s = config.architecture.maxLength;
        Vocabularies vocab = new Vocabularies(new KmerVocabulary(6).tokens(), 6, KmerVocabulary.specialTokenIds(), s - 2,
                true, "peaks", List.of("none", "closed", "open"), List.of("cell"), null, 0, null, null, null);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            engine.setRandomSeed(1);
            PretrainingModel model = PretrainingModel.create(config, vocab);
            model.initializeParameters(manager, s);
            try (AdamW optimizer = new AdamW(manager, model.getParameters(), config.training.weightDecay)) {
                SplittableRandom random = new SplittableRandom(7);
                long tokens = 0;
                long start = 0;
                for (int step = 1; step <= warmup + timed; step++) {
                    if (step == warmup + 1) {
                        start = System.nanoTime();
                        tokens = 0;
                    }
                    Batch batch = randomBatch(random, b, s);
                    Training.step(engine, manager, model, optimizer, config, step, 1e-4, new Batch[] {batch});
                    tokens += (long) b * s;
                }
                return tokens / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** [CLS] random k-mers [SEP], states 1/2, 15% of the k-mers masked (the peer draws alike). */
    static Batch randomBatch(SplittableRandom random, int b, int s) {
        int[] tokens = new int[b * s];
        int[] states = new int[b * s];
        List<Integer> positions = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        for (int j = 0; j < b; j++) {
            tokens[j * s] = KmerVocabulary.CLS;
            tokens[j * s + s - 1] = KmerVocabulary.SEP;
            for (int p = 1; p < s - 1; p++) {
                int id = KmerVocabulary.FIRST_KMER + random.nextInt(4096);
                states[j * s + p] = 1 + random.nextInt(2);
                if (random.nextDouble() < 0.15) {
                    positions.add(j * s + p);
                    targets.add(id);
                    id = KmerVocabulary.MASK;
                }
                tokens[j * s + p] = id;
            }
        }
        return new Batch(b, s, tokens, states, null, positions.stream().mapToInt(Integer::intValue).toArray(),
                targets.stream().mapToInt(Integer::intValue).toArray(), null, null, (long) b * s, 0, 0, null, null, null,
                null, null);
    }

    static JsonNode runPeer(String python, String script, String preset, int threads, int steps, int warmup)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(python, script, "--preset", preset, "--threads",
                Integer.toString(threads), "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup));
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        builder.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        Process process = builder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(out);
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the Python peer failed (exit " + process.exitValue() + ")");
        }
        String text = out.toString(StandardCharsets.UTF_8).strip();
        return ConfigLoader.JSON.readTree(text.substring(text.lastIndexOf('\n') + 1));
    }
}
