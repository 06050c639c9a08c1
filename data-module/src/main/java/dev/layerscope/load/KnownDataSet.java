package dev.layerscope.load;

import dev.layerscope.load.DataSettings.DataFile;
import dev.layerscope.load.DataSettings.Files;
import dev.layerscope.load.DataSettings.Identity;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The data sets an experiment can choose by name ({@code data.set = mnist}): each one's whole identity, defined
 * here once, so that no experiment can change part of it.
 */
public enum KnownDataSet {

    FASHION_MNIST(new Identity("Fashion-MNIST", new Files(
            DataFile.of("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            DataFile.of("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
            DataFile.of("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
            DataFile.of("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")),
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                    "Ankle boot"),
            Optional.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"))),

    MNIST(new Identity("MNIST", new Files(
            DataFile.of("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            DataFile.of("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
            DataFile.of("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
            DataFile.of("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")),
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            Optional.of("https://ossci-datasets.s3.amazonaws.com/mnist/")));

    private final Identity identity;

    KnownDataSet(Identity identity) {
        this.identity = identity;
    }

    public Identity identity() {
        return identity;
    }

    /** Its value of {@code data.set}: {@code fashion-mnist}, {@code mnist}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** "fashion-mnist | mnist" */
    static String keys() {
        return Arrays.stream(values()).map(KnownDataSet::key).collect(Collectors.joining(" | "));
    }

    /** The known set and file a checksum belongs to, to say what a folder holds instead of what was asked for. */
    static Optional<String> describeFileWith(String md5) {
        for (KnownDataSet set : values()) {
            for (DataFile file : set.identity.files().all()) {
                if (file.md5().orElseThrow().equalsIgnoreCase(md5)) {
                    return Optional.of(set.identity.name() + "'s " + file.name() + " (data.set = " + set.key() + ")");
                }
            }
        }
        return Optional.empty();
    }
}
