package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

/**
 * Undoing one change of a JSON value that others may have changed since; every expected value below is
 * worked by hand from the rules (nobody changed it since: the value before; else field by field, list
 * elements added taken out and removed ones put back, a scalar set later kept).
 */
class JsonRevertTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode j(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    @Test
    void nobodyChangedItSinceGivesExactlyTheValueBefore() throws Exception {
        JsonNode before = j("{'id':'r','epigenomes':['e1']}");
        JsonNode after = j("{'id':'r','epigenomes':['e1','e2'],'pretrained':'p'}");
        assertEquals(before, JsonRevert.revert(before, after, after.deepCopy()));
        // a row the change created goes away; a pointer changed by nobody since goes back
        assertNull(JsonRevert.revert(null, TextNode.valueOf("ref-a"), TextNode.valueOf("ref-a")));
        assertEquals(TextNode.valueOf("ref-0"),
                JsonRevert.revert(TextNode.valueOf("ref-0"), TextNode.valueOf("ref-a"), TextNode.valueOf("ref-a")));
    }

    @Test
    void laterChangesOfOthersStandAndOnlyThisChangeIsTakenOut() throws Exception {
        // this change added epigenome 'a'; another then added 'b' and a pre-trained model:
        // 'a' goes, 'b' and the model stay
        assertEquals(j("{'id':'r','epigenomes':['e1','b'],'pretrained':'p'}"), JsonRevert.revert(
                j("{'id':'r','epigenomes':['e1']}"),
                j("{'id':'r','epigenomes':['e1','a']}"),
                j("{'id':'r','epigenomes':['e1','a','b'],'pretrained':'p'}")));
        // this change scored (removed) pending VCF v1; another then queued v2: v1 comes back after v2
        assertEquals(j("{'pendingVcfs':[{'runId':'v2'},{'runId':'v1'}]}"), JsonRevert.revert(
                j("{'pendingVcfs':[{'runId':'v1'}]}"),
                j("{'pendingVcfs':[]}"),
                j("{'pendingVcfs':[{'runId':'v2'}]}")));
        // this change set the model to m1, a later one to m2: m2 stands
        assertEquals(j("{'model':'m2'}"), JsonRevert.revert(j("{'model':'m0'}"), j("{'model':'m1'}"), j("{'model':'m2'}")));
        // this change added 'pretrained' (untouched since), another added 'model': only 'pretrained' goes
        assertEquals(j("{'id':'r','model':'m'}"), JsonRevert.revert(j("{'id':'r'}"), j("{'id':'r','pretrained':'p1'}"),
                j("{'id':'r','pretrained':'p1','model':'m'}")));
        // maps key by key: ctcf back to l0, dhs (added here) gone, x (added later) kept
        assertEquals(j("{'labels':{'ctcf':'l0','x':'y'}}"), JsonRevert.revert(
                j("{'labels':{'ctcf':'l0'}}"),
                j("{'labels':{'ctcf':'l1','dhs':'d'}}"),
                j("{'labels':{'ctcf':'l1','dhs':'d','x':'y'}}")));
        // a pointer another transaction moved on since keeps its later value
        assertEquals(TextNode.valueOf("ref-b"),
                JsonRevert.revert(null, TextNode.valueOf("ref-a"), TextNode.valueOf("ref-b")));
    }
}
