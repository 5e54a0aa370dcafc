package org.regbert.serve;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;

/** {@code regbert.serve.*}: where the service reads, writes and keeps its state. */
@ConfigMapping(prefix = "regbert.serve")
public interface ServeSettings {
    /** Root of everything the service writes (inbox, outputs, state, dead letters). */
    @WithDefault("work/serve")
    Path root();

    default Path inbox() {
        return root().resolve("inbox");
    }

    /** Run outputs ({@code runs/ID/...}): {@code regbert.serve.runs-dir}, by default {@code ROOT/runs}. */
    default Path outputs() {
        return runsDir().orElse(root().resolve("runs"));
    }

    /**
     * Where run outputs go when not under the root: a folder every instance sees when several share a
     * database (run ids are unique across instances). Unset: {@code ROOT/runs}.
     */
    java.util.Optional<Path> runsDir();

    /**
     * PostgreSQL JDBC URL ({@code jdbc:postgresql://HOST:PORT/DB}) of the state several instances share:
     * run records, processed keys, S3 claims, reference states, metadata tables ({@link SharedDatabase}).
     * Unset: files under {@code ROOT/state}.
     */
    java.util.Optional<String> jdbcUrl();

    /** The database user for {@code jdbc-url} (or the URL's {@code user=} parameter). */
    java.util.Optional<String> jdbcUser();

    /** The database password for {@code jdbc-url} (or the URL's {@code password=} parameter). */
    java.util.Optional<String> jdbcPassword();

    default Path state() {
        return root().resolve("state");
    }

    default Path deadLetter() {
        return root().resolve("dead-letter");
    }

    /**
     * Stage runs at once (the bounded worker pool): the bound on how many reference lanes (inbox/LANE/)
     * run a stage side by side; the runs of one lane always go one at a time, in order.
     */
    @WithDefault("1")
    int workers();

    /**
     * Tasks of one reference fine-tuned side by side (bean {@code taskWorkers}: the threads carrying the task
     * split of route stage-finished, shared by all lanes; further tasks queue): each task's finetune,
     * evaluate and score in order, its stages on the workers, so {@code workers} still bounds the stages
     * running at once (set both to 2 or more for two tasks' fine-tunes to overlap).
     */
    @WithDefault("2")
    int taskWorkers();

    /** Used by the inbox route: threads carrying runs (most wait for their lane's turn); stages run on the workers. */
    @WithDefault("16")
    int laneThreads();

    /** Assembly names the references dropped are taken to be (ENCODE 'File assembly' is checked). */
    @WithDefault("hg19,GRCh37")
    List<String> assembly();

    /** Extra arguments to every tokenize run. */
    @WithDefault("--kmer=6,--window=510")
    List<String> tokenizeArgs();

    /** Extra arguments to every align run. */
    @WithDefault("--skip-missing-contigs")
    List<String> alignArgs();

    /** Extra arguments to every pretrain run (with --max-minutes from pretrain-minutes). */
    @WithDefault("--model=ebert,--preset=tiny")
    List<String> pretrainArgs();

    /**
     * Wall-clock budget of the pre-training run made for each new reference (pretrain --max-minutes):
     * tiny EBERT reaches about 1.4 nats of held-out MLM in 10 minutes on 2 cores (the demo: 1 minute).
     */
    @WithDefault("10")
    double pretrainMinutes();

    /** A cap on the pre-training steps (pretrain --steps with the budget: the smaller wins); 0: the budget decides. */
    @WithDefault("0")
    int pretrainSteps();

    /** Wall-clock budget of each fine-tuning run (finetune --max-minutes; the demo: 1). */
    @WithDefault("2")
    double finetuneMinutes();

    /** A cap on the optimiser steps of each fine-tuning run (finetune --max-steps); 0: the budget decides. */
    @WithDefault("0")
    int finetuneMaxSteps();

    /** Extra arguments to every finetune run (epochs high: the budget decides how long it trains). */
    @WithDefault("--epochs=1000,--eval-every=20")
    List<String> finetuneArgs();

    /** Bootstrap replicates of the evaluate report after each fine-tuning. */
    @WithDefault("200")
    int evaluateBootstrap();

    /** Random negatives kept per positive when labels are aligned. */
    @WithDefault("2")
    double negativesPerPositive();

    /**
     * Stage back-end for tokenize and align: {@code in-process} (the stage commands on the worker pool in
     * this JVM; the default) or {@code nextflow} (the route launches {@code nextflow-dir/main.nf -profile
     * local} with the new inputs). pretrain, finetune, evaluate and score run in-process either way.
     */
    @WithDefault("in-process")
    String backend();

    /** The checkout's nextflow/ folder (nextflow.sh, main.nf) for the Nextflow back-end. */
    @WithDefault("nextflow")
    Path nextflowDir();

    /**
     * Token the REST API requires ({@code Authorization: Bearer <token>}); required when
     * {@code quarkus.http.host} is not a loopback address (see {@link ApiToken}).
     */
    java.util.Optional<String> apiToken();

    /** Used by the routes: retries of a failed stage before the dead-letter folder. */
    @WithDefault("3")
    int retries();

    /** Used by the routes: first retry delay (doubles each time). */
    @WithDefault("2000")
    long retryDelayMs();

    /** Used by the routes: a file must be unchanged this long before it is taken. */
    @WithDefault("2000")
    long readLockIntervalMs();

    /** Used by the routes: folder and bucket polling interval. */
    @WithDefault("1000")
    long pollMs();

    /** Used by the routes: how long one poll waits for a changing file before leaving it for the next. */
    @WithDefault("30000")
    long readLockTimeoutMs();

    /**
     * Used by the inbox route and {@link InboxWatch}: names never taken (uploads in progress under a
     * temporary name); they are listed on /runs, and reported once older than the read-lock timeout.
     */
    @WithDefault("^\\..*|.*\\.(part|tmp|partial|crdownload|filepart|uploading)$")
    String inboxExclude();
}
