package dev.layerscope.kernel;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import com.google.inject.TypeLiteral;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validates a whole experiment before anything runs and turns it into a {@link Plan}: every pipeline entry names a
 * stage, every section binds to its settings record, no key is unknown, and every stage's inputs are written by a
 * stage before it. All problems are collected and thrown together in one {@link ExperimentException}.
 */
public final class PipelinePlanner {

    private final StageCatalog catalog;
    private final Injector injector;

    @Inject
    PipelinePlanner(StageCatalog catalog, Injector injector) {
        this.catalog = catalog;
        this.injector = injector;
    }

    /** The top-level sections that the kernel and the contributed stages bind. */
    public Set<String> sections() {
        Set<String> sections = new TreeSet<>();
        for (String path : settingsByPath(List.of(), new ArrayList<>()).keySet()) {
            if (!path.isEmpty()) {
                sections.add(path.split("\\.")[0]);
            }
        }
        for (var component : ExperimentSettings.class.getRecordComponents()) {
            sections.add(SettingsBinder.keyOf(component.getName())); // the root record's own keys
        }
        return sections;
    }

    public Plan plan(Experiment experiment) {
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigObject root = experiment.config().root();

        List<String> entries = pipelineEntries(root);
        List<Optional<Class<? extends Stage>>> resolved = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            switch (catalog.resolve(entry, classLoader())) {
                case StageCatalog.Resolution.Found found -> resolved.add(Optional.of(found.stage()));
                case StageCatalog.Resolution.NotFound notFound -> {
                    problems.add(new ConfigProblem(pipelineOrigin(root, i), "pipeline[" + i + "]", notFound.reason()));
                    resolved.add(Optional.empty());
                }
            }
            if (entries.indexOf(entry) < i) {
                problems.add(new ConfigProblem(pipelineOrigin(root, i), "pipeline[" + i + "]",
                        "`" + entry + "` is already in the pipeline at position " + entries.indexOf(entry)
                                + "; a stage runs once per run"));
            }
        }

        List<Class<? extends Stage>> pipelineClasses = resolved.stream().flatMap(Optional::stream).toList();
        Map<String, Class<? extends Record>> byPath = settingsByPath(pipelineClasses, problems);
        Map<Class<? extends Record>, Record> settings = bindAll(root, experiment.file().toString(), byPath, problems);

        Injector stageInjector = injector.createChildInjector(new AbstractModule() {
            @Override
            protected void configure() {
                settings.forEach((type, value) -> bindInstance(binder(), type, value));
            }
        });

