/*
 * regbert tokenize: k-mer token windows from a reference FASTA -> window shards (.npz).
 * One task tokenizes one reference: the whole genome, the intervals of a BED file, the records of a
 * FASTA of short sequences (ext.args '--fasta-records'), or only the contigs in meta.contigs (the
 * pipeline fans out one task per contig this way). An exclusion BED (e.g. the ENCODE blacklist) drops the
 * windows that share a base with it; ext.args may add --all-contigs and --strict-bases.
 */
process TOKENIZE {
    tag "${meta.id}"
    label 'process_single'

    container 'regbert/tokenize:0.1.0'

    input:
    tuple val(meta), path(fasta), path(fasta_index)   // fasta_index: [.fai, .gzi] beside the FASTA, or []
    path regions                                      // BED of intervals to tile, or []
    path exclude, stageAs: 'exclude/*'                // BED of regions whose windows are dropped (--exclude), or []

    output:
    tuple val(meta), path("${prefix}", type: 'dir'),             emit: shards   // shard-NNNNN.npz + tokenize-summary.json
    tuple val(meta), path("${prefix}/tokenize-summary.json"),    emit: summary
    path "versions.yml",                                         emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def regions_arg = regions ? "--regions '${regions}'" : ''
    def contigs_arg = meta.contigs ? "--contigs '${meta.contigs}'" : ''
    def exclude_arg = exclude ? "--exclude '${exclude}'" : ''
    // The JVM sees the task's CPUs and most of its memory (cgroup limits inside containers, not locally).
    def java_opts = "-XX:ActiveProcessorCount=${task.cpus}" + (task.memory ? " -Xmx${(task.memory.toMega() * 0.8) as long}m" : '')
    """
    export REGBERT_JAVA_OPTS="${java_opts} \${REGBERT_JAVA_OPTS:-}"
    regbert tokenize \\
        --reference '${fasta}' \\
        ${regions_arg} \\
        ${contigs_arg} \\
        ${exclude_arg} \\
        ${args} \\
        --output '${prefix}'

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert tokenize --version | sed 's/^regbert tokenize //')
    END_VERSIONS
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    def stub_args = task.ext.args ?: ''
    def stub_regions = regions ? "--regions '${regions}'" : ''
    def stub_exclude = exclude ? "--exclude '${exclude}'" : ''
    // The options the script would pass, for the stub tests of the pipeline's wiring.
    """
    cat <<-'END_COMMAND' > stub-command.txt
    regbert tokenize --reference '${fasta}' ${stub_regions} ${stub_exclude} ${stub_args}
    END_COMMAND
    mkdir -p '${prefix}'
    touch '${prefix}/shard-00000.npz'
    cat <<-END_SUMMARY > '${prefix}/tokenize-summary.json'
    {
      "windows" : 0,
      "tokens" : 0,
      "shards" : 1,
      "stub" : true,
      "shardFiles" : [ "shard-00000.npz" ]
    }
    END_SUMMARY

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert tokenize --version | sed 's/^regbert tokenize //')
    END_VERSIONS
    """
}
