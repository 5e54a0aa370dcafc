#!/usr/bin/env nextflow
/*
 * regbert as a Nextflow pipeline. Stages land one module at a time (modules/<stage>/main.nf);
 * for now the pipeline runs tokenize, then align when an annotation is given (--states, --peaks,
 * --motifs or --labels; one ALIGN task per TOKENIZE task):
 *
 *   nextflow run nextflow/main.nf -profile local --reference hg19.chr20.fa.gz --outdir results
 *   nextflow run nextflow/main.nf -profile podman --reference hg19.fa.gz --contigs 20,21,22   # one task per contig
 *   nextflow run nextflow/main.nf -profile local --reference hg19.chr20.fa.gz --regions tss.bed --contig_alias chr20=20
 *
 *   nextflow run nextflow/main.nf -profile local --reference hg19.chr20.fa.gz --regions tss.bed --contig_alias chr20=20 \
 *       --peaks uw-dhs-master.hg19.bed.gz:DHS --labels promoter=RefSeqTSS.hg19.bed.gz --skip_missing_contigs \
 *       --holdout_test 20:50000000-63025520
 *
 * Pre-training after align, behind --pretrain_steps (off by default): one PRETRAIN task on the shards
 * of every ALIGN task together:
 *
 *   nextflow run nextflow/main.nf -profile local --reference hg19.chr20.fa.gz --regions tss.bed --contig_alias chr20=20 \
 *       --peaks uw-dhs-master.hg19.bed.gz:DHS --skip_missing_contigs --holdout_valid 20:0-5000000 \
 *       --pretrain_steps 300 --pretrain_model ebert --pretrain_preset tiny
 *
 * Fine-tuning after pre-training, behind --finetune_task (off by default): one FINETUNE task on the labelled
 * shards of every ALIGN task, from this run's PRETRAIN (or --finetune_checkpoint DIR); --finetune_from_scratch
 * adds the from-scratch baseline (or is the only model without a pre-trained one); then one EVALUATE over
 * every fine-tuned model (--evaluate false: none), with the kmer-lr baseline row when it predicts on the shards
 * (--evaluate_on_shards; --evaluate_baseline false: no baseline):
 *
 *   nextflow run nextflow/main.nf -profile local --reference hg19.chr20.fa.gz --regions tss.bed --contig_alias chr20=20 \
 *       --peaks uw-dhs-master.hg19.bed.gz:DHS --labels promoter=RefSeqTSS.hg19.bed.gz --skip_missing_contigs \
 *       --holdout_valid 20:0-5000000 --holdout_test 20:50000000-63025520 --pretrain_steps 300 \
 *       --finetune_task promoter --finetune_from_scratch
 *
 * Scoring after fine-tuning, behind --score_regions BED and/or --score_vcf VCF: one SCORE task per input with
 * the fine-tuned model (the pre-trained one's; the from-scratch one only when it is the only model) (bedGraph,
 * or bigWig with --score_bigwig, or the VCF with RB_* INFO fields); EBERT models read the states or peaks file
 * of align (the first --states spec, else the first --peaks spec; --pretrain_state_array peaks: --peaks).
 *
 * ENCODE formats: --peaks takes bigBed (bigNarrowPeak, bigBroadPeak) as well, --signal FILE.bigWig[:TRACK] adds
 * bigWig signal in align (and makes it run), --labels TASK=FILE.tsv.gz takes ENCODE-DREAM label tables, and
 * --exclude BED (e.g. the ENCODE blacklist) drops the windows it touches in tokenize (--exclude_mode drop, the
 * default) or marks them in align (--exclude_mode mark: excluded = 1, labels -4; align runs), and score skips
 * them either way. --all_contigs keeps GRCh38's alt/random/chrUn/decoy/HLA/EBV contigs when tiling a genome and
 * --strict_bases refuses FASTA characters that are no nucleotide (tokenize).
 *
 *   nextflow run nextflow/main.nf -profile local --reference GRCh38.fa.gz --contigs chr21 --exclude hg38-blacklist.v2.bed.gz \
 *       --signal K562.H3K27ac.fc.bigWig:K562.H3K27ac --labels CTCF=CTCF.train.labels.tsv.gz --holdout_test chr21:40000000-46709983
 *
 * Parameters and their defaults: nextflow.config. Outputs: <outdir>/tokenize/<id>/ (shards and
 * tokenize-summary.json), <outdir>/align/<id>/ (annotated shards and align-summary.json),
 * <outdir>/pretrain/<id>/ (checkpoints, metrics.jsonl, loss.svg, model cards), <outdir>/finetune/<id>/
 * and <id>.scratch/ (model/, predictions/, metrics, summary, model card), <outdir>/evaluate/<id>/ (report),
 * <outdir>/score/<model>.regions/ and <model>.variants/ (bedGraph or VCF, summary),
 * <outdir>/pipeline_info/versions.yml (from the modules' 'versions' topic).
 */
