package dev.layerscope.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stage's parts in the store: computed once, linked into each stage folder, recomputed when damaged or forced. */
class StoredPartsTest {

    @TempDir
    Path dir;

    private final AtomicInteger writes = new AtomicInteger();

    @Test
    void aPartIsComputedOnceAndLinkedIntoEveryStageFolderThatNeedsIt() throws IOException {
        Path first = dir.resolve("run1/.maps.partial");
        Path second = dir.resolve("run2/.maps.partial");
        assertFalse(parts(first, false).include("a", "value=1", write("one")));
        StoredParts again = parts(second, false);
        assertTrue(again.include("a", "value=1", write("never written")));

        assertEquals(1, writes.get());
        assertEquals("one", Files.readString(second.resolve("a.txt")));
        assertEquals(Files.getAttribute(first.resolve("a.txt"), "unix:ino"),
                Files.getAttribute(second.resolve("a.txt"), "unix:ino"), "linked, not copied");
        assertFalse(Files.exists(second.resolve(StageStore.MANIFEST)), "the store's own files stay in the store");
        assertEquals(Map.of("status", "reused", "computed-in", dir.resolve("run1").toString()),
                again.provenance().get("a"));
        assertEquals(1, again.fingerprints().size());
    }

    @Test
    void anotherIdentityOrAnotherStageInputIsAnotherPart() throws IOException {
        parts(dir.resolve("run1/out"), false).include("a", "value=1", write("one"));
        assertFalse(parts(dir.resolve("run2/out"), false).include("a", "value=2", write("two")));
        StoredParts otherInput = new StoredParts(new StageStore(dir.resolve("runs")), "maps", "class=Maps\n",
                "data=other\n", false, dir.resolve("run3/out"), dir.resolve("run3"));
        assertFalse(otherInput.include("a", "value=1", write("one, from other data")));
        assertEquals(3, writes.get());
        assertEquals("two", Files.readString(dir.resolve("run2/out/a.txt")));
    }

    @Test
    void aDamagedPartIsReportedAndComputedAgain() throws IOException {
        Path first = dir.resolve("run1/out");
        parts(first, false).include("a", "value=1", write("one"));
        Files.writeString(first.resolve("a.txt"), "on!"); // same size, other content: the stored file is the same inode

        Path second = dir.resolve("run2/out");
        assertFalse(parts(second, false).include("a", "value=1", write("one")));
        assertEquals(2, writes.get());
        assertEquals("one", Files.readString(second.resolve("a.txt")));
    }

    @Test
    void aForcedStageComputesItsPartsAgain() throws IOException {
        parts(dir.resolve("run1/out"), false).include("a", "value=1", write("one"));
        assertFalse(parts(dir.resolve("run2/out"), true).include("a", "value=1", write("one again")));
        assertEquals(2, writes.get());
        assertEquals("one again", Files.readString(dir.resolve("run2/out/a.txt")));
    }

    @Test
    void aWriterThatFailsLeavesNoPartToReuseAndCleanupRemovesWhatItWrote() throws IOException {
        Path first = dir.resolve("run1/out");
        assertThrows(IOException.class, () -> parts(first, false).include("a", "value=1", folder -> {
            Files.writeString(folder.resolve("a.txt"), "half");
            throw new IOException("disk full");
        }));
        List<Path> halfWritten = partials();
        assertEquals(1, halfWritten.size());
        StageStore store = new StageStore(dir.resolve("runs"));
        assertEquals(halfWritten, store.unreferenced());
        assertTrue(store.removeIfUnreferenced(halfWritten.getFirst()));
        assertEquals(List.of(), partials());

        assertFalse(parts(dir.resolve("run2/out"), false).include("a", "value=1", write("one")));
        assertEquals("one", Files.readString(dir.resolve("run2/out/a.txt")));
    }

    @Test
    void aPartLeftHalfWrittenIsRemovedWhenItIsComputedAgain() throws IOException {
        assertThrows(IOException.class, () -> parts(dir.resolve("run1/out"), false).include("a", "value=1",
                folder -> {
                    Files.writeString(folder.resolve("a.txt"), "half");
                    throw new IOException("killed");
                }));
        assertFalse(parts(dir.resolve("run2/out"), false).include("a", "value=1", write("one")));
        assertEquals(List.of(), partials());
        assertEquals("one", Files.readString(dir.resolve("run2/out/a.txt")));
    }

