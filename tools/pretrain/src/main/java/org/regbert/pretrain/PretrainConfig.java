package org.regbert.pretrain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The resolved configuration of a pre-training run: preset defaults, then the config file, then
 * command-line overrides. Saved with every checkpoint (config.json) so a run can be resumed and a
 * checkpoint rebuilt exactly. Field names are the YAML/JSON keys.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"model", "preset", "architecture", "data", "training", "genebert"})
public final class PretrainConfig {
    /** {@code ebert} or {@code genebert}. */
    public String model = "ebert";
    /** {@code tiny}, {@code small} or {@code base}: the defaults the rest overrides. */
    public String preset = "tiny";
    public Architecture architecture = new Architecture();
    public Data data = new Data();
    public Training training = new Training();
    public GeneBert genebert = new GeneBert();

    /** Sizes of the encoders. */
    @JsonPropertyOrder({"layers", "hidden", "heads", "intermediate", "dropout", "maxLength", "alibi", "relativeWindow", "kmerInit", "mlmOutput", "cellTypeEmbedding",
        "regionLayers", "regionHeads"})
    public static final class Architecture {
        public int layers;
        public int hidden;
        public int heads;
        public int intermediate;
        public double dropout;
        /** Tokens per sequence including [CLS] and [SEP]; longer windows are cropped (seeded). */
        public int maxLength;
        /** EBERT: add a learned cell-type embedding to every token. */
        public boolean cellTypeEmbedding;
        /**
         * Add a symmetric ALiBi distance penalty (Press et al. 2022, as in DNABERT-2) to the attention
         * logits, on top of the learned positions: attention starts local, so the model reads
         * neighbouring k-mers within hundreds of steps instead of thousands.
         */
        public boolean alibi = true;
        /**
         * Learned attention bias per head and signed distance within +-relativeWindow tokens (0: none;
         * T5-style, shared by the layers): direction-aware, where ALiBi is symmetric.
         */
        public int relativeWindow;
        /**
         * {@code composed}: k-mer embeddings start as sums of per-position base vectors, so k-mers
         * sharing bases start related (faster to learn the overlap); {@code normal}: BERT's N(0, 0.02).
         */
        public String kmerInit = "composed";
        /**
         * MLM output layer: {@code tied} (BERT: logits over the tied token embedding) or {@code factorised}
         * (one distribution over the bases per k-mer position; see MlmHead). Checkpoints that do not name
         * one were trained tied; the presets name theirs.
         */
        public String mlmOutput = "tied";
        /** GeneBERT: layers and heads of the region encoder. */
        public int regionLayers;
        public int regionHeads;
    }

    /** What is read from the shards and how it is masked. */
    @JsonPropertyOrder({"shards", "stateArray", "cellTypes", "maskRate", "spanBases", "maskStates",
        "stateDropout", "predictDroppedStates", "validFraction", "evalWindows"})
    public static final class Data {
        public String shards;
        /** EBERT: {@code states} or {@code peaks}; null picks states when present, else peaks. */
        public String stateArray;
        /** EBERT: cell types to sample (names in the shards); empty means all. */
        public List<String> cellTypes = new ArrayList<>();
        /** Fraction of tokens masked (in contiguous spans: k + spanBases - 1 tokens for overlapping k-mers). */
        public double maskRate = 0.15;
        /**
         * Bases each masked span hides for overlapping k-mers (spans of k + spanBases - 1 tokens);
         * 1, DNABERT's, by default. Non-overlapping k-mers mask one token per span and need 1.
         */
        public int spanBases = 1;
        /** EBERT: also mask and predict the chromatin state of masked tokens (of windows shown with states). */
        public boolean maskStates;
        /**
         * EBERT: fraction of training windows shown with every state "no annotation" (id 0), as
         * {@code finetune --ignore-states} and sequence-only tasks show them; 0 (the default) never.
         */
        public double stateDropout;
        /**
         * EBERT: predict every token's state in the windows state dropout hides (a state head over the
         * hidden states; masked accessibility modelling). Odd held-out windows are shown without states
         * too, so the held-out 'state' loss is measured.
         */
        public boolean predictDroppedStates;
        /** Held-out fraction when the shards carry no {@code split} array. */
        public double validFraction = 0.05;
        /** Held-out windows scored at each evaluation. */
        public int evalWindows = 256;
    }

