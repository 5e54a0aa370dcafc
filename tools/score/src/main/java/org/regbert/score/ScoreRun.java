package org.regbert.score;

import htsjdk.tribble.index.tabix.TabixFormat;
import htsjdk.tribble.index.tabix.TabixIndexCreator;
import htsjdk.variant.variantcontext.writer.Options;
import htsjdk.variant.variantcontext.writer.VariantContextWriter;
import htsjdk.variant.variantcontext.writer.VariantContextWriterBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.common.BadInputException;
import org.regbert.common.Progress;
import org.regbert.common.OutputLock;
import org.regbert.common.StagedOutput;
import org.regbert.finetune.FinetunedModel;
import org.regbert.finetune.ShardInputs;
import org.regbert.finetune.TaskSpec;
import org.regbert.genome.ContigResolver;
import org.regbert.genome.ExcludedRegions;
import org.regbert.genome.ReferenceGenome;
import org.regbert.pretrain.SignalLevelCutTable;
import org.regbert.pretrain.Vocabularies;

/**
 * One score run: loads the model and reference, checks the model's inputs can be built, scores
 * regions or variants, and moves the outputs (and the summary) into place only when all succeeded.
 */
final class ScoreRun {
    private final ScoreCommand o;
    private final String stateArray;
    private final String stateOption;
    private final PrintStream err = System.err;
    private Map<String, Long> lengths;
    private ExcludedRegions excluded;

    ScoreRun(ScoreCommand options, String stateArray, String stateOption) {
        this.o = options;
        this.stateArray = stateArray;
        this.stateOption = stateOption;
    }

