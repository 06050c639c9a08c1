package dev.layerscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertEquals(Optional.of(List.of("input", "conv1", "pool1", "hidden")), shape.layers(),
                "every representation, conv1 too although wider than 100; not dropout, not the output");
        assertTrue(shape.describeLayers().startsWith("input, conv1, pool1, hidden (by default the input and the "
                + "hidden dense, convolution and pooling layers, those wider than capture.max-width = 100 through a "
                + "random projection to 50 values"), shape.describeLayers());
    }

    @Test
    void aLayerWiderThanMaxWidthIsProjectedUnlessNamed() {
        CaptureSettings byDefault = settings(List.of(), 0, 100);
        assertEquals("random projection 288 -> 50, seed 7", byDefault.reduction(288).describe());
        assertEquals(50, byDefault.reduction(288).width());
        assertEquals("full width", byDefault.reduction(100).describe(), "at most max-width: whole");
        assertEquals(100, byDefault.reduction(100).width());
        assertFalse(byDefault.reduction(-1).projected(), "a width not known yet counts as narrow enough");
        CaptureSettings named = settings(List.of("conv1"), 0, 100);
        assertEquals(288, named.reduction(288).width(), "a layer named in capture.layers is captured whole");
    }

    @Test
    void aProjectionWiderThanMaxWidthIsRejected() {
        InvalidSetting rejected = assertThrows(InvalidSetting.class, () -> new CaptureSettings(List.of(),
                List.of(CaptureSettings.SplitName.TEST), 0, 42, 10, 40, new RandomProjection.Options(50, 7),
                new CaptureSettings.Epochs(Optional.of(0), 7), true));
        assertEquals("max-width", rejected.key());
        assertTrue(rejected.getMessage().startsWith("max-width = 40 is below projection.width = 50"),
                rejected.getMessage());
    }

    @Test
    void aPerEpochSubsetLargerThanTheTestSplitIsRejectedOnceItsSizeIsKnown() {
        CaptureStage stage = new CaptureStage(new CaptureSettings(List.of(), List.of(CaptureSettings.SplitName.TEST),
                0, 42, 10, 100, new RandomProjection.Options(50, 7), new CaptureSettings.Epochs(Optional.of(13), 7),
                true));
        stage.check(Artifacts.none());
        InvalidSetting rejected = assertThrows(InvalidSetting.class,
                () -> stage.check(Artifacts.of(DataShape.ARTIFACT, DATA)));
        assertEquals("capture.epochs.images", rejected.key());
        assertEquals("the per-epoch record's 13 test images are more than the test split's 12; set "
                + "capture.epochs.images to at most 12 (0 records no epochs)", rejected.getMessage());
        new CaptureStage(new CaptureSettings(List.of(), List.of(CaptureSettings.SplitName.TEST), 0, 42, 10, 100,
                new RandomProjection.Options(50, 7), new CaptureSettings.Epochs(Optional.of(12), 7), true))
                .check(Artifacts.of(DataShape.ARTIFACT, DATA));
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
                10, 100, new RandomProjection.Options(50, 7), new CaptureSettings.Epochs(Optional.of(0), 7), true),
                Artifacts.of(DataShape.ARTIFACT, DATA));
        assertEquals(Map.of("train", 35), shape.rows());
        List<InvalidSetting> missing = shape.missing(List.of("train", "test"), "a stage needs both");
        assertEquals(1, missing.size());
        assertEquals("capture.splits", missing.getFirst().key());
        assertEquals("a stage needs both; add test to capture.splits", missing.getFirst().getMessage());
    }

    private static CaptureShape preview(CaptureSettings settings, Artifacts earlier) {
        return new CaptureStage(settings).preview(earlier).find(CaptureShape.ARTIFACT).orElseThrow();
    }

    @Test
    void thePerEpochRecordTakes2000ImagesOrTheWholeSmallerSplitUnlessANumberIsGiven() {
        CaptureSettings.Epochs byDefault = new CaptureSettings.Epochs(Optional.empty(), 7);
        assertEquals(2000, byDefault.images(10_000));
        assertEquals(60, byDefault.images(60));
        assertEquals(500, new CaptureSettings.Epochs(Optional.of(500), 7).images(60), "a number is taken exactly");
    }

    private static CaptureSettings settings(List<String> layers, int perClass, int maxWidth) {
        return new CaptureSettings(layers, List.of(CaptureSettings.SplitName.TRAIN, CaptureSettings.SplitName.TEST),
                perClass, 42, 10, maxWidth, new RandomProjection.Options(50, 7),
                new CaptureSettings.Epochs(Optional.of(0), 7), true);
    }
}
