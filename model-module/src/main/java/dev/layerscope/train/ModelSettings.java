package dev.layerscope.train;

import dev.layerscope.data.DataShape;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.NonEmpty;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code model} section: the network, how it is optimised, and the training loop. Defaults are in
 * model-module's reference.conf (the reference MLP 784-256-64-10).
 *
 * @param layers        the layers in order; the last is the {@code output} layer
 * @param updater       the optimiser
 * @param weightInit    how weights start
 * @param batchSize     examples per gradient step
 * @param epochs        passes over the training split
 * @param seed          seeds weights, dropout, shuffling and the bottleneck sample
 * @param earlyStopping stop when validation loss has not improved for this many epochs (0 = off)
 * @param bottleneck    the fixed sample whose penultimate-layer points are recorded after every epoch
 * @param augment       random changes to training images (off by default)
 */
@Settings("model")
public record ModelSettings(@NonEmpty List<LayerSpec> layers, Updater updater, WeightInit weightInit,
                            @Range(min = 1) int batchSize, @Range(min = 1) int epochs, long seed,
                            @Range(min = 0) int earlyStopping, Bottleneck bottleneck,
                            Augment augment) {

    public ModelSettings {
        List<String> problems = NetworkShapes.check(layers, null).problems();
        if (!problems.isEmpty()) {
            throw new InvalidSetting("layers", "the layer stack is impossible: " + String.join("; ", problems));
        }
    }

    /**
     * What makes these settings impossible for the data, each with its key in this section: a layer stack that
     * cannot take the images (a kernel or pooling window larger than what reaches it), a shift that would move every
     * image out of sight.
     */
    public List<InvalidSetting> problemsWith(DataShape data) {
        List<InvalidSetting> found = new ArrayList<>();
        List<String> stack = NetworkShapes.check(layers, new NetworkShapes.Input(1, data.rows(), data.cols()),
                data.classCount()).problems();
        if (!stack.isEmpty()) {
            found.add(new InvalidSetting("layers", "the layer stack cannot take " + data.describe() + ": "
                    + String.join("; ", stack)));
        }
        int side = Math.min(data.rows(), data.cols());
        if (augment.shift() >= side) {
            found.add(new InvalidSetting("augment.shift", "shift = " + augment.shift() + " would move "
                    + data.describe() + " out of sight; use a shift below " + side + " (2 or 3 pixels is typical "
                    + "for 28x28)"));
        }
        return found;
    }

    /**
     * The optimiser.
     *
     * @param type         adam or sgd (with momentum)
     * @param learningRate the initial learning rate
     * @param momentum     SGD's momentum (ignored by Adam)
     * @param weightDecay  L2 weight decay applied by the updater (0 = none)
     * @param schedule     how the learning rate changes over epochs
     */
    public record Updater(UpdaterType type, @Range(min = 0, minExclusive = true) double learningRate,
                          @Range(min = 0, max = 1, maxExclusive = true) double momentum,
                          @Range(min = 0) double weightDecay, Schedule schedule) {
    }

    /** Optimisers. */
    public enum UpdaterType { ADAM, SGD }

    /**
     * A learning-rate schedule by epoch.
     *
     * @param type  none, step (multiply by {@code gamma} every {@code every} epochs) or cosine (to 0 at the end)
     * @param every epochs between steps
     * @param gamma the step factor
     */
    public record Schedule(ScheduleType type, @Range(min = 1) int every,
                           @Range(min = 0, max = 1, minExclusive = true) double gamma) {
    }

    /** Learning-rate schedules. */
    public enum ScheduleType { NONE, STEP, COSINE }

    /** Weight initialisations. */
    public enum WeightInit { XAVIER, RELU, UNIFORM }

    /**
     * The information-bottleneck sample.
     *
     * @param perClass test images per class whose points are recorded
     * @param seed     chooses them
     */
    public record Bottleneck(@Range(min = 1) int perClass, long seed) {
    }

    /**
     * Data augmentation, drawn anew for every training image in every epoch.
     *
     * @param shift move each image by up to this many pixels in x and y (0 = off)
     * @param flip  mirror each image left-right with probability 1/2
     */
    public record Augment(@Range(min = 0) int shift, boolean flip) {
    }
}