    void execute() throws IOException {
        Path outputDir = o.output.toAbsolutePath().getParent();
        String outputName = o.output.getFileName().toString();
        ScoreSummary summary = new ScoreSummary();
        try (ReferenceGenome genome = ReferenceGenome.open(o.reference);
                FinetunedModel model = FinetunedModel.load(o.model)) {
            TaskSpec spec = model.spec();
            Vocabularies vocab = model.vocabularies();
            int featureLevels = featureLevels(spec, vocab);
            WindowMotifs motifs = spec.motifs() ? WindowMotifs.open(model.motifs(), o.motifs, vocab,
                    spec.windowTokens(), o.threads == null ? Runtime.getRuntime().availableProcessors() : o.threads,
                    o.run.quiet(), err) : null;
            if (!spec.motifs() && o.motifs != null) {
                throw new BadInputException("--motifs: this model reads no motif matrices (only GeneBERT models"
                        + " fine-tuned on 'align --motifs' shards do); leave the option out");
            }
            lengths = new LinkedHashMap<>(genome.contigLengths());
            Map<String, String> aliases = ContigResolver.parseAliases(o.contigs.aliases());
            ContigResolver contigs = new ContigResolver(List.copyOf(lengths.keySet()), aliases, o.contigs.skipMissing());
            excluded = o.exclude == null ? null : ExcludedRegions.read(o.exclude, lengths, o.contigs.aliases());
            // --signal serves a signal_states model's states, and its signal task features if it has any.
            boolean signalStates = SignalLevelCutTable.STATE_ARRAY.equals(spec.stateArray());
            boolean cellTypeEmbedding = model.encoder().config().architecture.cellTypeEmbedding;
            WindowSignals signals = WindowSignals.open(spec, signalStates && !spec.features().contains(ShardInputs.SIGNAL)
                    ? List.of() : o.signal, lengths, aliases);
            WindowStates states = signalStates
                    ? WindowStates.openSignal(spec, vocab, cellTypeEmbedding, stateArray, o.signal, lengths, aliases,
                            o.run.quiet(), err)
                    : WindowStates.open(spec, vocab, cellTypeEmbedding, stateArray, stateOption, lengths, aliases,
                            o.run.quiet(), err);
            ReferenceWindows windows = new ReferenceWindows(genome, vocab.k(), vocab.overlapping(), spec.windowTokens(),
                    o.maxNFraction);
            summary.put("task", spec.name()).put("head", spec.head().toString().toLowerCase(java.util.Locale.ROOT))
                    .put("outputs", spec.classNames()).put("windowTokens", spec.windowTokens())
                    .put("windowBases", windows.windowBases()).put("k", vocab.k()).put("states", states.description())
                    .put("motifs", motifs == null ? "none (the model reads no motif matrices)"
                            : motifs.description())
                    .put("signal", signals == null ? "none (the model reads no bigWig signal)" : signals.description())
                    .put("batchSize", o.batchSize);
            if (excluded != null) {
                summary.put("exclude", excluded.describe());
            }
            List<String> names = new ArrayList<>();
            String summaryName = ScoreSummary.stem(outputName) + ".score-summary.json";
            // Runs writing other names may share the folder; the stem's files are this run's alone.
            OutputLock claim = OutputLock.acquire(o.output, outputDir.resolve(ScoreSummary.stem(outputName)));
            try (StagedOutput staged = StagedOutput.open(outputDir, claim);
                    ModelRunner runner = new ModelRunner(model, o.batchSize, states.cellTypeId(), featureLevels,
                            motifs);
                    WindowSignals closeSignals = signals;
                    WindowStates closeStates = states) {
                staged.requireAbsent(List.of(summaryName), o.run.overwrite());
                long begin = System.nanoTime();
                if (o.vcf != null) {
                    scoreVariants(spec, contigs, windows, states, signals, runner, staged, outputName, names, summary);
                } else {
                    scoreRegions(model, contigs, windows, states, signals, runner, staged, outputName, names, summary);
                }
                double seconds = (System.nanoTime() - begin) / 1e9;
                summary.put("seconds", Math.round(seconds * 1000) / 1000.0)
                        .put("modelSeconds", Math.round(runner.seconds() * 1000) / 1000.0)
                        .put("windowsPerSecond", ScoreSummary.rate(runner.windows(), seconds));
                if (o.vcf != null) {
                    summary.put("variantsPerSecond", ScoreSummary.rate((Long) summary.get("variantsScored"), seconds));
                }
                names.add(summaryName);
                summary.put("files", names);
                summary.write(staged.stage(summaryName));
                staged.commit();
                if (!o.run.quiet()) {
                    err.println("score: " + runner.windows() + " windows in " + ScoreSummary.seconds(seconds) + " ("
                            + summary.get("windowsPerSecond") + " windows/s"
                            + (o.vcf != null ? ", " + summary.get("variantsPerSecond") + " variants/s" : "") + "); wrote "
                            + String.join(", ", names) + " in " + outputDir);
                }
            }
        }
    }

    /**
     * Task features score can compute: the window mean of the very state array it reads (finetune
     * --feature peaks on a model trained on peaks), scaled by the array's highest level as
     * finetune's ShardInputs does; returns that level count, 0 without features or with bigWig
     * signal features ({@link WindowSignals}). Other feature arrays score cannot build are refused up
     * front, with the reason.
     */
    private int featureLevels(TaskSpec spec, Vocabularies vocab) {
        if (spec.featureNames().isEmpty()) {
            return 0;
        }
        if (spec.features().contains(ShardInputs.SIGNAL)) {
            return 0;  // computed from --signal (WindowSignals)
        }
        boolean own = spec.stateArray() != null && spec.features().equals(List.of(spec.stateArray()))
                && spec.featureNames().equals(List.of(spec.stateArray()));
        if (!own) {
            throw new BadInputException("the model reads task features " + spec.featureNames() + " (finetune --feature):"
                    + " score computes only the window mean of the state array the model reads ('"
                    + spec.stateArray() + "'), not these; score the windows from aligned shards instead");
        }
        if (stateArray == null) {
            throw new BadInputException("the model reads the task feature '" + spec.stateArray() + "' (the window's"
                    + " mean " + spec.stateArray() + " level): pass --" + spec.stateArray() + " FILE[:CELL] to compute it");
        }
        return vocab.states().size() - 1;
    }

