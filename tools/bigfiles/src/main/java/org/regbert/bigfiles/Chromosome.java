package org.regbert.bigfiles;

/** A chromosome of a bigWig/bigBed file: its name, the id its data records carry, and its size. */
public record Chromosome(String name, int id, long size) {
}
