package org.regbert.epigenome;

import htsjdk.samtools.util.IOUtil;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.regbert.bigfiles.BigFiles;
import org.regbert.common.BadInputException;

/**
 * Opens an epigenome file (plain, gzip or bgzip, judged by content; a bigBed as the BED text of its
 * entries) and reports read errors with its name.
 */
public final class LineSource {
    private LineSource() {
    }

    public static BufferedReader open(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BadInputException(file, !Files.exists(file) ? "no such epigenome file"
                    : Files.isDirectory(file) ? "is a directory, not an epigenome file" : "cannot read epigenome file");
        }
        if (BigFiles.isBigBed(file)) {
            return new BufferedReader(new BigBedText(file));
        }
        try {
            return IOUtil.openFileForBufferedReading(file);
        } catch (htsjdk.samtools.util.RuntimeIOException e) {
            throw readError(file, e);
        }
    }

    static BadInputException readError(Path file, Exception e) {
        return new BadInputException(file, -1, "cannot read epigenome file (truncated or corrupt gzip?): "
                + e.getMessage(), e);
    }
}
