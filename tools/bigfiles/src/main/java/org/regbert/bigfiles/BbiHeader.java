package org.regbert.bigfiles;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.regbert.common.BadInputException;

/**
 * The fixed header of a bigWig/bigBed file (UCSC {@code bbiFile.h}: 64 bytes, then one 24-byte
 * header per zoom level), read in whichever byte order the signature shows.
 */
record BbiHeader(int magic, int version, long chromTreeOffset, long fullDataOffset, long fullIndexOffset,
        int fieldCount, int definedFieldCount, long autoSqlOffset, long totalSummaryOffset, int uncompressBufSize,
        List<ZoomLevel> zoomLevels) {

    static final int SIZE = 64;
    static final int ZOOM_HEADER_SIZE = 24;

    /** One zoom level: bases per summary item, where its data and its R-tree index start. */
    record ZoomLevel(int reduction, long dataOffset, long indexOffset) {
    }

    static BbiHeader read(ChannelReader in, int expectedMagic, String kind) {
        if (in.size() < SIZE) {
            throw new BadInputException(in.file(), "not a " + kind + " file: " + in.size() + " bytes, shorter than the"
                    + " 64-byte header");
        }
        ByteBuffer probe = in.read(0, 4);
        if (probe.order(ByteOrder.LITTLE_ENDIAN).getInt(0) == expectedMagic) {
            in.order(ByteOrder.LITTLE_ENDIAN);
        } else if (probe.order(ByteOrder.BIG_ENDIAN).getInt(0) == expectedMagic) {
            in.order(ByteOrder.BIG_ENDIAN);
        } else {
            BigFiles.Kind actual = BigFiles.kindOf(in.file());
            throw new BadInputException(in.file(), "not a " + kind + " file"
                    + (actual == null ? " (no bigWig/bigBed signature)"
                            : " (it is a " + (actual == BigFiles.Kind.BIGWIG ? "bigWig" : "bigBed") + ")"));
        }
        ByteBuffer b = in.read(0, SIZE);
        int magic = b.getInt();
        int version = Short.toUnsignedInt(b.getShort());
        int zoomCount = Short.toUnsignedInt(b.getShort());
        long chromTree = b.getLong();
        long data = b.getLong();
        long index = b.getLong();
        int fieldCount = Short.toUnsignedInt(b.getShort());
        int definedFieldCount = Short.toUnsignedInt(b.getShort());
        long autoSql = b.getLong();
        long totalSummary = b.getLong();
        int uncompress = b.getInt();
        if (version < 3) {
            uncompress = 0; // compression came with version 3; the field was reserved before
        }
        List<ZoomLevel> zooms = new ArrayList<>();
        if (zoomCount > 0) {
            ByteBuffer z = in.read(SIZE, zoomCount * ZOOM_HEADER_SIZE);
            for (int i = 0; i < zoomCount; i++) {
                int reduction = z.getInt();
                z.getInt();
                zooms.add(new ZoomLevel(reduction, z.getLong(), z.getLong()));
            }
        }
        long size = in.size();
        if (chromTree <= 0 || chromTree >= size || data >= size || index >= size) {
            throw new BadInputException(in.file(), "corrupt " + kind + " header: offsets past the end of the file");
        }
        return new BbiHeader(magic, version, chromTree, data, index, fieldCount, definedFieldCount, autoSql,
                totalSummary, uncompress, List.copyOf(zooms));
    }
}
