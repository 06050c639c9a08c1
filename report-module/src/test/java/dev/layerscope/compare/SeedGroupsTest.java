package dev.layerscope.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Seed groups and their claims on constructed runs with known answers. */
class SeedGroupsTest {

    private static RunFolder run(String name, Map<String, String> settings) {
        return new RunFolder(Path.of(name), name, new TreeMap<>(settings), "data", "data", List.of(), 0, 0);
    }

    /** kNN accuracy in the layers themselves, k = 5, of layers a and b. */
    private static RunFigures figures(double a, double b) {
        return new RunFigures(List.of(new RunFigures.Figure(RunFigures.KNN, "a", "high-dimensional", 5, a),
                new RunFigures.Figure(RunFigures.KNN, "b", "high-dimensional", 5, b)), List.of());
    }

    @Test
    void aSeedIsAKeyWhoseLastPartIsSeed() {
        assertTrue(SeedGroups.isSeed("seed"));
        assertTrue(SeedGroups.isSeed("model.seed"));
        assertTrue(SeedGroups.isSeed("reduce.tsne.seed"));
        assertFalse(SeedGroups.isSeed("model.seeds"));
        assertFalse(SeedGroups.isSeed("data.reseed"));
    }

    @Test
    void runsThatDifferOnlyInSeedsFormAGroupNamedByWhatSetsItApart() {
        List<RunFolder> runs = List.of(run("A", Map.of("model.seed", "1", "model.epochs", "2")),
                run("B", Map.of("model.seed", "2", "model.epochs", "2")),
                run("C", Map.of("model.seed", "1", "model.epochs", "3")),
                run("D", Map.of("model.seed", "1", "data.seed", "9", "model.epochs", "2")));
        List<SeedGroups.Group> groups = SeedGroups.groups(runs, Set.of("model.seed", "model.epochs", "data.seed"));
        assertEquals(2, groups.size());
        assertEquals(new SeedGroups.Group("model.epochs=2", List.of(0, 1, 3)), groups.get(0));
        assertEquals(new SeedGroups.Group("model.epochs=3", List.of(2)), groups.get(1));
    }

    /**
     * Three seeds: the paired t statistic has two degrees of freedom, whose two-sided p-value is
     * 1 - |t| / sqrt(t^2 + 2).
     */
    @Test
    void aClaimOverThreeSeedsHasTheHandComputedPValue() {
        List<RunFigures> figures = List.of(figures(0.5, 0.6), figures(0.6, 0.8), figures(0.7, 0.75));
        List<SeedGroups.Claim> claims = SeedGroups.claims(List.of(new SeedGroups.Group("all runs",
                List.of(0, 1, 2))), figures, List.of(List.of("a", "b")));
        assertEquals(1, claims.size());
        SeedGroups.Claim claim = claims.getFirst();
        assertEquals("b's high-dimensional kNN accuracy (k=5) is higher than a's", claim.claim());
        double[] d = {0.1, 0.2, 0.05};
        double mean = (d[0] + d[1] + d[2]) / 3;
        double sd = Math.sqrt(((d[0] - mean) * (d[0] - mean) + (d[1] - mean) * (d[1] - mean)
                + (d[2] - mean) * (d[2] - mean)) / 2);
        double t = mean / (sd / Math.sqrt(3));
        assertEquals(mean, claim.meanDifference(), 1e-12);
        assertEquals(t, claim.t(), 1e-9);
        assertEquals(1 - t / Math.sqrt(t * t + 2), claim.p(), 1e-9);
        assertEquals(3, claim.n());
        assertEquals(claim.p(), claim.holmP(), 1e-15, "a family of one: nothing to correct");
        assertEquals(claim.p() < SeedGroups.LEVEL, claim.holds());
        assertTrue(claim.sentence().startsWith(claim.claim() + ": "
                + (claim.holds() ? "holds across the 3 seeds (p = " : "does not hold (p = ")));
    }

    @Test
    void oneSeedAllowsNoTest() {
        List<SeedGroups.Claim> claims = SeedGroups.claims(List.of(new SeedGroups.Group("all runs", List.of(0))),
                List.of(figures(0.5, 0.4)), List.of(List.of("a", "b")));
        assertEquals("a's high-dimensional kNN accuracy (k=5) is higher than b's: no test is possible with 1 seed",
                claims.getFirst().sentence());
        assertFalse(claims.getFirst().holds());
    }

    private static SeedGroups.Claim tested(String group, double p) {
        return new SeedGroups.Claim(group, "claim " + p, 0.1, 3, p, Double.NaN, 0, 5);
    }

    /**
     * Holm's method by hand: the p-values 0.01, 0.04, 0.03, 0.005 of one group sorted are 0.005, 0.01, 0.03, 0.04;
     * multiplied by 4, 3, 2, 1 they are 0.02, 0.03, 0.06, 0.04, and each keeps at least its predecessor's: 0.02, 0.03,
     * 0.06, 0.06. A second group is a family of its own, and a claim without a test is in no family.
     */
    @Test
    void holmsMethodAdjustsWithinEachGroup() {
        SeedGroups.Claim untested = new SeedGroups.Claim("A", "untested", 0, Double.NaN, Double.NaN, Double.NaN, 0,
                5);
        List<SeedGroups.Claim> claims = SeedGroups.holm(List.of(tested("A", 0.01), tested("A", 0.04), untested,
                tested("B", 0.03), tested("A", 0.03), tested("A", 0.005)));
        double[] expected = {0.03, 0.06, Double.NaN, 0.03, 0.06, 0.02};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], claims.get(i).holmP(), 1e-12, claims.get(i).toString());
        }
        assertEquals(List.of(4, 4, 0, 1, 4, 4), claims.stream().map(SeedGroups.Claim::family).toList());
        // 0.04 passes alone but not corrected; 0.01 passes both ways
        assertTrue(claims.get(1).holdsAlone());
        assertFalse(claims.get(1).holds());
        assertTrue(claims.get(1).sentence().contains("does not hold once corrected for the group's 4 tests"),
                claims.get(1).sentence());
        assertTrue(claims.get(0).holds());
        assertFalse(claims.get(2).holds());
        assertTrue(claims.get(0).sentence().contains("holds across the 5 seeds (p = 0.01, Holm-adjusted 0.03)"),
                claims.get(0).sentence());
    }

    @Test
    void pValuesAreGivenToTwoSignificantDigits() {
        assertEquals("0.003", SeedGroups.pValue(0.0030004));
        assertEquals("0.41", SeedGroups.pValue(0.4129));
        assertEquals("0.000068", SeedGroups.pValue(0.00006789));
    }
}