    private void scoreRegions(FinetunedModel model, ContigResolver contigs, ReferenceWindows windows,
            WindowStates states, WindowSignals signals, ModelRunner runner, StagedOutput staged, String outputName, List<String> names,
            ScoreSummary summary) throws IOException {
        TaskSpec spec = model.spec();
        int strideTokens = o.stride == null ? spec.windowTokens() : o.stride;
        RegionWindows plan = new RegionWindows(lengths,
                windows.windowBases(), strideTokens * windows.step());
        if (o.regions != null) {
            plan.addBed(o.regions, contigs);
        }
        for (String tile : o.tiles) {
            plan.addTile(tile, contigs);
        }
        List<RegionWindows.Window> list = plan.windows();
        int planned = list.size();
        long excludedWindows = 0;
        if (excluded != null) {
            List<RegionWindows.Window> kept = new ArrayList<>(list.size());
            for (RegionWindows.Window w : list) {
                if (!excluded.overlaps(w.contig(), w.start(), w.end())) {
                    kept.add(w);
                }
            }
            excludedWindows = list.size() - kept.size();
            list = kept;
        }
        boolean bigWig = BedGraphWriter.isBigWig(outputName);
        boolean bgzip = !bigWig && (o.bgzip || outputName.endsWith(".gz"));
        if (bigWig && o.bgzip) {
            throw new BadInputException(o.output, "--bgzip applies to bedGraph output; a bigWig is compressed and"
                    + " indexed already");
        }
        for (int c = 0; c < spec.outputs(); c++) {
            String name = columnFile(outputName, spec, c);
            names.add(name);
            if (bgzip) {
                names.add(name + ".tbi");
            }
        }
        if (o.embeddings != null) {
            if (!o.embeddings.toAbsolutePath().getParent().equals(o.output.toAbsolutePath().getParent())) {
                throw new BadInputException(o.embeddings, "--embeddings must be in the same folder as --output");
            }
            names.add(o.embeddings.getFileName().toString());
        }
        staged.requireAbsent(names, o.run.overwrite());
        float[][] vectors = o.embeddings == null ? null : new float[list.size()][];
        RegionScorer scorer = new RegionScorer(windows, states, runner, o.batchSize).withSignals(signals);
        float[][] scores = scorer.score(list, vectors, Progress.onStderr("score", "windows", list.size(), o.run.quiet()));
        for (int c = 0; c < spec.outputs(); c++) {
            String name = columnFile(outputName, spec, c);
            Path file = staged.stage(name);
            if (bgzip) {
                staged.stage(name + ".tbi");
            }
            if (bigWig) {
                BedGraphWriter.writeBigWig(file, lengths, list, scores, c);
                continue;
            }
            BedGraphWriter.write(file, "regbert " + spec.classNames().get(c), "regbert score: " + spec.name() + " "
                    + spec.head().toString().toLowerCase(java.util.Locale.ROOT) + " " + spec.classNames().get(c), list,
                    scores, c, bgzip);
        }
        if (vectors != null) {
            EmbeddingExport.write(staged.stage(o.embeddings.getFileName().toString()), list, vectors,
                    model.embeddingSize());
        }
        long scored = list.size() - scorer.skippedN();
        Map<String, Long> skipped = new LinkedHashMap<>();
        skipped.put("too_many_n", scorer.skippedN());
        skipped.put("contig_shorter_than_window", plan.tooShortContig());
        skipped.put("contig_not_in_reference", contigs.skipped().values().stream().mapToLong(Long::longValue).sum());
        skipped.put("excluded", excludedWindows);
        summary.put("mode", "regions").put("intervals", plan.intervals()).put("windows", planned)
                .put("windowsScored", scored).put("strideTokens", strideTokens)
                .put("skipped", skipped);
        if (!o.run.quiet() && excludedWindows > 0) {
            err.println("score: left out " + excludedWindows + " windows overlapping --exclude " + o.exclude);
        }
        if (!o.run.quiet() && (scorer.skippedN() > 0 || plan.tooShortContig() > 0)) {
            err.println("score: skipped " + scorer.skippedN() + " windows with more than " + o.maxNFraction
                    + " N bases and " + plan.tooShortContig() + " intervals on contigs shorter than a window");
        }
    }

