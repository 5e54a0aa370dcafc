import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.regbert.bigfiles.BigBedWriter;

/**
 * Writes test-data/hg19_chr20_slices_dhs.bb: the 5 DHSs of hg19_chr20_slices_dhs.bed as ENCODE's
 * bigNarrowPeak (bed6+4) with the project's own bigBed writer (no UCSC bedToBigBed here). Columns
 * 1-6 as in the BED (name MCV-n, score, strand '.'); signalValue = the score, pValue, qValue and
 * peak -1 (not known). Not compiled by Maven (outside src/test/java); run after building tools/bigfiles:
 *
 *   java -cp tools/bigfiles/target/classes galaxy-wrappers/src/test/testdata/MakeSliceDhsBigBed.java \
 *       galaxy-wrappers/test-data/hg19_chr20_slices_dhs.bed galaxy-wrappers/test-data/hg19_chr20_slices_dhs.bb
 */
public class MakeSliceDhsBigBed {
    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        // The slices' contigs, 4,000 bp each, in the FASTA's order.
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("20:300001-304000", 4000L);
        sizes.put("20:31000001-31004000", 4000L);
        try (BigBedWriter writer = BigBedWriter.create(Path.of(args[1]), sizes, 10, 6, BigBedWriter.NARROW_PEAK_AUTOSQL)) {
            for (String line : lines) {
                String[] f = line.split("\t");
                writer.add(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]),
                        String.join("\t", f[3], f[4], f[5], f[4], "-1", "-1", "-1"));
            }
        }
    }
}