    /** Optimisation and bookkeeping. */
    @JsonPropertyOrder({"steps", "maxMinutes", "batchSize", "accumulation", "learningRate", "schedule", "weightDecay",
        "warmupSteps", "warmupFraction", "clipNorm", "seed", "checkpointEvery", "evalEvery", "evals", "keepCheckpoints",
        "device", "threads"})
    public static final class Training {
        /** Optimiser steps; with maxMinutes, the step count the budget fixed (the smaller when both were given). */
        public int steps = 1000;
        /**
         * Wall-clock budget in minutes: the run times a few steps and fixes {@code steps} to what fits
         * (see {@link StepBudget}); null: {@code steps} decides.
         */
        public Double maxMinutes;
        /** Sequences per micro-batch; one optimiser step sees batchSize x accumulation sequences. */
        public int batchSize;
        public int accumulation = 1;
        public double learningRate;
        /** Decay after the warm-up: {@code linear} or {@code cosine}, both to 0 at the last step. */
        public String schedule = "linear";
        public double weightDecay = 0.01;
        /** Linear warm-up steps; null: {@code warmupFraction} of the steps, else 10% of them. */
        public Integer warmupSteps;
        /** Warm-up as a fraction of the steps (rounded), for runs whose step count a budget fixes. */
        public Double warmupFraction;
        public double clipNorm = 1.0;
        public long seed = 1;
        public int checkpointEvery = 500;
        /** Held-out evaluation every N steps (and at the end); 0 only at the end. */
        public int evalEvery = 250;
        /**
         * Evaluations over the run, evenly spaced: {@code evalEvery} becomes steps / evals once the
         * step count is known (a curve of held-out loss for a budgeted run); null: {@code evalEvery}.
         */
        public Integer evals;
        public int keepCheckpoints = 2;
        /** {@code cpu}, {@code gpu} or {@code auto}. */
        public String device = "auto";
        /** Intra-op threads of the engine; 0 leaves the engine's default. */
        public int threads;
    }

    /** GeneBERT's region tasks. */
    @JsonPropertyOrder({"regionMaskRate", "negativeFraction", "shuffledNegatives", "gcMatchedNegatives", "gcTolerance",
        "weights"})
    public static final class GeneBert {
        /**
         * Fraction of motif-matrix regions (columns) masked for reconstruction; the sequence tokens
         * covering a masked region's bases are hidden ([MASK]) too, so it cannot be read off its DNA.
         */
        public double regionMaskRate = 0.25;
        /** Fraction of sequences paired with a motif matrix that is not theirs (sequence-region matching). */
        public double negativeFraction = 0.5;
        /** Of the negatives: the fraction that are the window's own matrix with its region columns shuffled. */
        public double shuffledNegatives = 0.25;
        /** Of the negatives: the fraction that are another window's matrix of about the same GC fraction. */
        public double gcMatchedNegatives = 0.5;
        /** Largest GC-fraction difference of a GC-matched negative. */
        public double gcTolerance = 0.02;
        public LossWeights weights = new LossWeights();
    }

    /** Weights of GeneBERT's three losses. */
    @JsonPropertyOrder({"msm", "mrm", "srm"})
    public static final class LossWeights {
        public double msm = 1.0;
        public double mrm = 1.0;
        public double srm = 1.0;
    }

    @JsonIgnore
    public boolean isGeneBert() {
        return "genebert".equals(model);
    }

    /** Warm-up steps in effect. */
    public int warmupSteps() {
        if (training.warmupSteps != null) {
            return training.warmupSteps;
        }
        if (training.warmupFraction != null) {
            return (int) Math.round(training.warmupFraction * training.steps);
        }
        return Math.max(1, training.steps / 10);
    }

    /** Evaluation interval in effect for a run of {@code steps} steps (0: only at the end). */
    public int evalEvery(long steps) {
        return training.evals != null ? (int) Math.max(1, steps / training.evals) : training.evalEvery;
    }

    /** The learning-rate schedule over {@code training.steps}. */
    public LearningRateSchedule schedule() {
        return new LearningRateSchedule(training.schedule, training.learningRate, warmupSteps(), training.steps);
    }
}
