package dev.layerscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.layerscope.data.DataShape;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.train.NetworkLayout;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the capture stage tells later stages at planning, from the data's shape and the network's layout alone. */
class CaptureStageTest {

    private static final NetworkLayout NETWORK = new NetworkLayout(List.of(
            new NetworkLayout.Layer("conv1", NetworkLayout.Kind.CONVOLUTION, "8x6x6", 288, 80),
            new NetworkLayout.Layer("pool1", NetworkLayout.Kind.POOLING, "8x3x3", 72, 0),
            new NetworkLayout.Layer("dropout1", NetworkLayout.Kind.DROPOUT, "8x3x3", 72, 0),
            new NetworkLayout.Layer("hidden", NetworkLayout.Kind.DENSE, "16", 16, 1168),
            new NetworkLayout.Layer("output", NetworkLayout.Kind.OUTPUT, "3", 3, 51)));
    /** 8x8 images; train 10, 20 and 5 a class, validation 2 each, test 4 each. */
    private static final DataShape DATA = new DataShape("Tiny", 8, 8, List.of("a", "b", "c"),
            new DataShape.ClassCounts(new int[] {10, 20, 5}), new DataShape.ClassCounts(new int[] {2, 2, 2}),
            new DataShape.ClassCounts(new int[] {4, 4, 4}));

    @Test
    void previewsTheImagesItKeepsOfEachSplitAndTheLayersItTakes() {
        CaptureShape shape = preview(settings(List.of(), 8, 100), Artifacts.of(DataShape.ARTIFACT, DATA)
                .and(NetworkLayout.ARTIFACT, NETWORK));

        assertEquals(List.of("train", "test"), shape.splits());
        assertEquals(Map.of("train", 8 + 8 + 5, "test", 12), shape.rows(), "at most 8 a class");
        assertEquals(Optional.of(List.of("input", "pool1", "hidden")), shape.layers(),
                "the representations at most 100 wide; not dropout, not the output");
        assertTrue(shape.describeLayers().startsWith("input, pool1, hidden (by default the input and the hidden "
                + "dense, convolution and pooling layers at most capture.max-width = 100 values wide"),
                shape.describeLayers());
    }

    @Test
    void previewsWhatItKnows() {
        CaptureShape nothing = preview(settings(List.of(), 0, 100), Artifacts.none());
        assertEquals(Map.of(), nothing.rows(), "no data shape: no counts");
        assertEquals(Optional.empty(), nothing.layers(), "no network: no layers");
        CaptureShape named = preview(settings(List.of("input", "conv1"), 0, 100), Artifacts.none());
        assertEquals(Optional.of(List.of("input", "conv1")), named.layers(), "capture.layers says which");
        assertEquals(" (capture.layers)", named.describeLayers().substring("input, conv1".length()));
    }

    @Test
    void aLayerTheNetworkDoesNotHaveIsRejectedOnceItsLayersAreKnown() {
        CaptureStage stage = new CaptureStage(settings(List.of("hidden", "dense7"), 0, 100));
        stage.check(Artifacts.none());
        InvalidSetting rejected = assertThrows(InvalidSetting.class,
                () -> stage.check(Artifacts.of(NetworkLayout.ARTIFACT, NETWORK)));
        assertEquals("capture.layers", rejected.key());
        assertTrue(rejected.getMessage().startsWith("the model has no layer `dense7`; its layers are input, conv1, "
                + "pool1, dropout1, hidden, output"), rejected.getMessage());
    }

    @Test
    void aStageThatNeedsASplitTheCaptureLeavesOutIsToldWhatToAdd() {
        CaptureShape shape = preview(new CaptureSettings(List.of(), List.of(CaptureSettings.SplitName.TRAIN), 0, 1,
                10, 100), Artifacts.of(DataShape.ARTIFACT, DATA));
        assertEquals(Map.of("train", 35), shape.rows());
        List<InvalidSetting> missing = shape.missing(List.of("train", "test"), "a stage needs both");
        assertEquals(1, missing.size());
        assertEquals("capture.splits", missing.getFirst().key());
        assertEquals("a stage needs both; add test to capture.splits", missing.getFirst().getMessage());
    }

    private static CaptureShape preview(CaptureSettings settings, Artifacts earlier) {
        return new CaptureStage(settings).preview(earlier).find(CaptureShape.ARTIFACT).orElseThrow();
    }

    private static CaptureSettings settings(List<String> layers, int perClass, int maxWidth) {
        return new CaptureSettings(layers, List.of(CaptureSettings.SplitName.TRAIN, CaptureSettings.SplitName.TEST),
                perClass, 42, 10, maxWidth);
    }
}
