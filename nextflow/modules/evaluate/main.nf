/*
 * regbert evaluate: the fine-tuned models of FINETUNE scored on held-out windows and compared in one
 * report (report.json, report.html, figures/*.svg, predictions/NAME/*.npz). The model folders are
 * staged as models/<name>/ and named by their folder names in the report; a model whose name ends in
 * '.scratch' (the from-scratch ablation) comes first, so it is the baseline of the paired comparisons.
 * Without shard folders ([]) each model is scored on the predictions its finetune run wrote; with them,
 * every model predicts on the same labelled shards (linked as shards/shard-00000.npz, ...).
 */
process EVALUATE {
    tag "${meta.id}"
    label 'process_low'

    container 'regbert/evaluate:0.1.0'

    input:
    tuple val(meta), path(models, stageAs: 'models/*')   // FINETUNE.out.model folders, collected
    path shard_dirs, stageAs: 'input/*'                  // labelled shard folders (ALIGN.out.shards, collected), or []

    output:
    tuple val(meta), path("${prefix}", type: 'dir'),           emit: report      // report.json, report.html, figures/, predictions/
    tuple val(meta), path("${prefix}/report.json"),            emit: json
    tuple val(meta), path("${prefix}/report.html"),            emit: html
    path "versions.yml",                                       emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def names = (models instanceof List ? models : [models]).collect { it.toString().tokenize('/').last() }
    def model_args = (names.findAll { it.endsWith('.scratch') } + names.findAll { !it.endsWith('.scratch') })
        .collect { "--model '${it}=models/${it}'" }.join(' ')
    def shards_arg = shard_dirs ? '--shards shards' : ''
    def java_opts = "-XX:ActiveProcessorCount=${task.cpus}" + (task.memory ? " -Xmx${(task.memory.toMega() * 0.4) as long}m" : '')
    """
    export REGBERT_JAVA_OPTS="${java_opts} \${REGBERT_JAVA_OPTS:-}"
    mkdir -p shards
    n=0
    for shard in input/*/shard-*.npz; do
        [ -e "\$shard" ] || continue
        ln -s "../\$shard" "shards/\$(printf 'shard-%05d.npz' \$n)"
        n=\$((n + 1))
    done
    regbert evaluate \\
        ${model_args} \\
        ${shards_arg} \\
        ${args} \\
        --output '${prefix}' \\
        --quiet

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert evaluate --version | sed 's/^regbert evaluate //')
    END_VERSIONS
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    def names = (models instanceof List ? models : [models]).collect { it.toString().tokenize('/').last() }
    """
    mkdir -p '${prefix}/figures'
    touch '${prefix}/report.html' '${prefix}/figures/stub_roc.svg'
    echo '{"stub":true,"models":"${names.sort().join(',')}"}' > '${prefix}/report.json'

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert evaluate --version | sed 's/^regbert evaluate //')
    END_VERSIONS
    """
}
