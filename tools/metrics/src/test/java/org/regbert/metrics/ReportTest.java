package org.regbert.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.common.BadInputException;

class ReportTest {
    private static final Evaluator.Settings SETTINGS = new Evaluator.Settings(2, 0.5,
            new Bootstrap.Settings(200, 7, 0.95));

    @TempDir
    Path tmp;

    /**
     * Synthetic DREAM-like windows on three held-out contigs of 3 Mb each (plus training windows that must be
     * ignored): three models of rising noise, a splice task and a DHS level task.
     */
    static List<Predictions> synthetic() {
        Random random = new Random(20);
        int n = 3000;
        byte[] labels = new byte[n];
        byte[] split = new byte[n];
        int[] contig = new int[n];
        long[] start = new long[n];
        long[] end = new long[n];
        byte[] splice = new byte[n];
        float[] level = new float[n];
        double[] signal = new double[n];
        for (int i = 0; i < n; i++) {
            contig[i] = i % 4;
            split[i] = (byte) (contig[i] == 3 ? 0 : 2);
            start[i] = (i / 4) * 4_000L; // 750 windows over 3 Mb per contig: three 1 Mb blocks each
            end[i] = start[i] + 200;
            double u = random.nextDouble();
            labels[i] = (byte) (u < 0.15 ? 1 : u < 0.2 ? -1 : 0);
            splice[i] = (byte) (u < 0.1 ? 1 : u < 0.2 ? 2 : 0);
            level[i] = labels[i] == 1 ? 1 + random.nextInt(60) : 0;
            signal[i] = random.nextGaussian();
        }
        List<Predictions> all = new ArrayList<>();
        String[] models = {"ebert-pretrained", "ebert-scratch", "dna-only"};
        double[] noise = {0.6, 1.2, 2.0};
        for (int m = 0; m < models.length; m++) {
            float[] scores = new float[n];
            float[] spliceScores = new float[n * 3];
            float[] levelScores = new float[n];
            for (int i = 0; i < n; i++) {
                double z = (labels[i] == 1 ? 1.5 : 0) + noise[m] * random.nextGaussian();
                scores[i] = (float) (1 / (1 + Math.exp(-(z - 1.5))));
                double sum = 0;
                double[] e = new double[3];
                for (int c = 0; c < 3; c++) {
                    e[c] = Math.exp((splice[i] == c ? 1.5 : 0) + noise[m] * random.nextGaussian());
                    sum += e[c];
                }
                for (int c = 0; c < 3; c++) {
                    spliceScores[i * 3 + c] = (float) (e[c] / sum);
                }
                levelScores[i] = (float) (level[i] + 20 * noise[m] * random.nextGaussian());
            }
            List<String> contigs = List.of("chr20", "chr21", "chr22", "chr1");
            all.add(new Predictions("CTCF", "K562", models[m], Predictions.Kind.BINARY, List.of("bound"), 1,
                    scores, labels, null, split, contig, contigs, start, end));
            all.add(new Predictions("splice", "none", models[m], Predictions.Kind.MULTICLASS,
                    List.of("none", "donor", "acceptor"), 3, spliceScores, splice, null, split, contig, contigs,
                    start, end));
            all.add(new Predictions("dhs", "all", models[m], Predictions.Kind.REGRESSION, List.of("MCV"), 1,
                    levelScores, labels, level, split, contig, contigs, start, end));
        }
        return all;
    }

