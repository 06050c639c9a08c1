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
        StoredParts otherInput = new StoredParts(new StageStore(dir.resolve("runs")), "maps",
                "class=Maps\ndata=other\n", false, dir.resolve("run3/out"), dir.resolve("run3"));
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

    private StoredParts parts(Path outputDir, boolean forced) {
        return new StoredParts(new StageStore(dir.resolve("runs")), "maps", "class=Maps\n", forced, outputDir,
                outputDir.getParent());
    }

    private StoredParts.Writer write(String text) {
        return folder -> {
            writes.incrementAndGet();
            Files.writeString(folder.resolve("a.txt"), text);
        };
    }
}
