package org.regbert.shards;

/** One reference sequence: its name, length and MD5 (of the upper-case bases, as SAM's M5 tag). */
public record SequenceRecord(String name, long length, String md5) {
}
