package dev.layerscope.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Settings for tests that load small data sets. */
final class LoadTestSupport {

    private LoadTestSupport() {
    }

    static DataSettings settings(Path dir, SmallIdxSet set, double validationFraction, int limitPerClass) {
        return settings(dir, set, classNames(set.classes()), validationFraction, limitPerClass, noMd5(set),
                new DataSettings.Download(false, Optional.of("http://127.0.0.1:9/"), Duration.ofSeconds(5)));
    }

    static DataSettings settings(Path dir, SmallIdxSet set, List<String> classNames, double validationFraction,
                                 int limitPerClass, DataSettings.Files files, DataSettings.Download download) {
        return DataSettings.of(new DataSettings.Identity("Small", files, classNames, download.baseUrl()), dir, download,
                validationFraction, 42, limitPerClass);
    }

    static DataSettings.Files noMd5(SmallIdxSet set) {
        return new DataSettings.Files(file(set, 0), file(set, 1), file(set, 2), file(set, 3));
    }

    private static DataSettings.DataFile file(SmallIdxSet set, int index) {
        return new DataSettings.DataFile(set.name(index), Optional.empty());
    }

    static List<String> classNames(int classes) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class-" + c);
        }
        return names;
    }
}
