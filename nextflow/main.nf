#!/usr/bin/env nextflow
/*
 * regbert as a Nextflow pipeline. Stages land one module at a time (modules/<stage>/main.nf);
 * for now the pipeline runs tokenize:
 *
 *   nextflow run nextflow/main.nf -profile local --reference hg19.chr20.fa.gz --outdir results
 *   nextflow run nextflow/main.nf -profile podman --reference hg19.fa.gz --contigs 20,21,22   # one task per contig
 *   nextflow run nextflow/main.nf -profile local --reference hg19.chr20.fa.gz --regions tss.bed --contig_alias chr20=20
 *
 * Parameters and their defaults: nextflow.config. Outputs: <outdir>/tokenize/<id>/ (shards and
 * tokenize-summary.json), <outdir>/pipeline_info/versions.yml.
 */
nextflow.enable.dsl = 2

include { TOKENIZE } from './modules/tokenize/main'

/** A contig name as a safe folder name: 20:300001-304000 -> 20_300001-304000. */
def safeName(String name) {
    name.replaceAll(/[^A-Za-z0-9._-]/, '_')
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
    def id = params.id ?: fasta.name.replaceAll(/\.(fa|fasta|fna)(\.gz)?$/, '')

    if (params.contigs) {
        // Fan out: one task per contig, all in parallel (whole contigs are independent).
        ch_input = Channel
            .fromList(params.contigs.toString().tokenize(',')*.trim().findAll { it }.unique())
            .map { contig -> [[id: "${id}.${safeName(contig)}", contigs: contig], fasta, index] }
    } else {
        ch_input = Channel.of([[id: id], fasta, index])
    }

    TOKENIZE(ch_input, regions)

    TOKENIZE.out.summary
        .map { meta, summary -> "${meta.id}\t${new groovy.json.JsonSlurper().parse(summary).windows}" }
        .collectFile(name: 'tokenize-windows.tsv', storeDir: "${params.outdir}/pipeline_info", newLine: true, sort: true)
    TOKENIZE.out.versions
        .map { versions -> versions.text }
        .unique()
        .collectFile(name: 'versions.yml', storeDir: "${params.outdir}/pipeline_info", sort: true)
}
