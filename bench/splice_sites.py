#!/usr/bin/env python3
"""Site-centred splice windows, as splice-site benchmarks build them: one BED line per GENCODE donor and
acceptor (the intron's first and last base, on the transcript's strand) and per decoy, a GT (donor decoy)
or AG (acceptor decoy) inside the same intron, read on the transcript's strand, at least --min-distance
bases from every annotated site on either strand. `tokenize --regions` centres one window on each line
(reverse-complemented on '-'), and `align --labels splice=BEDPE --label-bin B` labels its central bin.

Usage: splice_sites.py INTRONS.bedpe.gz GENOME.fa.gz CONTIG OUT.bed [--decoys N] [--seed S]
                       [--min-distance D]
Deterministic: the same inputs and seed give the same BED. Prints counts to stderr.
"""
import argparse
import bisect
import gzip
import random
import sys


def read_contig(path, contig):
    """The forward sequence of one FASTA record (upper case); the kit's chr20 is ~63 Mb."""
    parts, on = [], False
    with gzip.open(path, "rt") as fasta:
        for line in fasta:
            if line.startswith(">"):
                if on:
                    break
                on = line[1:].split()[0] in (contig, contig.removeprefix("chr"))
                continue
            if on:
                parts.append(line.strip())
    if not parts:
        sys.exit(f"splice_sites.py: {path}: no record named {contig}")
    return "".join(parts).upper()


COMPLEMENT = str.maketrans("ACGT", "TGCA")


def on_strand(seq, start, end, strand):
    """Bases [start, end) read on STRAND."""
    s = seq[start:end]
    return s if strand == "+" else s.translate(COMPLEMENT)[::-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("introns")
    ap.add_argument("genome")
    ap.add_argument("contig")
    ap.add_argument("out")
    ap.add_argument("--decoys", type=int, default=2, help="decoys of each kind per intron (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-distance", type=int, default=70,
                    help="decoys lie at least this far from any annotated site (default 70: outside a 131-bp window's"
                         " centre half)")
    a = ap.parse_args()
    seq = read_contig(a.genome, a.contig)
    introns = []
    with gzip.open(a.introns, "rt") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if c[0] != a.contig:
                continue
            first, last, strand = int(c[1]), int(c[4]), c[9]
            introns.append((first, last, strand))
    introns = sorted(set(introns))
    # (position of the site's base, kind, strand): on '+' the donor is the intron's first base, on '-' its last
    sites = set()
    for first, last, strand in introns:
        donor, acceptor = (first, last) if strand == "+" else (last, first)
        sites.add((donor, "donor", strand))
        sites.add((acceptor, "acceptor", strand))
    site_positions = sorted(p for p, _, _ in sites)

    def far(p):
        i = bisect.bisect_left(site_positions, p)
        near = [site_positions[j] for j in (i - 1, i) if 0 <= j < len(site_positions)]
        return all(abs(p - q) >= a.min_distance for q in near)

    rng = random.Random(a.seed)
    decoys = set()
    canonical = {"donor": 0, "acceptor": 0}
    for first, last, strand in introns:
        # the intron's 5' dinucleotide (GT) and 3' dinucleotide (AG) on its strand: a check of the coordinates
        five = on_strand(seq, first, first + 2, strand) if strand == "+" else on_strand(seq, last - 1, last + 1, strand)
        three = on_strand(seq, last - 1, last + 1, strand) if strand == "+" else on_strand(seq, first, first + 2, strand)
        canonical["donor"] += five == "GT"
        canonical["acceptor"] += three == "AG"
        for kind, motif in (("donor", "GT"), ("acceptor", "AG")):
            # the site's base: G of GT (donor), G of AG (acceptor), as for the annotated sites
            candidates = []
            for p in range(first + 1, last):
                if strand == "+":
                    pair = seq[p:p + 2] if kind == "donor" else seq[p - 1:p + 1]
                else:
                    pair = on_strand(seq, p - 1, p + 1, "-") if kind == "donor" else on_strand(seq, p, p + 2, "-")
                if pair == motif and far(p):
                    candidates.append(p)
            for p in rng.sample(candidates, min(a.decoys, len(candidates))):
                decoys.add((p, "decoy-" + kind, strand))
    lines = sorted(sites | decoys)
    with open(a.out, "w") as out:
        for p, kind, strand in lines:
            out.write(f"{a.contig}\t{p}\t{p + 1}\t{kind}\t0\t{strand}\n")
    n = len(introns)
    print(f"splice_sites.py: {a.contig}: {n} introns, {len(sites)} sites ({canonical['donor']} of {n} donors GT,"
          f" {canonical['acceptor']} of {n} acceptors AG), {len(decoys)} decoys -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
