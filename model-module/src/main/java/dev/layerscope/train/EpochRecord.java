package dev.layerscope.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One epoch of training.
 *
 * @param epoch              1-based
 * @param trainLoss          mean cross-entropy of the epoch's minibatches, as they were trained (dropout on)
 * @param trainAccuracy      accuracy on a fixed sample of the training split after the epoch (dropout off)
 * @param validationLoss     mean cross-entropy on the validation split after the epoch
 * @param validationAccuracy accuracy on the validation split after the epoch
 * @param seconds            wall time of the epoch's training steps (evaluation excluded)
 * @param learningRate       the learning rate used during the epoch
 */
public record EpochRecord(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                          double validationAccuracy, double seconds, double learningRate) {

    static final String CSV_HEADER =
            "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds,learning_rate";

    String csv() {
        return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.3f,%.8g", epoch, trainLoss, trainAccuracy,
                validationLoss, validationAccuracy, seconds, learningRate);
    }

    public static EpochRecord parse(String line) {
        String[] f = line.split(",");
        return new EpochRecord(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Double.parseDouble(f[6]));
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("epoch", epoch);
        map.put("train-loss", trainLoss);
        map.put("train-accuracy", trainAccuracy);
        map.put("validation-loss", validationLoss);
        map.put("validation-accuracy", validationAccuracy);
        map.put("seconds", seconds);
        map.put("learning-rate", learningRate);
        return map;
    }
}