    /** The bedGraph of output column {@code c}: OUTPUT itself for one column, OUTPUT with '.<column>' otherwise. */
    static String columnFile(String outputName, TaskSpec spec, int c) {
        if (spec.outputs() == 1) {
            return outputName;
        }
        String column = spec.classNames().get(c).replaceAll("[^0-9A-Za-z_.+-]", "_");
        String stem = ScoreSummary.stem(outputName);
        return stem + "." + column + outputName.substring(stem.length());
    }

    private void scoreVariants(TaskSpec spec, ContigResolver contigs, ReferenceWindows windows, WindowStates states,
            WindowSignals signals, ModelRunner runner, StagedOutput staged, String outputName, List<String> names, ScoreSummary summary) {
        boolean gz = outputName.endsWith(".gz") || outputName.endsWith(".bgz");
        names.add(outputName);
        if (gz) {
            names.add(outputName + ".tbi");
        }
        staged.requireAbsent(names, o.run.overwrite());
        Path file = staged.stage(outputName);
        if (gz) {
            staged.stage(outputName + ".tbi");
        }
        VcfAnnotator annotator = new VcfAnnotator(spec);
        VariantScorer scorer = new VariantScorer(o.vcf, contigs, windows, states, runner, annotator,
                o.refMismatch.equals("error"), o.batchSize).excluding(excluded).withSignals(signals);
        String modelLine = "<Task=\"" + spec.name() + "\",Head=" + spec.head() + ",Outputs=\""
                + String.join(",", spec.classNames()) + "\",WindowTokens=" + spec.windowTokens() + ",WindowBases="
                + windows.windowBases() + ",States=\"" + states.description().replace("\"", "'")
                .replaceAll(" from .*", "") + "\">";
        long[] lastReport = {System.nanoTime()};
        scorer.run(header -> {
            VariantContextWriterBuilder builder = new VariantContextWriterBuilder().setOutputPath(file)
                    .setOutputFileType(gz ? VariantContextWriterBuilder.OutputType.BLOCK_COMPRESSED_VCF
                            : VariantContextWriterBuilder.OutputType.VCF)
                    .setOption(Options.ALLOW_MISSING_FIELDS_IN_HEADER).unsetOption(Options.INDEX_ON_THE_FLY);
            if (gz) {
                builder.setIndexCreator(new TabixIndexCreator(TabixFormat.VCF)).setOption(Options.INDEX_ON_THE_FLY);
            }
            VariantContextWriter writer = builder.build();
            writer.writeHeader(annotator.header(header, modelLine));
            return writer;
        }, () -> {
            // The record count is unknown up front: a line every 10 s instead of a bar.
            if (!o.run.quiet() && System.nanoTime() - lastReport[0] > 10_000_000_000L) {
                lastReport[0] = System.nanoTime();
                err.println("score: " + scorer.records() + " VCF records read, " + scorer.scoredRecords() + " scored");
            }
        });
        if (!o.run.quiet()) {
            progressLine(scorer);
        }
        summary.put("mode", "variants").put("records", scorer.records()).put("variantsScored", scorer.scoredRecords())
                .put("allelesScored", scorer.scoredAlleles()).put("indels", scorer.indels())
                .put("refMismatches", scorer.mismatches()).put("refMismatchExamples", scorer.mismatchExamples())
                .put("refMismatchMode", o.refMismatch).put("skipped", scorer.skipped());
    }

    private void progressLine(VariantScorer scorer) {
        err.println("score: " + scorer.records() + " VCF records, " + scorer.scoredRecords() + " scored ("
                + scorer.indels() + " indel ALTs); not scored: " + (scorer.skipped().isEmpty() ? "none"
                : scorer.skipped()));
        if (scorer.mismatches() > 0) {
            err.println("score: " + scorer.mismatches() + " records whose REF differs from the reference were skipped,"
                    + " e.g. " + String.join("; ", scorer.mismatchExamples()));
        }
    }
}
