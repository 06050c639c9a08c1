package dev.layerscope.neighbors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NearestPerRowTest {

    private record Offer(int id, float key) {
    }

    /** The k smallest by (key, id), as a sort of every offer finds them. */
    private static List<Offer> expected(List<Offer> offers, int k) {
        List<Offer> sorted = new ArrayList<>(offers);
        sorted.sort(Comparator.comparingDouble((Offer offer) -> offer.key()).thenComparingInt(Offer::id));
        return sorted.subList(0, Math.min(k, sorted.size()));
    }

    @Test
    void keepsTheKSmallestByKeyThenIdWhateverTheOrderOfTheOffers() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int k = 1 + random.nextInt(40);
            int count = random.nextInt(600);
            // few distinct keys in half the trials, so that many ties straddle the k-th place
            int distinct = trial % 2 == 0 ? 5 : 1_000_000;
            List<Offer> offers = new ArrayList<>();
            for (int id = 0; id < count; id++) {
                offers.add(new Offer(id, random.nextInt(distinct) / 7f - 3f));
            }
            List<Offer> want = expected(offers, k);
            for (int order = 0; order < 3; order++) {
                Collections.shuffle(offers, random);
                NearestPerRow nearest = new NearestPerRow(3, k);
                for (Offer offer : offers) {
                    nearest.offer(1, offer.id(), offer.key());
                }
                int[] ids = new int[k + 2];
                float[] keys = new float[k + 2];
                int kept = nearest.drainSorted(1, ids, keys, 2);
                assertEquals(want.size(), kept);
                for (int i = 0; i < kept; i++) {
                    assertEquals(want.get(i).id(), ids[2 + i], "trial " + trial + ", place " + i);
                    assertEquals(want.get(i).key(), keys[2 + i]);
                }
                assertEquals(0, nearest.drainSorted(0, ids, keys, 0), "another row was not touched");
            }
        }
    }

    @Test
    void theBarIsTheLargestKeptKeyOnceARowHasKeptKAndADrainEmptiesTheRow() {
        NearestPerRow nearest = new NearestPerRow(1, 2);
        assertEquals(Float.POSITIVE_INFINITY, nearest.bar(0));
        for (int id = 0; id < 4; id++) {
            nearest.offer(0, id, 10 - id); // 10, 9, 8, 7: the buffer of 2k fills, the two smallest stay
        }
        assertEquals(8f, nearest.bar(0));
        nearest.offer(0, 4, 8.5f); // above the bar: refused
        nearest.offer(0, 5, 8f); // at the bar: kept for now, it may win on its id
        int[] ids = new int[2];
        float[] keys = new float[2];
        assertEquals(2, nearest.drainSorted(0, ids, keys, 0));
        assertArrayEquals(new int[] {3, 2}, ids, "8 with id 2 before 8 with id 5");
        assertArrayEquals(new float[] {7f, 8f}, keys);
        assertEquals(Float.POSITIVE_INFINITY, nearest.bar(0));
        assertEquals(0, nearest.drainSorted(0, ids, keys, 0));
    }

    @Test
    void packedEntriesSortLikeTheirKeysWithMinusZeroEqualToZero() {
        float[] keys = {Float.NEGATIVE_INFINITY, -3.5f, -Float.MIN_VALUE, -0f, 0f, Float.MIN_VALUE, 1e-30f, 2f,
                Float.MAX_VALUE, Float.POSITIVE_INFINITY};
        for (int a = 0; a < keys.length; a++) {
            for (int b = 0; b < keys.length; b++) {
                long left = NearestPerRow.pack(keys[a], 5);
                long right = NearestPerRow.pack(keys[b], 5);
                assertEquals(Integer.signum(Float.compare(keys[a] + 0f, keys[b] + 0f)), Long.compare(left, right),
                        keys[a] + " against " + keys[b]);
                assertEquals(keys[a] + 0f, NearestPerRow.key(left));
            }
        }
        assertTrue(NearestPerRow.pack(1f, 3) < NearestPerRow.pack(1f, Integer.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE, (int) NearestPerRow.pack(-1f, Integer.MAX_VALUE));
    }
}
