package dev.layerscope.load;

import dev.layerscope.data.DataException;
import dev.layerscope.data.DataShape;
import dev.layerscope.data.Dataset;
import dev.layerscope.data.Split;
import dev.layerscope.kernel.ArtifactKey;
import dev.layerscope.kernel.Artifacts;
import dev.layerscope.kernel.Hashes;
import dev.layerscope.kernel.InvalidSetting;
import dev.layerscope.kernel.Json;
import dev.layerscope.kernel.Progress;
import dev.layerscope.kernel.Stage;
import dev.layerscope.kernel.StageContext;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads an IDX image data set (Fashion-MNIST by default) from {@code data.dir}, fetching it on first use, and
 * hands on the train / validation / test splits. Writes {@code dataset.json} (shape, classes, per-class counts,
 * the files and their checksums) and a readable {@code summary.txt}; the images themselves stay where they are.
 */
public final class LoadStage implements Stage {

    private static final Logger LOG = LoggerFactory.getLogger(LoadStage.class);

    private final DataSettings settings;

    @Inject
    LoadStage(DataSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<ArtifactKey<?>> writes() {
        return Set.of(Dataset.ARTIFACT);
    }

    /**
     * The data's shape from the image files' headers and the labels, when the four files are there: what later
     * stages check their settings against before anything runs. Labels beyond data.class-names are a problem of
     * the experiment; a file that cannot be read is left to {@link #run}, which checks its MD5 first and says what
     * is wrong with it, and files still to be downloaded leave the shape unknown until then.
     */
    @Override
    public Artifacts preview(Artifacts earlier) {
        Optional<List<Path>> files = DataFiles.present(settings);
        if (files.isEmpty()) {
            return Artifacts.none();
        }
        try {
            return Artifacts.of(DataShape.ARTIFACT, DatasetReader.shape(settings, files.get()));
        } catch (DataException e) {
            if (e.kind() == DataException.Kind.LABEL_OUT_OF_RANGE) {
                throw new InvalidSetting("data.class-names", e.getMessage());
            }
            return Artifacts.none();
        } catch (IOException e) {
            return Artifacts.none();
        }
    }

    @Override
    public void run(StageContext context) throws IOException {
        List<DataFiles.Located> files;
        try (Progress progress = context.progress("locating and checking the IDX files", 1)) {
            files = DataFiles.locate(settings);
            progress.advance(1);
        }
        Dataset dataset;
        try (Progress progress = context.progress("reading " + settings.identity().name(), 1)) {
            dataset = DatasetReader.read(settings, files.stream().map(DataFiles.Located::path).toList(),
                    contentId(files));
            progress.advance(1);
        }
        String summary = summary(dataset, settings.folder().toAbsolutePath().normalize());
        LOG.info("\n{}", summary);
        Files.writeString(context.outputDir().resolve("summary.txt"), summary);
        Json.write(context.outputDir().resolve("dataset.json"), description(dataset, files));

        context.metric("image-rows", dataset.rows());
        context.metric("image-cols", dataset.cols());
        context.metric("classes", dataset.classCount());
        for (Split split : dataset.splits()) {
            context.metric(split.name(), split.size());
        }
        context.write(Dataset.ARTIFACT, dataset);
    }

    /** The files' checksums and everything that decides which image lands in which split. */
    private String contentId(List<DataFiles.Located> files) {
        StringBuilder identity = new StringBuilder();
        files.forEach(file -> identity.append(file.md5()).append('\n'));
        identity.append(settings.identity().classNames()).append('\n')
                .append(settings.validationFraction()).append('\n')
                .append(settings.seed()).append('\n').append(settings.limitPerClass());
        return Hashes.sha256(identity.toString());
    }

    /** A table of images per class and split, as a person wants to see it after loading. */
    static String summary(Dataset dataset, Path dir) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%s from %s: %dx%d images, %d classes%n", dataset.name(), dir,
                dataset.rows(), dataset.cols(), dataset.classCount()));
        int width = Math.max(5, dataset.classNames().stream().mapToInt(String::length).max().orElse(5));
        text.append(String.format(Locale.ROOT, "  %-" + width + "s %10s %10s %10s%n", "class", "train",
                "validation", "test"));
        int[][] counts = dataset.splits().stream().map(s -> s.classCounts(dataset.classCount()))
                .toArray(int[][]::new);
        for (int c = 0; c < dataset.classCount(); c++) {
            text.append(String.format(Locale.ROOT, "  %-" + width + "s %,10d %,10d %,10d%n",
                    dataset.classNames().get(c), counts[0][c], counts[1][c], counts[2][c]));
        }
        text.append(String.format(Locale.ROOT, "  %-" + width + "s %,10d %,10d %,10d%n", "total",
                dataset.train().size(), dataset.validation().size(), dataset.test().size()));
        return text.toString();
    }

    private Map<String, Object> description(Dataset dataset, List<DataFiles.Located> files) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", dataset.name());
        json.put("dir", settings.folder().toAbsolutePath().normalize().toString());
        json.put("rows", dataset.rows());
        json.put("cols", dataset.cols());
        json.put("class-names", dataset.classNames());
        Map<String, Object> splits = new LinkedHashMap<>();
        for (Split split : dataset.splits()) {
            int[] counts = split.classCounts(dataset.classCount());
            splits.put(split.name(), Map.of("size", split.size(),
                    "per-class", Arrays.stream(counts).boxed().toList()));
        }
        json.put("splits", splits);
        List<Map<String, Object>> fileList = new ArrayList<>();
        for (DataFiles.Located file : files) {
            fileList.add(Map.of("path", file.path().toString(), "bytes", Files.size(file.path()), "md5", file.md5()));
        }
        json.put("files", fileList);
        json.put("validation-fraction", settings.validationFraction());
        json.put("seed", settings.seed());
        json.put("limit-per-class", settings.limitPerClass());
        json.put("content-id", dataset.contentId());
        return json;
    }
}