nextflow.enable.dsl = 2

// Parameters of the ENCODE-format options (the others' defaults are in nextflow.config; a value there or on the
// command line takes precedence over these).
params.signal       = null     // comma-separated FILE[:TRACK]: bigWig signal for align (--signal)
params.exclude      = null     // BED of regions to leave out (e.g. the ENCODE blacklist): tokenize or align, and score
params.exclude_mode = 'drop'   // drop: tokenize drops the windows; mark: align marks them (excluded, labels -4)
params.all_contigs  = false    // tokenize: keep alt/random/chrUn/decoy/HLA/EBV contigs when tiling a genome
params.strict_bases = false    // tokenize: refuse FASTA characters that are no nucleotide (default: [UNK], counted)
params.score_bigwig = false    // score: regions as bigWig (<id>.bw) instead of bedGraph
nextflow.preview.topic = true   // versions.yml of every module go to the 'versions' topic channel

include { TOKENIZE } from './modules/tokenize/main'
include { ALIGN    } from './modules/align/main'
include { PRETRAIN } from './modules/pretrain/main'
include { FINETUNE } from './modules/finetune/main'
include { EVALUATE } from './modules/evaluate/main'
include { SCORE    } from './modules/score/main'

/** A contig name as a safe folder name: 20:300001-304000 -> 20_300001-304000. */
def safeName(String name) {
    name.replaceAll(/[^A-Za-z0-9._-]/, '_')
}

/** Comma-separated parameter values, trimmed, empty ones dropped. */
def listParam(value) {
    value ? value.toString().tokenize(',')*.trim().findAll { it } : []
}

/** FILE[:NAME] -> [FILE, NAME or null] (NAME: a cell type; a path's own ':' or '/' is never taken for one). */
def fileAndName(String spec) {
    def matcher = spec =~ /^(.+):([A-Za-z0-9._+-]+)$/
    matcher.matches() ? [matcher.group(1), matcher.group(2)] : [spec, null]
}

/**
 * The files align reads and the options naming them as the task sees them (staged as annotations/NAME):
 * [files, options]; no files when align has nothing to do.
 */
def alignInputs() {
    def files = []
    def args = []
    def stage = { String path ->
        def f = file(path, checkIfExists: true)
        if (files.any { it.name == f.name }) {
            error "regbert: two align inputs are named ${f.name}; every file given to align needs a distinct name"
        }
        files << f
        "annotations/${f.name}"
    }
    def taskAndFile = { String option, String spec ->
        def equals = spec.indexOf('=')
        if (equals < 1 || equals == spec.length() - 1) {
            error "regbert: --${option} takes TASK=FILE (comma-separated), not '${spec}'"
        }
        "--${option} '${spec.substring(0, equals)}=${stage(spec.substring(equals + 1))}'"
    }
    listParam(params.states).each { spec ->
        def (path, cell) = fileAndName(spec)
        args << "--states '${stage(path)}${cell ? ':' + cell : ''}'"
    }
    listParam(params.peaks).each { spec ->
        def (path, cell) = fileAndName(spec)
        args << "--peaks '${stage(path)}${cell ? ':' + cell : ''}'"
    }
    listParam(params.signal).each { spec ->
        def (path, track) = fileAndName(spec)
        args << "--signal '${stage(path)}${track ? ':' + track : ''}'"
    }
    if (params.motifs) {
        args << "--motifs '${stage(params.motifs.toString())}'"
    }
    listParam(params.labels).each { spec -> args << taskAndFile('labels', spec) }
    // Marking excluded windows is an annotation of its own: align runs for it alone.
    if (params.exclude && params.exclude_mode == 'mark') {
        args << "--exclude '${stage(params.exclude.toString())}'"
    }
    def annotated = !files.isEmpty()
    listParam(params.ambiguous).each { spec -> args << taskAndFile('ambiguous', spec) }
    if (params.motif_factors) {
        args << "--motif-factors '${stage(params.motif_factors.toString())}'"
    }
    if (params.liftover) {
        args << "--liftover '${stage(params.liftover.toString())}'"
    }
    if (!annotated && (files || params.holdout_valid || params.holdout_test || params.negatives_per_positive != null)) {
        error "regbert: align options without anything to align: give --states, --peaks, --signal, --motifs or --labels"
    }
    [annotated ? files : [], args.join(' ')]
}

