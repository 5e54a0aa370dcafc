#!/usr/bin/python3
"""Writes the made-up ENCODE-format inputs of the wrappers' <tests> into test-data/ (the DHS bigBed comes
from MakeSliceDhsBigBed.java, written with the project's own bigBed writer):

  made_up_slices_signal.bw          bigWig on the slices' contigs (pyBigWig: Debian python3-pybigwig)
  made_up_slices_dream_labels.tsv   ENCODE-DREAM label table over the first slice
  made_up_slices_exclude.bed        exclusion BED in the ENCODE blacklist's shape
  made_up_grch38_contigs.fa         GRCh38-style contigs: primary, alt, unplaced, EBV (one 'X')

    /usr/bin/python3 galaxy-wrappers/src/test/testdata/make_made_up_inputs.py galaxy-wrappers/test-data
"""
import os
import random
import sys

import pyBigWig

out = sys.argv[1]
slices = [("20:300001-304000", 4000), ("20:31000001-31004000", 4000)]

bw = pyBigWig.open(os.path.join(out, "made_up_slices_signal.bw"), "w")
bw.addHeader(slices, maxZooms=0)
# first slice: 1.5 on [0, 2000), 3.0 on [2000, 3800), no data on [3800, 4000); second slice: 0.5 everywhere
bw.addEntries([slices[0][0]] * 2, [0, 2000], ends=[2000, 3800], values=[1.5, 3.0])
bw.addEntries([slices[1][0]], [0], ends=[4000], values=[0.5])
bw.close()

# DREAM's grid: 200-bp bins at 50-bp steps; the table covers the first slice only
rows = ["chr\tstart\tstop\tGM12878\tK562"]
for start in range(0, 3801, 50):
    g = "B" if 1000 <= start <= 1200 else "A" if 1950 <= start <= 2050 else "U"
    k = "B" if 2900 <= start <= 3000 else "U"
    rows.append(f"{slices[0][0]}\t{start}\t{start + 200}\t{g}\t{k}")
with open(os.path.join(out, "made_up_slices_dream_labels.tsv"), "w") as f:
    f.write("\n".join(rows) + "\n")

with open(os.path.join(out, "made_up_slices_exclude.bed"), "w") as f:
    f.write(f"{slices[0][0]}\t0\t450\n{slices[1][0]}\t200\t250\nchr1\t0\t100\n")

rng = random.Random(38)


def bases(n):
    return "".join(rng.choice("ACGT") for _ in range(n))


records = [("chr21", bases(400)), ("chr21_KI270872v1_alt", bases(200)), ("chrUn_KI270302v1", bases(200))]
ebv = bases(200)
records.append(("chrEBV", ebv[:150] + "X" + ebv[151:]))
with open(os.path.join(out, "made_up_grch38_contigs.fa"), "w") as f:
    for name, sequence in records:
        f.write(f">{name}\n")
        for i in range(0, len(sequence), 60):
            f.write(sequence[i:i + 60] + "\n")