    @Test
    void evaluatesTheTestSplitAndComparesWithTheBaseline() {
        List<Predictions> predictions = synthetic();
        EvaluationReport report = Evaluator.evaluate(predictions, List.of("a.npz"), SETTINGS);
        assertEquals(3, report.tasks().size());
        TaskResult ctcf = report.tasks().get(0);
        assertEquals("CTCF", ctcf.task());
        assertEquals("1 Mb genomic blocks", ctcf.bootstrapUnit());
        assertEquals(9, ctcf.bootstrapBlocks(), "chr1 is training: three 1 Mb blocks on each of the three test contigs");
        assertEquals(3, ctcf.bootstrapStrata());
        assertEquals(3, ctcf.models().size());
        // Every pair of the three models (0-1, 0-2, 1-2), each for auROC, auPRC and average precision.
        assertEquals(9, ctcf.comparisons().size(), "3 pairs x 3 measures");
        assertEquals(List.of("0-1", "0-2", "1-2"), ctcf.comparisons().stream()
                .map(c -> names(ctcf).indexOf(c.baseline()) + "-" + names(ctcf).indexOf(c.model())).distinct().toList());

        Predictions test = predictions.get(0).select(2);
        BinaryMetrics direct = BinaryMetrics.compute(test.scores(), test.labels(), 0.5);
        BinaryMetrics reported = ctcf.models().get(0).binary();
        assertEquals(direct.auroc(), reported.auroc(), 0);
        assertEquals(direct.auprc(), reported.auprc(), 0);
        assertEquals(direct.averagePrecision(), reported.averagePrecision(), 0);
        assertEquals(direct.mcc(), reported.mcc(), 0);
        assertEquals(test.windows(), ctcf.windows());
        assertEquals(direct.excluded(), ctcf.excluded());
        int positives = 0;
        int negatives = 0;
        int ambiguous = 0;
        for (int i = 0; i < test.windows(); i++) {
            positives += test.labels()[i] == 1 ? 1 : 0;
            negatives += test.labels()[i] == 0 ? 1 : 0;
            ambiguous += test.labels()[i] == -1 ? 1 : 0;
        }
        assertArrayEquals(new long[] {negatives, positives}, ctcf.counts().perClass());
        assertEquals(ambiguous, ctcf.counts().ambiguous());
        assertEquals(positives + negatives, ctcf.counts().scored());
        for (String metric : List.of("auroc", "auprc", "averagePrecision")) {
            ConfidenceInterval interval = ctcf.models().get(0).intervals().get(metric);
            assertTrue(interval.lower() < interval.upper(), metric + " " + interval);
        }

        ConfidenceInterval ci = ctcf.models().get(0).intervals().get("auroc");
        assertTrue(ci.lower() <= reported.auroc() && reported.auroc() <= ci.upper(), ci.toString());
        Comparison scratch = ctcf.comparisons().get(0);
        assertEquals("auroc", scratch.metric());
        assertEquals("ebert-scratch", scratch.model());
        assertEquals(scratch.modelValue() - scratch.baselineValue(), scratch.difference().estimate(), 1e-15);
        assertTrue(scratch.difference().upper() < 0, "noisier model is worse: " + scratch.difference());

        TaskResult splice = report.tasks().get(1);
        assertEquals(List.of("macroAuroc", "macroAuprc", "macroAveragePrecision"),
                splice.comparisons().stream().map(Comparison::metric).distinct().toList());
        TaskResult dhs = report.tasks().get(2);
        assertTrue(dhs.models().get(0).regression().spearman() > dhs.models().get(2).regression().spearman());
        assertTrue(dhs.models().get(0).intervals().containsKey("spearman"));
    }

    @Test
    void modelsMustScoreTheSameWindows() {
        List<Predictions> predictions = synthetic();
        Predictions a = predictions.get(0);
        long[] shifted = a.start().clone();
        shifted[5] += 1;
        Predictions b = new Predictions(a.task(), a.cellType(), "other", a.kind(), a.classNames(), a.classes(),
                a.scores(), a.labels(), null, a.split(), a.contig(), a.contigNames(), shifted, a.end());
        BadInputException e = assertThrows(BadInputException.class,
                () -> Evaluator.evaluate(List.of(a, b), List.of(), SETTINGS));
        assertTrue(e.getMessage().contains("not on the same windows"), e.getMessage());
        assertThrows(BadInputException.class, () -> Evaluator.evaluate(List.of(a, a), List.of(), SETTINGS));
    }

