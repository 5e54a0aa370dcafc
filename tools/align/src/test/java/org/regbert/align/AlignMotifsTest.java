package org.regbert.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regbert.genome.ReferenceGenome;
import org.regbert.motifs.Background;
import org.regbert.motifs.Motif;
import org.regbert.motifs.MotifReader;
import org.regbert.motifs.MotifScanner;
import org.regbert.motifs.PositionWeightMatrix;
import org.regbert.motifs.ScanOptions;
import org.regbert.shards.Half;
import org.regbert.shards.NpyArray;
import org.regbert.shards.ShardSet;
import org.regbert.shards.TokenShard;

/**
 * JASPAR 2022 (838 motifs) over 1 Mb of hg19 chr20: the motif matrix align stores equals a scan of
 * the reference bases themselves, fetched from the FASTA rather than read off the tokens.
 */
class AlignMotifsTest {
    @TempDir
    Path dir;

    @Test
    void motifMatrixEqualsADirectScanOfTheReference() throws IOException {
        Path fasta = TestShards.kitData().resolve("genome/hg19.chr20.fa.gz");
        Path jaspar = TestShards.kitData().resolve("motifs/JASPAR2022_vertebrates.pfm");
        Path bed = Files.writeString(dir.resolve("mb.bed"), "chr20\t30000000\t31000000\t.\t0\t+\n"
                + "chr20\t45000000\t45001000\tminus\t0\t-\n");
        Path tokens = dir.resolve("tokens");
        TestShards.Run tokenize = TestShards.tokenize("--reference", fasta.toString(), "--regions", bed.toString(),
                "--contig-alias", "chr20=20", "--window", "995", "--stride", "1000", "--output", tokens.toString(),
                "--quiet");
        assertEquals(0, tokenize.exitCode(), tokenize.stderr());
        Path out = dir.resolve("motifs");
        TestShards.Run align = TestShards.align("--shards", tokens.toString(), "--motifs", jaspar.toString(),
                "--motif-factors", TestShards.kitData().resolve("motifs/JASPAR2022_vertebrates.motif2factors.txt")
                        .toString(), "--regions-per-window", "4", "--output", out.toString(), "--quiet");
        assertEquals(0, align.exitCode(), align.stderr());

        List<Motif> motifs = MotifReader.read(jaspar);
        assertEquals(838, motifs.size());
        MotifScanner direct = new MotifScanner(PositionWeightMatrix.of(motifs, Background.uniform(),
                PositionWeightMatrix.DEFAULT_PSEUDOCOUNT), ScanOptions.max(4));
        try (TokenShard shard = TokenShard.open(ShardSet.list(out).get(0));
                ReferenceGenome reference = ReferenceGenome.open(fasta)) {
            NpyArray scores = shard.array("motifs");
            assertEquals(List.of(1001L, 838L, 4L), List.of(scores.shape()[0], scores.shape()[1], scores.shape()[2]));
            assertTrue(shard.array("motif_names").getString(0).startsWith(motifs.get(0).id()));
            NpyArray starts = shard.array("start");
            for (int w : new int[] {0, 417, 999, 1000}) {
                long start = starts.getLong(w);
                byte[] bases = reference.fetch("20", start, start + 1000);
                if (w == 1000) {
                    // The '-' interval's window reads the reverse complement.
                    bases = reverseComplement(bases);
                }
                float[] expected = direct.scan(bases);
                for (int i = 0; i < expected.length; i++) {
                    float stored = Half.toFloat(scores.data().getShort((int) (((long) w * expected.length + i) * 2)));
                    assertEquals(Half.toFloat(Half.fromFloat(expected[i])), stored, "window " + w + " cell " + i);
                }
            }
            assertTrue(shard.manifest().annotations().get("motifs").get("factors").get(motifs.get(0).id()).size() > 0);
        }
    }

    private static byte[] reverseComplement(byte[] bases) {
        byte[] rc = new byte[bases.length];
        for (int i = 0; i < bases.length; i++) {
            rc[bases.length - 1 - i] = switch (bases[i]) {
                case 'A', 'a' -> (byte) 'T';
                case 'C', 'c' -> (byte) 'G';
                case 'G', 'g' -> (byte) 'C';
                case 'T', 't' -> (byte) 'A';
                default -> (byte) 'N';
            };
        }
        return rc;
    }
}