        List<Plan.PlannedStage> stages = new ArrayList<>();
        List<Optional<Stage>> instances = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            int index = i;
            Optional<Stage> instance = resolved.get(i).flatMap(type ->
                    create(stageInjector, type, settings.keySet(), root, pipelineOrigin(root, index), index, problems));
            instances.add(instance);
            if (instance.isPresent()) {
                List<String> paths = StageCatalog.settingsTypes(resolved.get(i).orElseThrow()).stream()
                        .map(t -> t.getAnnotation(Settings.class).value()).toList();
                stages.add(new Plan.PlannedStage(entries.get(i), instance.get(), paths));
            }
        }
        checkDataFlow(root, entries, instances, problems);
        checkAgainstPreviews(root, instances, problems);
        if (settings.get(RunsSettings.class) instanceof RunsSettings runs) {
            for (String forced : runs.force()) {
                if (!forced.equals(RunsSettings.FORCE_ALL) && !entries.contains(forced)) {
                    problems.add(new ConfigProblem(ConfigProblem.describe(experiment.config().getValue("runs.force")
                            .origin()), "runs.force", "`" + forced + "` is not in the pipeline " + entries
                            + "; name a stage of it, or `" + RunsSettings.FORCE_ALL + "`"));
                }
            }
        }

        if (!problems.isEmpty()) {
            throw new ExperimentException(experiment.file().toString(), problems);
        }
        return new Plan(experiment, experiment.name(), (RunsSettings) settings.get(RunsSettings.class),
                (RuntimeSettings) settings.get(RuntimeSettings.class), stages, environmentFacts());
    }

    /** What the modules contribute to tell of the environment; none when no module binds any. */
    private List<EnvironmentFacts> environmentFacts() {
        Key<Set<EnvironmentFacts>> key = Key.get(new TypeLiteral<Set<EnvironmentFacts>>() {
        });
        return injector.getExistingBinding(key) == null ? List.of() : List.copyOf(injector.getInstance(key));
    }

    /** Every settings record the kernel, the catalog and the pipeline's own stage classes bind, by config path. */
    private Map<String, Class<? extends Record>> settingsByPath(List<Class<? extends Stage>> pipelineClasses,
                                                                List<ConfigProblem> problems) {
        Set<Class<? extends Record>> types = new LinkedHashSet<>();
        types.add(ExperimentSettings.class);
        types.add(RunsSettings.class);
        types.add(RuntimeSettings.class);
        catalog.stages().values().forEach(stage -> types.addAll(StageCatalog.settingsTypes(stage)));
        pipelineClasses.forEach(stage -> types.addAll(StageCatalog.settingsTypes(stage)));

        Map<String, Class<? extends Record>> byPath = new LinkedHashMap<>();
        for (Class<? extends Record> type : types) {
            String path = type.getAnnotation(Settings.class).value();
            Class<? extends Record> previous = byPath.putIfAbsent(path, type);
            if (previous != null) {
                problems.add(new ConfigProblem("(classpath)", path, "is claimed by two settings records, "
                        + previous.getName() + " and " + type.getName() + "; give one of them another section"));
            }
        }
        return byPath;
    }

    /**
     * Binds each settings record at its path. Intermediate sections that no record binds (the root, or
     * {@code reduce} when only {@code reduce.tsne} is bound) are checked for unknown keys too.
     */
    private Map<Class<? extends Record>, Record> bindAll(ConfigObject root, String file,
                                                         Map<String, Class<? extends Record>> byPath,
                                                         List<ConfigProblem> problems) {
        Set<String> nodes = new TreeSet<>();
        for (String path : byPath.keySet()) {
            nodes.add(path);
            for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
                nodes.add(path.substring(0, dot));
            }
        }
        SettingsBinder binder = new SettingsBinder(problems);
        Map<Class<? extends Record>, Record> bound = new HashMap<>();
        for (String node : nodes) {
            Set<String> claimed = childrenClaimed(node, byPath.keySet());
            Optional<ConfigValue> value = at(root, node);
            if (value.isPresent() && value.get().valueType() != ConfigValueType.OBJECT) {
                problems.add(new ConfigProblem(ConfigProblem.describe(value.get().origin()), node,
                        "expected a section `" + node + " { ... }`, got a " + value.get().valueType()
                                .name().toLowerCase(Locale.ROOT)));
                continue;
            }
            ConfigObject object = value.map(v -> (ConfigObject) v).orElse(emptyObjectIn(file));
            Class<? extends Record> type = byPath.get(node);
            if (type != null) {
                binder.bind(object, node, type, claimed).ifPresent(record -> bound.put(type, record));
            } else {
                for (String key : object.keySet()) {
                    if (!claimed.contains(key)) {
                        problems.add(new ConfigProblem(ConfigProblem.describe(object.get(key).origin()),
                                SettingsBinder.join(node, key), SettingsBinder.unknownKeyMessage(key, claimed)));
                    }
                }
            }
        }
        return bound;
    }

    private static Set<String> childrenClaimed(String node, Set<String> paths) {
        Set<String> children = new TreeSet<>();
        String prefix = node.isEmpty() ? "" : node + ".";
        for (String path : paths) {
            if (!path.isEmpty() && path.startsWith(prefix) && !path.equals(node)) {
                children.add(path.substring(prefix.length()).split("\\.")[0]);
            }
        }
        return children;
    }

    private static Optional<ConfigValue> at(ConfigObject root, String path) {
        if (path.isEmpty()) {
            return Optional.of(root);
        }
        ConfigValue current = root;
        for (String key : path.split("\\.")) {
            if (!(current instanceof ConfigObject object) || object.get(key) == null) {
                return Optional.empty();
            }
            current = object.get(key);
        }
        return Optional.of(current);
    }

    /** A section that neither the experiment nor any reference.conf has: its missing keys are the file's to add. */
    private static ConfigObject emptyObjectIn(String file) {
        return ConfigValueFactory.fromMap(Map.of(), file);
    }

    private static Optional<Stage> create(Injector stageInjector, Class<? extends Stage> type,
                                          Set<Class<? extends Record>> boundSettings, ConfigObject root,
                                          String where, int index, List<ConfigProblem> problems) {
        if (!boundSettings.containsAll(StageCatalog.settingsTypes(type))) {
            return Optional.empty(); // its settings problems are reported already
        }
        try {
            return Optional.of(stageInjector.getInstance(type));
        } catch (ConfigurationException | ProvisionException | CreationException e) {
            if (e.getCause() instanceof InvalidSetting || e.getCause() instanceof InvalidSettings) {
                // a stage checks settings of different sections against each other; its keys are full paths
                settingProblems((IllegalArgumentException) e.getCause(), root, where, index, problems);
            } else {
                String reason = e.getCause() != null && e.getCause().getMessage() != null
                        ? e.getCause().getMessage() : e.getMessage();
                problems.add(new ConfigProblem(where, "pipeline[" + index + "]", "cannot create stage "
                        + type.getName() + ": " + reason));
            }
            return Optional.empty();
        }
    }

    /**
     * Lets each stage check its settings against what the stages before it can tell without running (the data's
     * shape, say), so that a setting the data makes impossible is reported now, with every other problem; each
     * stage's preview sees the previews before it, as its check does.
     */
    private static void checkAgainstPreviews(ConfigObject root, List<Optional<Stage>> instances,
                                             List<ConfigProblem> problems) {
        Map<ArtifactKey<?>, Object> previewed = new HashMap<>();
        for (int i = 0; i < instances.size(); i++) {
            if (instances.get(i).isEmpty()) {
                continue;
            }
            Stage stage = instances.get(i).get();
            try {
                stage.check(new Artifacts(previewed));
            } catch (IllegalArgumentException e) {
                settingProblems(e, root, pipelineOrigin(root, i), i, problems);
            }
            try {
                previewed.putAll(stage.preview(new Artifacts(Map.copyOf(previewed))).all());
            } catch (IllegalArgumentException e) {
                settingProblems(e, root, pipelineOrigin(root, i), i, problems);
            }
        }
    }

    /**
     * The problems a stage found with its settings: each {@link InvalidSetting} at its key's file and line (its key
     * is a full path), anything else at the stage's pipeline entry.
     */
    private static void settingProblems(IllegalArgumentException e, ConfigObject root, String where, int index,
                                        List<ConfigProblem> problems) {
        List<InvalidSetting> invalid = e instanceof InvalidSettings several ? several.problems()
                : e instanceof InvalidSetting one ? List.of(one) : List.of();
        if (invalid.isEmpty()) {
            problems.add(new ConfigProblem(where, "pipeline[" + index + "]", e.getMessage()));
        }
        for (InvalidSetting one : invalid) {
            String origin = at(root, one.key()).map(v -> ConfigProblem.describe(v.origin())).orElse(where);
            problems.add(new ConfigProblem(origin, one.key(), one.getMessage()));
        }
    }

    private static void checkDataFlow(ConfigObject root, List<String> entries, List<Optional<Stage>> instances,
                                      List<ConfigProblem> problems) {
        Set<ArtifactKey<?>> available = new HashSet<>();
        boolean unknownEarlier = false;
        for (int i = 0; i < entries.size(); i++) {
            Optional<Stage> stage = instances.get(i);
            if (stage.isEmpty()) {
                unknownEarlier = true; // it might have written what later stages read
                continue;
            }
            for (ArtifactKey<?> input : stage.get().reads()) {
                if (!available.contains(input) && !unknownEarlier) {
                    problems.add(new ConfigProblem(pipelineOrigin(root, i), "pipeline[" + i + "]",
                            "stage `" + entries.get(i) + "` reads " + input + ", but no stage before it writes it"
                                    + writerLater(input, entries, instances, i)));
                }
            }
            available.addAll(stage.get().writes());
        }
    }

    private static String writerLater(ArtifactKey<?> input, List<String> entries, List<Optional<Stage>> instances,
                                      int from) {
        for (int j = from + 1; j < entries.size(); j++) {
            if (instances.get(j).map(s -> s.writes().contains(input)).orElse(false)) {
                return "; `" + entries.get(j) + "` writes it, so put it earlier in the list";
            }
        }
        return "; add a stage that writes it earlier in the pipeline";
    }

    private static List<String> pipelineEntries(ConfigObject root) {
        ConfigValue pipeline = root.get("pipeline");
        List<String> entries = new ArrayList<>();
        if (pipeline instanceof ConfigList list) {
            for (ConfigValue element : list) {
                if (element.valueType() == ConfigValueType.STRING) {
                    entries.add((String) element.unwrapped());
                }
            }
        }
        return entries;
    }

    private static String pipelineOrigin(ConfigObject root, int index) {
        ConfigValue pipeline = root.get("pipeline");
        ConfigOrigin origin = pipeline instanceof ConfigList list && index >= 0 && index < list.size()
                ? list.get(index).origin() : pipeline == null ? root.origin() : pipeline.origin();
        return ConfigProblem.describe(origin);
    }

    private ClassLoader classLoader() {
        return Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : PipelinePlanner.class.getClassLoader();
    }

    @SuppressWarnings("unchecked")
    private static <T> void bindInstance(Binder binder, Class<T> type, Object value) {
        binder.bind(type).toInstance((T) value);
    }
}
