package org.regbert.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** One automatic run: what triggered it, its inputs with checksums, its stages and errors. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunRecord {
    public String id;
    public String trigger;
    /** running, succeeded, failed (dead-lettered), rejected, ignored, recorded, waiting (a VCF before a model). */
    public String status;
    public String kind;
    /** The reference lane (inbox sub-folder) the input was dropped in; absent for the inbox itself. */
    public String lane;
    /** The reference (state/references/ID) the run read or added to. */
    public String reference;
    public String reason;
    public String created;
    public String finished;
    /**
     * The input's key in the processed journal ({@code LANE/NAME:SHA256}), set with a final outcome that
     * journals it (the same bytes are not run again); absent while running and for an input refused until
     * a reference exists. A restart journals a key its record has and the journal lacks (a kill between
     * the two writes), so a finished input never runs twice.
     */
    public String processedKey;
    /** Deliveries of the input to its stage route (1 + retries). */
    public int attempts;
    public List<Input> inputs = new ArrayList<>();
    public List<Stage> stages = new ArrayList<>();
    public List<String> errors = new ArrayList<>();

    public static class Input {
        public String name;
        public String path;
        public String sha256;
        public long bytes;
    }

    public static class Stage {
        public String stage;
        /**
         * The task a finetune or evaluate entry is for (absent for the other stages): the tasks of one
         * reference fine-tune side by side in one run, each with its own entries.
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public String task;
        /**
         * running, succeeded, failed, rejected, waiting (cannot run until another input arrives; the message
         * says which), not-wired (a stage outside the routes yet), not-landed, interrupted (running when the
         * service was killed: its half-made output folder is removed on restart; the input runs again).
         */
        public String status;
        /** When a worker began it (a stage queued for a worker is "running" with the time it was queued). */
        public String started;
        public String finished;
        public Integer exitCode;
        public List<String> arguments;
        /** The stage's output folder (score: its output file's folder). */
        public String output;
        public List<String> outputs = new ArrayList<>();
        public String message;
        public int attempts;
    }
}
