package org.regbert.tokenize;

/**
 * The contigs genome-wide tiling leaves out unless {@code --all-contigs}: GRCh38's (UCSC names)
 * alternate haplotypes ({@code *_alt}), unlocalised and unplaced scaffolds ({@code *_random},
 * {@code chrUn*}), decoys ({@code *_decoy}), HLA allele sequences ({@code HLA-*}) and the EBV
 * genome ({@code chrEBV}). Their sequence repeats the primary assembly (alts, HLA), is not placed
 * on it, or is not human, so windows there duplicate or blur what a model learns from the
 * chromosomes, and labels (ENCODE, DREAM) do not cover them.
 */
final class ContigConventions {
    private ContigConventions() {
    }

    static boolean skippedByDefault(String name) {
        return name.endsWith("_alt") || name.endsWith("_random") || name.startsWith("chrUn")
                || name.endsWith("_decoy") || name.startsWith("HLA-") || name.equals("chrEBV");
    }
}