    @Test
    void aModelThatReadOneCellTypesStatesJoinsTheModelsOfLabelsWithoutCellTypes() {
        // dhs/all holds three models; the same windows and labels scored by "ebert-dhs" under cell type DHS
        // (it read DHS states) join them: one task, four rows, 4 x 3 / 2 = 6 pairs x 2 measures = 12 comparisons.
        // A fourth model under K562 on other labels (one flipped) stays a task of its own.
        List<Predictions> predictions = new ArrayList<>(synthetic().stream().filter(p -> p.task().equals("dhs")).toList());
        Predictions a = predictions.get(0);
        predictions.add(new Predictions(a.task(), "DHS", "ebert-dhs", a.kind(), a.classNames(), a.classes(), a.scores(),
                a.labels(), a.targets(), a.split(), a.contig(), a.contigNames(), a.start(), a.end()));
        float[] otherTargets = a.targets().clone();
        otherTargets[0] += 1;
        predictions.add(new Predictions(a.task(), "K562", "k562-model", a.kind(), a.classNames(), a.classes(), a.scores(),
                a.labels(), otherTargets, a.split(), a.contig(), a.contigNames(), a.start(), a.end()));
        EvaluationReport report = Evaluator.evaluate(predictions, List.of(), SETTINGS);
        assertEquals(2, report.tasks().size());
        TaskResult all = report.tasks().get(0);
        assertEquals("all", all.cellType());
        assertEquals(List.of("ebert-pretrained", "ebert-scratch", "dna-only", "ebert-dhs"),
                all.models().stream().map(ModelResult::model).toList());
        assertEquals(12, all.comparisons().size());
        assertEquals("K562", report.tasks().get(1).cellType());
    }

    @Test
    void jsonHtmlAndSvgReports() throws Exception {
        EvaluationReport report = Evaluator.evaluate(synthetic(), List.of("pretrained.npz", "scratch.npz"), SETTINGS);
        Path json = tmp.resolve("evaluate-report.json");
        Path html = tmp.resolve("evaluate-report.html");
        JsonReport.write(report, json);
        HtmlReport.write(report, html);
        List<Path> svgs = ReportFigures.writeSvgFiles(report, tmp.resolve("figures"));
        String example = System.getProperty("regbert.evaluate.example");
        if (example != null) {
            HtmlReport.write(report, Path.of(example));
        }

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("regbert-evaluate-report", root.path("format").asText());
        assertEquals(2, root.path("formatVersion").asInt(), "auprc changed meaning in version 2");
        assertEquals(1_000_000, root.path("settings").path("bootstrapBlockBases").asLong());
        JsonNode task = root.path("tasks").get(0);
        assertEquals("1 Mb genomic blocks", task.path("bootstrapUnit").asText());
        assertEquals(9, task.path("bootstrapBlocks").asInt());
        assertEquals(report.tasks().get(0).counts().perClass()[1], task.path("classCounts").path("positives").asLong());
        assertTrue(task.path("models").get(0).path("intervals").has("averagePrecision"));
        assertTrue(task.path("models").get(0).path("binary").has("averagePrecision"));
        JsonNode splice = root.path("tasks").get(1).path("classCounts").path("perClass");
        assertEquals(List.of("none", "donor", "acceptor"), iterable(splice.fieldNames()));
        JsonNode model = root.path("tasks").get(0).path("models").get(0);
        assertEquals(report.tasks().get(0).models().get(0).binary().auroc(), model.path("metrics").path("auroc").asDouble(), 0);
        assertTrue(model.path("binary").path("roc").path("fpr").size() > 10);
        assertTrue(root.path("tasks").get(0).path("comparisons").get(0).has("pValue"));

        String page = Files.readString(html);
        assertFalse(page.contains("<script"), "no JavaScript");
        assertFalse(page.replace("http://www.w3.org/2000/svg", "").matches("(?s).*(https?:|<link|@import|url\\().*"),
                "nothing external");
        for (String name : List.of("ebert-pretrained", "ebert-scratch", "dna-only", "macro auROC", "Spearman",
                "auPRC (Davis–Goadrich, as ENCODE-DREAM)", "average precision", "bootstrap unit: 1 Mb genomic blocks")) {
            assertTrue(page.contains(name), name);
        }
        Matcher inline = Pattern.compile("(?s)<svg .*?</svg>").matcher(page);
        int charts = 0;
        while (inline.find()) {
            parseXml(inline.group());
            charts++;
        }
        assertEquals(2 + 2 * 3, charts, "ROC and PR for CTCF, and for each splice class");
        assertEquals(charts, svgs.size());
        for (Path svg : svgs) {
            parseXml(Files.readString(svg));
        }
        assertTrue(svgs.get(0).getFileName().toString().equals("CTCF_K562_roc.svg"), svgs.get(0).toString());
    }

