package dev.layerscope.capture;

import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes {@code probe.txt}: everything the capture stage's three artifacts say, and a hash of every array they load,
 * so that a test can compare what a capture that ran handed on with what a restored one hands on. Named in test
 * pipelines by its class name.
 */
public final class ArtifactProbeStage implements Stage {

    @Override
    public Set<ArtifactKey<?>> reads() {
        return Set.of(Activations.ARTIFACT, EpochActivations.ARTIFACT, NetworkOutputs.ARTIFACT);
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of();
    }

    @Override
    public void run(StageContext context) throws IOException {
        Activations activations = context.read(Activations.ARTIFACT);
        List<String> lines = new ArrayList<>();
        lines.add("layers " + activations.layers());
        lines.add("widths " + new TreeMap<>(activations.widths()));
        lines.add("reductions " + described(activations.reductions()));
        activations.splits().forEach((split, rows) -> {
            lines.add(split + " labels " + Arrays.toString(rows.labels()));
            lines.add(split + " index " + Arrays.toString(rows.sourceIndex()));
        });
        for (String layer : activations.layers()) {
            for (String split : activations.splits().keySet()) {
                lines.add(layer + " " + split + " " + Arrays.hashCode(activations.load(layer, split).values()));
            }
        }
        EpochActivations epochs = context.read(EpochActivations.ARTIFACT);
        lines.add("epoch layers " + epochs.layers() + ", recorded " + epochs.recorded());
        lines.add("epoch widths " + new TreeMap<>(epochs.widths()));
        lines.add("epoch reductions " + described(epochs.reductions()));
        lines.add("epochs " + epochs.epochs() + ", kept " + epochs.keptEpoch());
        lines.add("epoch labels " + Arrays.toString(epochs.labels()));
        lines.add("epoch index " + Arrays.toString(epochs.sourceIndex()));
        for (String layer : epochs.layers()) {
            for (int epoch : epochs.epochs()) {
                lines.add(layer + " epoch " + epoch + " " + Arrays.hashCode(epochs.load(layer, epoch).values()));
            }
        }
        NetworkOutputs outputs = context.read(NetworkOutputs.ARTIFACT);
        List<String> outputSplits = outputs.splits().keySet().stream().sorted().toList();
        lines.add("outputs recorded " + outputs.recorded() + ", splits " + outputSplits);
        for (String split : outputSplits) {
            lines.add("outputs " + split + " index " + Arrays.toString(outputs.splits().get(split).sourceIndex()));
            lines.add("outputs " + split + " " + Arrays.hashCode(outputs.load(split).values()));
        }
        Files.write(context.outputDir().resolve("probe.txt"), lines);
    }

    private static Map<String, String> described(Map<String, LayerReduction> reductions) {
        Map<String, String> described = new TreeMap<>();
        reductions.forEach((layer, reduction) -> described.put(layer, reduction.describe()));
        return described;
    }
}
