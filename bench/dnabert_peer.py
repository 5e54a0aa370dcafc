#!/usr/bin/env python3
"""The peer for the tokenize benchmark: DNABERT-style k-mer tokenization in Python.

Reads a (b)gzipped FASTA, cuts each contig into windows like `regbert tokenize` does, turns each
window into space-joined k-mers (DNABERT's seq2kmer), maps them through the vocabulary (DNABERT's
vocab.txt order) into a uint16 array, and prints one JSON line with the time spent.
"""
import argparse
import gzip
import itertools
import json
import time

import numpy as np


def seq2kmer(seq, k):
    """DNABERT's motif_utils.seq2kmer: overlapping k-mers joined by spaces."""
    return " ".join(seq[i:i + k] for i in range(len(seq) + 1 - k))


def vocabulary(k):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    kmers = ["".join(p) for p in itertools.product("ATCG", repeat=k)]
    return {token: i for i, token in enumerate(specials + kmers)}


def contigs(path):
    name, parts = None, []
    with gzip.open(path, "rt") as handle:
        for line in handle:
            if line.startswith(">"):
                if name is not None:
                    yield name, "".join(parts)
                name, parts = line[1:].split()[0], []
            else:
                parts.append(line.strip().upper())
    if name is not None:
        yield name, "".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("fasta")
    parser.add_argument("--kmer", type=int, default=6)
    parser.add_argument("--window", type=int, default=510)
    parser.add_argument("--stride", type=int, default=510)
    args = parser.parse_args()
    vocab = vocabulary(args.kmer)
    unk = vocab["[UNK]"]
    window_bases = args.window + args.kmer - 1
    started = time.perf_counter()
    windows = tokens = bases = 0
    for _, seq in contigs(args.fasta):
        bases += len(seq)
        batch = []
        for start in range(0, len(seq) - window_bases + 1, args.stride):
            kmers = seq2kmer(seq[start:start + window_bases], args.kmer).split(" ")
            batch.append([vocab.get(kmer, unk) for kmer in kmers])
            if len(batch) == 8192:
                tokens += np.asarray(batch, dtype=np.uint16).size
                windows += len(batch)
                batch = []
        if batch:
            tokens += np.asarray(batch, dtype=np.uint16).size
            windows += len(batch)
    seconds = time.perf_counter() - started
    print(json.dumps({"windows": windows, "tokens": tokens, "bases": bases, "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
