package org.regbert.epigenome;

import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.regbert.bigfiles.BigBedReader;
import org.regbert.bigfiles.Chromosome;

/**
 * A bigBed's entries as BED lines ({@code chrom start end rest}), so every reader of BED-like
 * peaks reads bigBed too. One chromosome's entries are held at a time.
 */
final class BigBedText extends Reader {
    private final BigBedReader reader;
    private final List<Chromosome> chromosomes;
    private int next;
    private final StringBuilder buffer = new StringBuilder();
    private int position;

    BigBedText(Path file) {
        this.reader = BigBedReader.open(file);
        this.chromosomes = new ArrayList<>(reader.chromosomes());
        chromosomes.sort(Comparator.comparingInt(Chromosome::id));
    }

    private boolean fill() {
        while (position >= buffer.length()) {
            if (next >= chromosomes.size()) {
                return false;
            }
            buffer.setLength(0);
            position = 0;
            Chromosome c = chromosomes.get(next++);
            reader.query(c.name(), 0, Math.max(1, c.size()), (chrom, start, end, rest) -> buffer.append(chrom)
                    .append('\t').append(start).append('\t').append(end)
                    .append(rest.isEmpty() ? "" : "\t").append(rest).append('\n'));
        }
        return true;
    }

    @Override
    public int read(char[] into, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, buffer.length() - position);
        buffer.getChars(position, position + n, into, offset);
        position += n;
        return n;
    }

    @Override
    public void close() {
        reader.close();
    }
}
