/*
 * regbert align: chromatin states, peaks, motif scores, labels and train/validation/test holdouts
 * onto the window shards of one TOKENIZE task -> self-contained annotated shards (.npz).
 * One task aligns one shard folder: the pipeline runs one ALIGN per TOKENIZE task, so a per-contig
 * tokenize fan-out (--contigs) fans out here as well. Negative sampling (--negatives_per_positive)
 * is drawn over the windows of one task. Every input file comes through annotations/annotation_args:
 * segmentations, peaks (BED-like or bigBed), bigWig signal (--signal), motif files, labels (BED, BEDPE or
 * ENCODE-DREAM tables: --labels TASK=FILE.tsv.gz), relaxed peaks, a chain, and an exclusion BED (--exclude).
 */
process ALIGN {
    tag "${meta.id}"
    label 'process_single'

    container 'regbert/align:0.1.0'

    input:
    tuple val(meta), path(shards, stageAs: 'input/*')   // folder of shard-NNNNN.npz (TOKENIZE.out.shards)
    path annotations, stageAs: 'annotations/*'         // every file annotation_args names, or []
    val annotation_args                                // e.g. --peaks 'annotations/dhs.bb:DHS' --signal 'annotations/K562.bw:K562' --labels 'ctcf=annotations/CTCF.train.labels.tsv.gz'

    output:
    tuple val(meta), path("${prefix}", type: 'dir'),          emit: shards   // shard-NNNNN.npz + align-summary.json
    tuple val(meta), path("${prefix}/align-summary.json"),    emit: summary
    path "versions.yml",                                      emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def java_opts = "-XX:ActiveProcessorCount=${task.cpus}" + (task.memory ? " -Xmx${(task.memory.toMega() * 0.8) as long}m" : '')
    """
    export REGBERT_JAVA_OPTS="${java_opts} \${REGBERT_JAVA_OPTS:-}"
    regbert align \\
        --shards '${shards}' \\
        ${annotation_args} \\
        ${args} \\
        --threads ${task.cpus} \\
        --output '${prefix}'

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert align --version | sed 's/^regbert align //')
    END_VERSIONS
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    def stub_args = task.ext.args ?: ''
    // The options the script would pass, for the stub tests of the pipeline's wiring.
    """
    cat <<-'END_COMMAND' > stub-command.txt
    regbert align --shards '${shards}' ${annotation_args} ${stub_args}
    END_COMMAND
    mkdir -p '${prefix}'
    for shard in '${shards}'/shard-*.npz; do
        touch "${prefix}/\$(basename "\$shard")"
    done
    cat <<-END_SUMMARY > '${prefix}/align-summary.json'
    {
      "shards" : \$(ls '${prefix}' | grep -c '^shard-'),
      "windows" : 0,
      "stub" : true
    }
    END_SUMMARY

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert align --version | sed 's/^regbert align //')
    END_VERSIONS
    """
}
