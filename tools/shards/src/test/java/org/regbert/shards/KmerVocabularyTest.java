package org.regbert.shards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class KmerVocabularyTest {
    @Test
    void followsDnabertOrder() {
        // The head of DNABERT's bert-config-3/vocab.txt: specials, then k-mers with bases ranked A T C G.
        List<String> expected = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "AAA", "AAT", "AAC", "AAG", "ATA");
        KmerVocabulary vocabulary = new KmerVocabulary(3);
        assertEquals(expected, vocabulary.tokens().subList(0, expected.size()));
        assertEquals("GGG", vocabulary.tokens().get(vocabulary.size() - 1));
        assertEquals(69, vocabulary.size());
        assertEquals(4101, new KmerVocabulary(6).size());
    }

    @Test
    void encodeAndDecodeAreInverse() {
        KmerVocabulary vocabulary = new KmerVocabulary(6);
        for (int id = KmerVocabulary.FIRST_KMER; id < vocabulary.size(); id += 37) {
            assertEquals(id, vocabulary.encode(vocabulary.decode(id)));
        }
        assertEquals(vocabulary.encode("ACGTAC"), vocabulary.encode("acgtac"));
        assertEquals(KmerVocabulary.UNK, vocabulary.encode("ACNTAC"));
        assertEquals(KmerVocabulary.UNK, vocabulary.encode("ACRTAC"));
    }

    @Test
    void rejectsKOutsideUint16() {
        assertThrows(IllegalArgumentException.class, () -> new KmerVocabulary(8));
        assertThrows(IllegalArgumentException.class, () -> new KmerVocabulary(0));
        assertEquals(16389, new KmerVocabulary(7).size());
    }
}
