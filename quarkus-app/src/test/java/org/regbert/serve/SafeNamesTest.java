package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeNamesTest {
    @TempDir
    Path root;

    @Test
    void namesFromOutsideStayInsideTheRoot() {
        for (String evil : new String[] {"../../etc/passwd", "/etc/passwd", "..", ".", "", "a/../../b.fa",
                "..\\..\\win.fa", "x\u0000y.fa", "..hidden.fa", "name with spaces;$(rm).fa"}) {
            Path p = SafeNames.inside(root, evil);
            assertTrue(p.startsWith(root) && !p.equals(root), evil + " -> " + p);
            assertEquals(root, p.getParent(), evil);
            String n = p.getFileName().toString();
            assertTrue(n.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*") && !n.contains(".."), evil + " -> " + n);
        }
        assertEquals("passwd", SafeNames.fileName("../../etc/passwd"));
        assertEquals("hidden.fa", SafeNames.fileName("..hidden.fa"));
        assertEquals("K562", SafeNames.token("K562"));
        assertEquals("GM12878_x", SafeNames.token("GM12878 /../x"));
    }

    @Test
    void classifierRoutesByWhatArrives() {
        MetadataCatalog none = new MetadataCatalog();
        var hg19 = java.util.List.of("hg19", "GRCh37");
        assertEquals(Classifier.Kind.REFERENCE, Classifier.classify("hg19.chr20.fa.gz", none, hg19).kind());
        assertEquals(Classifier.Kind.REFERENCE, Classifier.classify("x.fasta", none, hg19).kind());
        var states = Classifier.classify("E116_15_coreMarks_dense.bed.gz", none, hg19);
        assertEquals(Classifier.Kind.STATES, states.kind());
        var seg = Classifier.classify("GM12878_10_segments.bed", none, hg19);
        assertEquals("GM12878", seg.cellType());
        assertEquals(Classifier.Kind.PEAKS, Classifier.classify("K562.narrowPeak.gz", none, hg19).kind());
        assertEquals(Classifier.Kind.REJECTED, Classifier.classify("K562.hg38.narrowPeak", none, hg19).kind());
        assertEquals(Classifier.Kind.IGNORED, Classifier.classify("ENCFF123ABC.bed.gz", none, hg19).kind());
        assertEquals(Classifier.Kind.IGNORED, Classifier.classify("readme.md", none, hg19).kind());
        assertEquals("E116", states.cellType());
    }
}
