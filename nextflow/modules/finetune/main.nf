/*
 * regbert finetune: a pre-trained model (PRETRAIN's run folder, or --from-scratch for the ablation
 * baseline) fine-tuned on the labels of the annotated shards of ALIGN -> a run folder with model/
 * (what EVALUATE and score load), predictions/*.npz (validation and test windows), metrics.jsonl,
 * task-plan.json, finetune-summary.json and model-card.md.
 * One task fine-tunes one model on every shard folder it is given (all ALIGN tasks, collected); the
 * folders are staged as input/<name>/ and their shards linked, in name order, as shards/shard-00000.npz, ...
 * The pre-trained run folder is staged as pretrained/; without one ([]) the encoder starts from scratch
 * (task.ext.args then carries --from-scratch --model --preset, see conf/modules.config).
 */
process FINETUNE {
    tag "${meta.id}"
    label 'process_medium'

    container 'regbert/finetune:0.1.0'

    input:
    tuple val(meta), path(checkpoint, stageAs: 'pretrained'), path(shard_dirs, stageAs: 'input/*')
    // meta.base: 'pretrained' or 'scratch'; checkpoint: PRETRAIN.out.model's folder, or [] for scratch;
    // shard_dirs: folders of labelled shard-NNNNN.npz (ALIGN.out.shards, collected)
    path motifs, stageAs: 'motif-file/*'
    // GeneBERT: the motif file ALIGN scanned (--motifs), so the model keeps a copy that SCORE scans with; else []

    output:
    tuple val(meta), path("${prefix}", type: 'dir'),                  emit: model        // model/, predictions/, metrics.jsonl, ...
    tuple val(meta), path("${prefix}/metrics.jsonl"),                 emit: metrics      // JSON lines: train steps and validations
    tuple val(meta), path("${prefix}/finetune-summary.json"),         emit: summary
    tuple val(meta), path("${prefix}/model-card.md"),                 emit: model_card
    path "versions.yml",                                              emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def base_arg = checkpoint ? "--checkpoint pretrained" : ''
    def motifs_arg = motifs ? "--motifs '${motifs}'" : ''
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
    regbert finetune \\
        ${base_arg} \\
        --shards shards \\
        ${motifs_arg} \\
        ${args} \\
        --threads ${task.cpus} \\
        --output '${prefix}' \\
        --quiet
    # The resumable checkpoints (optimizer state included) are not part of the result.
    rm -rf '${prefix}/checkpoints'

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert finetune --version | sed 's/^regbert finetune //')
    END_VERSIONS
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p '${prefix}/model/encoder' '${prefix}/predictions'
    for file in encoder/parameters.npz encoder/config.json encoder/vocabularies.json head.npz task.json; do
        touch "${prefix}/model/\$file"
    done
    touch '${prefix}/predictions/stub.npz' '${prefix}/metrics.jsonl' '${prefix}/task-plan.json' '${prefix}/model-card.md'
    echo "{\\"stub\\":true,\\"base\\":\\"${meta.base}\\",\\"pretrained\\":\$([ -e pretrained ] && echo true || echo false),\\"shards\\":\$(ls input/*/shard-*.npz | wc -l),\\"motifs\\":\$(ls motif-file/* >/dev/null 2>&1 && echo true || echo false)}" > '${prefix}/finetune-summary.json'

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        regbert: \$(regbert finetune --version | sed 's/^regbert finetune //')
    END_VERSIONS
    """
}