    @Test
    void undefinedMetricsAreNullInJsonAndExplainedInHtml() throws IOException {
        Predictions onlyNegatives = new Predictions("CTCF", "HepG2", "ebert", Predictions.Kind.BINARY, List.of(), 1,
                new float[] {0.1f, 0.7f, 0.3f}, new byte[] {0, 0, -1}, null, new byte[] {2, 2, 2},
                new int[] {0, 1, 1}, List.of("chr20", "chr21"), new long[] {0, 0, 200}, new long[] {200, 200, 400});
        EvaluationReport report = Evaluator.evaluate(List.of(onlyNegatives), List.of(), SETTINGS);
        String json = JsonReport.toJson(report).toString();
        assertFalse(json.contains("NaN"), json);
        JsonNode binary = new ObjectMapper().readTree(json).path("tasks").get(0).path("models").get(0).path("binary");
        assertTrue(binary.path("auroc").isNull());
        assertEquals("no positive windows", binary.path("undefinedReason").asText());
        assertTrue(HtmlReport.render(report).contains("ranking metrics undefined, no positive windows"));
    }

    /**
     * Class counts of the evaluated split, by hand: test windows labelled 1, 0, 0, −1, −2, −2 and
     * one training window: 1 positive, 2 negatives scored, 1 ambiguous and 2 not-sampled left out.
     * FASTA-record windows are resampled by record.
     */
    @Test
    void classCountsAndRecordUnitsInTheReport() throws IOException {
        Predictions records = new Predictions("promoter", "all", "m", Predictions.Kind.BINARY, List.of("promoter"), 1,
                new float[] {0.9f, 0.2f, 0.4f, 0.5f, 0.5f, 0.1f, 0.3f}, new byte[] {1, 0, 0, -1, -2, -2, 1}, null,
                new byte[] {2, 2, 2, 2, 2, 2, 0}, new int[] {0, 1, 2, 3, 4, 5, 6},
                List.of("r0", "r1", "r2", "r3", "r4", "r5", "r6"), new long[7], new long[] {200, 200, 200, 200, 200, 200, 200},
                Predictions.Coordinates.FASTA_RECORDS);
        TaskResult task = Evaluator.evaluate(List.of(records), List.of(), SETTINGS).tasks().get(0);
        assertEquals(3, task.counts().scored());
        assertArrayEquals(new long[] {2, 1}, task.counts().perClass());
        assertEquals(1, task.counts().ambiguous());
        assertEquals(2, task.counts().notSampled());
        assertEquals("FASTA records", task.bootstrapUnit());
        assertEquals(3, task.bootstrapBlocks(), "the three scored records");
        JsonNode counts = new ObjectMapper().readTree(JsonReport.toJson(new EvaluationReport(SETTINGS, "v", "now",
                List.of(), List.of(task))).toString()).path("tasks").get(0).path("classCounts");
        assertEquals(1, counts.path("positives").asInt());
        assertEquals(2, counts.path("negatives").asInt());
        assertEquals(1, counts.path("ambiguousExcluded").asInt());
        assertEquals(2, counts.path("notSampledExcluded").asInt());
        String html = HtmlReport.render(new EvaluationReport(SETTINGS, "v", "now", List.of(), List.of(task)));
        assertTrue(html.contains("3 scored (1 positive, 2 negative); excluded: 1 ambiguous, 2 not sampled"), html);
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    @Test
    void seededReportsAreReproducible() {
        List<Predictions> predictions = synthetic();
        String a = JsonReport.toJson(Evaluator.evaluate(predictions, List.of(), SETTINGS)).toString();
        String b = JsonReport.toJson(Evaluator.evaluate(predictions, List.of(), SETTINGS)).toString();
        assertEquals(a.replaceAll("\"created\":\"[^\"]*\"", ""), b.replaceAll("\"created\":\"[^\"]*\"", ""));
    }

    private static void parseXml(String xml) throws Exception {
        DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> names(TaskResult task) {
        return task.models().stream().map(ModelResult::model).toList();
    }
}
