package org.regbert.serve;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the service holds for one reference ({@code state/references/ID/state.json}, ID = assembly +
 * the first 12 hex digits of the FASTA's SHA-256): its token shards, the epigenome files aligned onto
 * them, the labels, the models made from them and the VCFs waiting for a model. Everything a later
 * stage reads comes from here, so the shards, models and labels of two references never mix.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ReferenceState {
    public String id;
    public String assembly;
    /** The reference FASTA (the tokenize run's copy of the input; its .fai names the contigs). */
    public String fasta;
    /** Token shards (tokenize output). */
    public String tokens;
    /**
     * Epigenome inputs aligned so far, in arrival order: "--peaks PATH:CELL", "--states PATH:CELL" or
     * "--signal PATH:TRACK" (a bigWig).
     */
    public List<String> epigenomes = new ArrayList<>();
    /** Shards with the accessibility / state arrays that pre-training reads (the latest align of them). */
    public String accessibility;
    /** Label files by task (the latest of each). */
    public Map<String, String> labels = new LinkedHashMap<>();
    /** Labelled shards by task (align output with --labels). */
    public Map<String, String> labelled = new LinkedHashMap<>();
    /** Tasks whose labelled shards were aligned before any epigenome: fine-tuned and scored on sequence alone. */
    public java.util.Set<String> sequenceOnly = new java.util.LinkedHashSet<>();
    /** The pre-trained model (pretrain output directory). */
    public String pretrained;
    /** Fine-tuned models by task, and the labelled shards each was trained on. */
    public Map<String, String> finetuned = new LinkedHashMap<>();
    public Map<String, String> finetunedFrom = new LinkedHashMap<>();
    /** The model VCFs are scored with: the latest fine-tuned one, and its task. */
    public String model;
    public String modelTask;
    /** VCF runs that arrived before a fine-tuned model: scored (once) after the next fine-tuning. */
    public List<Pending> pendingVcfs = new ArrayList<>();

    /** The epigenomes that give per-token states (peaks, chromatin states), not bigWig signal. */
    public List<String> stateEpigenomes() {
        return epigenomes.stream().filter(e -> !e.startsWith("--signal ")).toList();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Pending {
        public String runId;
        public String vcf;

        public Pending() {
        }

        Pending(String runId, String vcf) {
            this.runId = runId;
            this.vcf = vcf;
        }
    }
}
