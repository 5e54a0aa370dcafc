/*
 * regbert score: a fine-tuned model (FINETUNE's run folder) run over reference windows: the windows of
 * BED intervals -> a bedGraph (or, with ext.bigwig, a bigWig) of probabilities (one per output column),
 * optionally the pooled embeddings;
 * or the variants of a VCF -> the VCF with RB_REF/RB_ALT/RB_DIFF/RB_LOGOR (bgzipped + tabix).
 * The model folder is staged as finetuned/, the targets as targets/, the state file and an exclusion BED
 * (annotation_args: --exclude) as annotations/.
 * Output: <prefix>/<prefix>.bedgraph (regions; one per column: <prefix>.<column>.bedgraph; .bw with ext.bigwig) or
 * <prefix>/<prefix>.vcf.gz (+ .tbi), and <prefix>/<prefix>.score-summary.json; ext.args may add
 * --embeddings '<prefix>/<prefix>.embeddings.npz' (the folder of the output).
 */
process SCORE {
    tag "${meta.id}"
    label 'process_low'

    container 'regbert/score:0.1.0'

    input:
    tuple val(meta), path(model, stageAs: 'finetuned'), path(targets, stageAs: 'targets/*'), val(target_args)
    // model: FINETUNE.out.model's folder (meta.id names the output); targets: the BED (--regions) or VCF (--vcf)
    // that target_args names, e.g. --regions 'targets/tss.bed' or --vcf 'targets/gwas.vcf.gz'
    tuple path(fasta), path(index)                       // reference FASTA (plain or bgzip) and its .fai/.gzi, or []
    path annotations, stageAs: 'annotations/*'           // the state file of EBERT models, or []
    val annotation_args                                  // e.g. --peaks 'annotations/dhs.bed.gz:DHS' --exclude 'annotations/blacklist.bed.gz', or ''

    output:
    tuple val(meta), path("${prefix}", type: 'dir'),                      emit: scores    // bedGraph(s) or VCF, summary, embeddings
    tuple val(meta), path("${prefix}/*.score-summary.json"),              emit: summary
    path "versions.yml",                                                  emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def variants = target_args.toString().startsWith('--vcf')
    // Regions: bedGraph, or bigWig when ext.bigwig is set (score picks the format by the output's name).
    def extension = variants ? "vcf.gz" : (task.ext.bigwig ? "bw" : "bedgraph")
    def java_opts = "-XX:ActiveProcessorCount=${task.cpus}" + (task.memory ? " -Xmx${(task.memory.toMega() * 0.4) as long}m" : '')
    """
    export REGBERT_JAVA_OPTS="${java_opts} \${REGBERT_JAVA_OPTS:-}"
    mkdir -p '${prefix}'
    regbert score \\
        --model finetuned \\
        --reference '${fasta}' \\
        ${target_args} \\
        ${annotation_args} \\
        ${args} \\
        --threads ${task.cpus} \\
        --output '${prefix}/${prefix}.${extension}' \\
        --quiet

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert score --version | sed 's/^regbert score //')
    END_VERSIONS
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    def variants = target_args.toString().startsWith('--vcf')
    def stub_args = task.ext.args ?: ''
    // The options the script would pass, for the stub tests of the pipeline's wiring.
    """
    cat <<-'END_COMMAND' > stub-command.txt
    regbert score --model finetuned ${target_args} ${annotation_args} ${stub_args} --output '${prefix}/${prefix}.${variants ? 'vcf.gz' : (task.ext.bigwig ? 'bw' : 'bedgraph')}'
    END_COMMAND
    mkdir -p '${prefix}'
    touch '${prefix}/${prefix}.${variants ? 'vcf.gz' : (task.ext.bigwig ? 'bw' : 'bedgraph')}'
    echo '{"stub":true,"mode":"${variants ? 'variants' : 'regions'}","model":'\$([ -d finetuned ] && echo true || echo false)'}' > '${prefix}/${prefix}.score-summary.json'

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert score --version | sed 's/^regbert score //')
    END_VERSIONS
    """
}
