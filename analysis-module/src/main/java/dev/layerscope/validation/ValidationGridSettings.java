package dev.layerscope.validation;

import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.NonEmpty;
import dev.layerscope.kernel.Range;
import dev.layerscope.kernel.Settings;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code validation-grid} section. Defaults are in analysis-module's reference.conf.
 *
 * @param images how many validation images the grid shows at most: a seeded sample of the validation split, or
 *               all of it when it has fewer ({@link #sampleSize})
 * @param seed   the sample's seed
 * @param epochs the epochs whose network predicts them, besides the trained model: epoch numbers (0 is before
 *               training), {@code middle} (half the last epoch trained, rounded up) or {@code last}
 */
@Settings("validation-grid")
public record ValidationGridSettings(@Range(min = 1) int images, long seed, @NonEmpty List<String> epochs) {

    /** The word for the middle epoch trained. */
    public static final String MIDDLE = "middle";
    /** The word for the last epoch trained. */
    public static final String LAST = "last";
    private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");

    public ValidationGridSettings {
        epochs = List.copyOf(epochs);
        for (String epoch : epochs) {
            String word = epoch.trim().toLowerCase(Locale.ROOT);
            if (!word.equals(MIDDLE) && !word.equals(LAST) && !NUMBER.matcher(word).matches()) {
                throw new InvalidSetting("epochs", "`" + epoch + "` is not an epoch; name epochs by number (0 is "
                        + "before training), `middle` or `last`, e.g. [1, middle, last]");
            }
        }
    }

    /**
     * How many images the grid shows of a validation split of {@code validationImages}: {@code images}, clamped to
     * the split's size, so that the default of 64 shows a smaller split whole.
     */
    public int sampleSize(int validationImages) {
        return Math.min(images, validationImages);
    }

    /**
     * The epochs the grid shows for a train stage that trained {@code lastEpoch} epochs and handed on the network of
     * {@code keptEpoch}: the chosen ones and the kept one, each once, in order.
     */
    public List<Integer> resolve(int lastEpoch, int keptEpoch) {
        TreeSet<Integer> resolved = new TreeSet<>();
        resolved.add(keptEpoch);
        for (String epoch : epochs) {
            String word = epoch.trim().toLowerCase(Locale.ROOT);
            int number = switch (word) {
                case MIDDLE -> (lastEpoch + 1) / 2;
                case LAST -> lastEpoch;
                default -> Integer.parseInt(word);
            };
            if (number > lastEpoch) {
                throw new InvalidSetting("validation-grid.epochs", "epoch " + number + " was not trained: the "
                        + "train stage trained epochs 1 to " + lastEpoch + " (0 is before training)");
            }
            resolved.add(number);
        }
        return List.copyOf(resolved);
    }
}