    private List<Path> partials() throws IOException {
        try (Stream<Path> parts = Files.list(dir.resolve("runs/.store/maps/.parts"))) {
            return parts.filter(path -> path.getFileName().toString().endsWith(".partial")).toList();
        }
    }

    @Test
    void aPartThatNamesWhatItDependsOnIsSharedByStagesThatReadOtherArtifacts() throws IOException {
        // two runs whose stage reads the same pixels but another model: the part made of the pixels alone is shared
        StoredParts first = parts("model=A\npixels=P\n", dir.resolve("run1/out"), false);
        StoredParts second = parts("model=B\npixels=P\n", dir.resolve("run2/out"), false);
        assertFalse(first.include("pixels-map", "value=1", List.of("P"), write("of the pixels")));
        assertTrue(second.include("pixels-map", "value=1", List.of("P"), write("never written")));
        // one made of the model is not
        assertFalse(first.include("model-map", "value=1", write("b.txt", "of model A")));
        assertFalse(second.include("model-map", "value=1", write("b.txt", "of model B")));

        assertEquals(3, writes.get());
        assertEquals(Files.getAttribute(dir.resolve("run1/out/a.txt"), "unix:ino"),
                Files.getAttribute(dir.resolve("run2/out/a.txt"), "unix:ino"), "linked, not copied");
        assertEquals("of model B", Files.readString(dir.resolve("run2/out/b.txt")));
        assertEquals(Map.of("status", "reused", "computed-in", dir.resolve("run1").toString()),
                second.provenance().get("pixels-map"));
        assertEquals(Map.of("computed", 2L, "reused", 0L), first.counts());
        assertEquals(Map.of("computed", 1L, "reused", 1L), second.counts());
    }

    @Test
    void whatAPartDependsOnItsIdentityAndTheStagesCodeAllKeyIt() throws IOException {
        parts("model=A\n", dir.resolve("run1/out"), false).include("a", "value=1", List.of("P"), write("one"));
        assertFalse(parts("model=A\n", dir.resolve("run2/out"), false).include("a", "value=1", List.of("Q"),
                write("of other pixels")));
        assertFalse(parts("model=A\n", dir.resolve("run3/out"), false).include("a", "value=2", List.of("P"),
                write("with another setting")));
        StoredParts otherCode = new StoredParts(new StageStore(dir.resolve("runs")), "maps",
                "class=Maps\ncode=changed\n", "model=A\n", false, dir.resolve("run4/out"), dir.resolve("run4"));
        assertFalse(otherCode.include("a", "value=1", List.of("P"), write("by changed code")));
        // depending on nothing the stage reads is not depending on all of it
        assertFalse(parts("P\n", dir.resolve("run5/out"), false).include("a", "value=1", List.of(),
                write("of settings alone")));
        assertFalse(parts("P\n", dir.resolve("run6/out"), false).include("a", "value=1", write("of all it reads")));
        assertEquals(6, writes.get());
    }

    @Test
    void aForcedStageComputesAgainAPartItSharesAndTheOtherStageFolderKeepsItsFiles() throws IOException {
        Path first = dir.resolve("run1/out");
        parts("model=A\n", first, false).include("a", "value=1", List.of("P"), write("one"));
        assertFalse(parts("model=B\n", dir.resolve("run2/out"), true).include("a", "value=1", List.of("P"),
                write("one again")));
        assertEquals(2, writes.get());
        assertEquals("one", Files.readString(first.resolve("a.txt")), "the first folder's hard link keeps its file");
        assertTrue(parts("model=C\n", dir.resolve("run3/out"), false).include("a", "value=1", List.of("P"),
                write("never written")));
        assertEquals("one again", Files.readString(dir.resolve("run3/out/a.txt")), "later runs reuse the newest");
    }

    private StoredParts parts(Path outputDir, boolean forced) {
        return parts("data=one\n", outputDir, forced);
    }

    private StoredParts parts(String reads, Path outputDir, boolean forced) {
        return new StoredParts(new StageStore(dir.resolve("runs")), "maps", "class=Maps\n", reads, forced,
                outputDir, outputDir.getParent());
    }

    private StoredParts.Writer write(String text) {
        return write("a.txt", text);
    }

    private StoredParts.Writer write(String file, String text) {
        return folder -> {
            writes.incrementAndGet();
            Files.writeString(folder.resolve(file), text);
        };
    }
}
