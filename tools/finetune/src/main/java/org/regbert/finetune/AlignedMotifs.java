package org.regbert.finetune;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.regbert.common.BadInputException;
import org.regbert.motifs.Background;
import org.regbert.shards.TokenShard;

/**
 * What a shard's manifest says align's motif scan was ({@code annotations.motifs}): the file and its
 * sha256, the motif ids in row order and the scan settings ({@code topN}, {@code bothStrands}; shards
 * aligned before align wrote those fields give them only as sentences, parsed here, and a sentence
 * this does not know is refused rather than guessed).
 */
record AlignedMotifs(Path shard, String file, String sha256, List<String> ids, int regions, int topN,
        boolean bothStrands, double pseudocount, Background background) {
    private static final Pattern SUM_TOP = Pattern.compile("sum of the top (\\d+) .*");

    static AlignedMotifs of(TokenShard shard) {
        JsonNode section = shard.manifest().annotations() == null ? null
                : shard.manifest().annotations().get("motifs");
        if (section == null || !section.hasNonNull("file")) {
            throw new BadInputException(shard.file(), "its manifest has no annotations.motifs section: align it with"
                    + " 'regbert align --motifs FILE'");
        }
        List<String> ids = new ArrayList<>();
        section.path("factors").fieldNames().forEachRemaining(ids::add);
        if (ids.size() != section.path("motifs").asInt(-1)) {
            throw new BadInputException(shard.file(), "annotations.motifs lists " + ids.size() + " motif ids for "
                    + section.path("motifs").asText() + " motifs");
        }
        String score = section.path("score").asText("");
        int topN;
        if (section.hasNonNull("topN")) {
            topN = section.get("topN").asInt();
        } else if (score.startsWith("max ")) { // shards aligned before align wrote topN
            topN = 1;
        } else {
            Matcher m = SUM_TOP.matcher(score);
            if (!m.matches()) {
                throw new BadInputException(shard.file(), "annotations.motifs.score '" + score + "' is not a rule this"
                        + " version knows");
            }
            topN = Integer.parseInt(m.group(1));
        }
        String strands = section.hasNonNull("bothStrands")
                ? (section.get("bothStrands").asBoolean() ? "both" : "forward") : section.path("strands").asText("");
        if (!strands.startsWith("both") && !strands.startsWith("forward")) {
            throw new BadInputException(shard.file(), "annotations.motifs.strands '" + strands + "' is not a rule this"
                    + " version knows");
        }
        JsonNode bg = section.path("background");
        Background background = new Background(bg.path("a").asDouble(), bg.path("c").asDouble(),
                bg.path("g").asDouble(), bg.path("t").asDouble());
        return new AlignedMotifs(shard.file(), section.get("file").asText(),
                section.hasNonNull("sha256") ? section.get("sha256").asText() : null, List.copyOf(ids),
                section.path("regionsPerWindow").asInt(), topN, strands.startsWith("both"),
                section.path("pseudocount").asDouble(), background);
    }
}