/**
 * The state file EBERT models read in score (the one align gave them): [files, option]. The first
 * --states spec, else the first --peaks spec (--pretrain_state_array peaks: the peaks); none without either.
 */
def scoreStates() {
    def usePeaks = params.pretrain_state_array == 'peaks' || !params.states
    def spec = usePeaks ? listParam(params.peaks)[0] : listParam(params.states)[0]
    if (!spec) {
        return [[], '']
    }
    def (path, cell) = fileAndName(spec)
    def f = file(path, checkIfExists: true)
    [[f], "--${usePeaks ? 'peaks' : 'states'} 'annotations/${f.name}${cell ? ':' + cell : ''}'"]
}

/** The exclusion BED for score, staged beside the state file: [files, option]; none without --exclude. */
def scoreExclude(List stateFiles) {
    if (!params.exclude) {
        return [[], '']
    }
    def f = file(params.exclude.toString(), checkIfExists: true)
    if (stateFiles.any { it.name == f.name }) {
        error "regbert: --exclude and the state file score reads are both named ${f.name}; rename one"
    }
    [[f], "--exclude 'annotations/${f.name}'"]
}

workflow {
    if (!params.reference) {
        error "regbert: --reference is required (a FASTA, plain or bgzip); see nextflow/README.md"
    }
    if (params.regions && params.fasta_records) {
        error "regbert: --regions and --fasta_records exclude each other"
    }
    if (params.contigs && (params.regions || params.fasta_records)) {
        error "regbert: --contigs tiles whole contigs; it does not combine with --regions or --fasta_records"
    }
    def fasta = file(params.reference, checkIfExists: true)
    // An index beside the FASTA travels with it; without one each task builds its own.
    def index = [file("${fasta}.fai"), file("${fasta}.gzi")].findAll { it.exists() }
    def regions = params.regions ? file(params.regions, checkIfExists: true) : []
    if (!(params.exclude_mode in ['drop', 'mark'])) {
        error "regbert: --exclude_mode is drop (tokenize drops the windows) or mark (align marks them), not '${params.exclude_mode}'"
    }
    def exclude = params.exclude ? file(params.exclude.toString(), checkIfExists: true) : null
    if (params.score_bigwig && !params.score_regions) {
        error "regbert: --score_bigwig writes region scores: give --score_regions BED"
    }
    def id = params.id ?: fasta.name.replaceAll(/\.(fa|fasta|fna)(\.gz)?$/, '')

    if (params.contigs) {
        // Fan out: one task per contig, all in parallel (whole contigs are independent).
        ch_input = Channel
            .fromList(params.contigs.toString().tokenize(',')*.trim().findAll { it }.unique())
            .map { contig -> [[id: "${id}.${safeName(contig)}", contigs: contig], fasta, index] }
    } else {
        ch_input = Channel.of([[id: id], fasta, index])
    }

    def (align_files, align_args) = alignInputs()
    if (params.pretrain_steps && !align_files) {
        error "regbert: --pretrain_steps trains on annotated shards: give --states, --peaks, --signal, --motifs or --labels so that align runs"
    }
    def pretrain_config = params.pretrain_config ? file(params.pretrain_config, checkIfExists: true) : []
    def finetune_checkpoint = params.finetune_checkpoint ? file(params.finetune_checkpoint, checkIfExists: true) : null
    if (params.finetune_task) {
        if (!align_files) {
            error "regbert: --finetune_task trains on labelled shards: give --labels TASK=FILE (and holdouts) so that align runs"
        }
        if (!params.pretrain_steps && !finetune_checkpoint && !params.finetune_from_scratch) {
            error "regbert: --finetune_task needs a pre-trained model (--pretrain_steps or --finetune_checkpoint DIR) or --finetune_from_scratch"
        }
        if (params.pretrain_steps && finetune_checkpoint) {
            error "regbert: --finetune_checkpoint and --pretrain_steps exclude each other (which model should be fine-tuned?)"
        }
    } else if (finetune_checkpoint || params.finetune_from_scratch || params.finetune_steps) {
        error "regbert: finetune options without --finetune_task"
    }
    if ((params.score_regions || params.score_vcf) && !params.finetune_task) {
        error "regbert: --score_regions and --score_vcf score fine-tuned models: give --finetune_task"
    }

    TOKENIZE(ch_input, regions, exclude && params.exclude_mode == 'drop' ? exclude : [])

    if (align_files) {
        // One ALIGN per TOKENIZE task: a per-contig fan-out stays parallel.
        ALIGN(TOKENIZE.out.shards, align_files, align_args)
        ALIGN.out.summary
            .map { meta, summary -> "${meta.id}\t${new groovy.json.JsonSlurper().parse(summary).windows}" }
            .collectFile(name: 'align-windows.tsv', storeDir: "${params.outdir}/pipeline_info", newLine: true, sort: true)

        if (params.pretrain_steps) {
            // One model on all annotated shards: the ALIGN folders (one per contig with --contigs) are collected.
            ch_pretrain = ALIGN.out.shards
                .map { meta, shards -> shards }
                .collect(sort: true)
                .map { folders -> [[id: id], folders] }
            PRETRAIN(ch_pretrain, pretrain_config)
        }

        if (params.finetune_task) {
            // The same collected shard folders as PRETRAIN; one FINETUNE per base model (pre-trained, scratch).
            ch_labelled = ALIGN.out.shards
                .map { meta, shards -> shards }
                .collect(sort: true)
            ch_base = Channel.empty()
            if (params.pretrain_steps) {
                ch_base = ch_base.mix(PRETRAIN.out.model.map { meta, model -> [[id: id, base: 'pretrained'], model] })
            } else if (finetune_checkpoint) {
                ch_base = ch_base.mix(Channel.of([[id: id, base: 'pretrained'], finetune_checkpoint]))
            }
            if (params.finetune_from_scratch) {
                ch_base = ch_base.mix(Channel.of([[id: "${id}.scratch", base: 'scratch'], []]))
            }
            // GeneBERT reads align's motif matrices: the motif file goes along, so the model keeps a copy for score
            def finetune_motifs = params.motifs && params.pretrain_model == 'genebert' ? file(params.motifs.toString()) : []
            FINETUNE(ch_base.combine(ch_labelled.map { folders -> [folders] }), finetune_motifs)

            if (params.evaluate) {
                // One report over every fine-tuned model (the scratch baseline first: see the module).
                ch_models = FINETUNE.out.model
                    .map { meta, model -> model }
                    .collect(sort: true)
                    .map { models -> [[id: id], models] }
                EVALUATE(ch_models, params.evaluate_on_shards ? ch_labelled : [])
            }

            if (params.score_regions || params.score_vcf) {
                // Every fine-tuned model over each input; staged as targets/<name>.
                def targets = []
                if (params.score_regions) {
                    def bed = file(params.score_regions, checkIfExists: true)
                    targets << ['regions', bed, "--regions 'targets/${bed.name}'"]
                }
                if (params.score_vcf) {
                    def vcf = file(params.score_vcf, checkIfExists: true)
                    targets << ['variants', vcf, "--vcf 'targets/${vcf.name}'"]
                }
                // The from-scratch model is an ablation baseline: scored only when it is the only model.
                def scratch_only = !params.pretrain_steps && !finetune_checkpoint
                ch_score = FINETUNE.out.model
                    .filter { meta, model -> meta.base == 'pretrained' || scratch_only }
                    .combine(Channel.fromList(targets))
                    .map { meta, model, kind, target, args -> [[id: "${meta.id}.${kind}"], model, target, args] }
                def (score_files, score_args) = scoreStates()
                def (exclude_files, exclude_args) = scoreExclude(score_files)
                SCORE(ch_score, [fasta, index], score_files + exclude_files, [score_args, exclude_args].findAll { it }.join(' '))
            }
        }
    }

    TOKENIZE.out.summary
        .map { meta, summary -> "${meta.id}\t${new groovy.json.JsonSlurper().parse(summary).windows}" }
        .collectFile(name: 'tokenize-windows.tsv', storeDir: "${params.outdir}/pipeline_info", newLine: true, sort: true)
    Channel.topic('versions')
        .map { versions -> versions.text }
        .unique()
        .collectFile(name: 'versions.yml', storeDir: "${params.outdir}/pipeline_info", sort: true)
}
