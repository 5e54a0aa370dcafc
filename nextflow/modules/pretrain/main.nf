/*
 * regbert pretrain: EBERT or GeneBERT masked-language-model pre-training (DJL, libtorch) on the
 * annotated shards of ALIGN -> a run folder (checkpoints, metrics, loss curve, model card).
 * One task trains one model on every shard folder it is given: the pipeline collects all ALIGN
 * tasks (a per-contig fan-out included) into one PRETRAIN task. The folders are staged as
 * input/<name>/ and their shards linked, in name order, as shards/shard-00000.npz, shard-00001.npz, ...
 * (each ALIGN folder starts at shard-00000.npz, so the names are made unique here).
 */
process PRETRAIN {
    tag "${meta.id}"
    label 'process_medium'

    container 'regbert/pretrain:0.1.0'

    input:
    tuple val(meta), path(shard_dirs, stageAs: 'input/*')   // folders of shard-NNNNN.npz (ALIGN.out.shards, collected)
    path config                                             // YAML/JSON config (regbert pretrain --config), or []

    output:
    tuple val(meta), path("${prefix}", type: 'dir'),             emit: model        // checkpoints/latest, checkpoints/step-N/, ...
    tuple val(meta), path("${prefix}/metrics.jsonl"),            emit: metrics      // JSON lines: train steps and held-out evaluations
    tuple val(meta), path("${prefix}/loss.svg"),                 emit: loss_plot
    tuple val(meta), path("${prefix}/model-card.md"),            emit: model_card
    path "versions.yml",                                         emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def config_arg = config ? "--config '${config}'" : ''
    // libtorch's tensors live outside the Java heap: the heap gets 40 % of the task's memory, not 80 %.
    def java_opts = "-XX:ActiveProcessorCount=${task.cpus}" + (task.memory ? " -Xmx${(task.memory.toMega() * 0.4) as long}m" : '')
    """
    export REGBERT_JAVA_OPTS="${java_opts} \${REGBERT_JAVA_OPTS:-}"
    mkdir -p shards
    n=0
    for shard in input/*/shard-*.npz; do
        ln -s "../\$shard" "shards/\$(printf 'shard-%05d.npz' \$n)"
        n=\$((n + 1))
    done
    regbert pretrain \\
        --shards shards \\
        ${config_arg} \\
        ${args} \\
        --threads ${task.cpus} \\
        --output '${prefix}' \\
        --quiet

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert pretrain --version | sed 's/^regbert pretrain //')
    END_VERSIONS
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p '${prefix}/checkpoints/step-00000000'
    for file in parameters.npz optimizer.npz config.json vocabularies.json trainer-state.json; do
        touch "${prefix}/checkpoints/step-00000000/\$file"
    done
    echo step-00000000 > '${prefix}/checkpoints/latest'
    echo "{\\"type\\":\\"stub\\",\\"step\\":0,\\"shards\\":\$(ls input/*/shard-*.npz | wc -l)}" > '${prefix}/metrics.jsonl'
    touch '${prefix}/loss.svg' '${prefix}/model-card.md' '${prefix}/model-card.json'

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert pretrain --version | sed 's/^regbert pretrain //')
    END_VERSIONS
    """
}
