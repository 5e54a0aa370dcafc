package org.regbert.baselines;

import java.util.Arrays;

/**
 * A design matrix in compressed sparse rows: k-mer counts are sparse (a 131-base window holds at
 * most 126 of the 4,096 6-mers), so rows keep only their non-zero columns.
 */
final class SparseRows {
    private final int columns;
    private int rows;
    private int[] offsets = new int[1025];
    private int[] index = new int[4096];
    private float[] value = new float[4096];

    SparseRows(int columns) {
        this.columns = columns;
    }

    /** A dense matrix [rows][columns] as sparse rows (zeros dropped). */
    static SparseRows of(double[][] dense, int columns) {
        SparseRows x = new SparseRows(columns);
        KmerCounter.Row row = new KmerCounter.Row();
        for (double[] r : dense) {
            int n = 0;
            for (double v : r) {
                n += v != 0 ? 1 : 0;
            }
            row.reset(n);
            n = 0;
            for (int j = 0; j < r.length; j++) {
                if (r[j] != 0) {
                    row.columns[n] = j;
                    row.values[n++] = (float) r[j];
                }
            }
            x.add(row);
        }
        return x;
    }

    void add(KmerCounter.Row row) {
        int at = offsets[rows];
        if ((long) at + row.size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("more than 2^31 non-zero features");
        }
        if (at + row.size > index.length) {
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(at + row.size, (long) index.length * 2));
            index = Arrays.copyOf(index, capacity);
            value = Arrays.copyOf(value, capacity);
        }
        for (int i = 0; i < row.size; i++) {
            if (row.columns[i] < 0 || row.columns[i] >= columns) {
                throw new IllegalArgumentException("column " + row.columns[i] + " outside " + columns);
            }
        }
        System.arraycopy(row.columns, 0, index, at, row.size);
        System.arraycopy(row.values, 0, value, at, row.size);
        if (rows + 2 > offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[++rows] = at + row.size;
    }

    int rows() {
        return rows;
    }

    int columns() {
        return columns;
    }

    int start(int row) {
        return offsets[row];
    }

    int end(int row) {
        return offsets[row + 1];
    }

    int column(int entry) {
        return index[entry];
    }

    float value(int entry) {
        return value[entry];
    }
}
