package dev.layerscope.kernel;

import com.google.inject.Binder;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import jakarta.inject.Inject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The stages a pipeline can name. Guice modules contribute them with {@link #contribute}; a pipeline entry that is
 * not a contributed name but a fully qualified class name of a {@link Stage} on the classpath is taken as that
 * class, so a researcher's own stage needs no module at all.
 */
public final class StageCatalog {

    private static final TypeLiteral<Class<? extends Stage>> STAGE_CLASS = new TypeLiteral<>() {
    };

    private final Map<String, Class<? extends Stage>> byName;

    @Inject
    StageCatalog(Map<String, Class<? extends Stage>> byName) {
        this.byName = new TreeMap<>(byName);
    }

    /** Adds a stage under {@code name}; call it from a Guice module's {@code configure()}. */
    public static void contribute(Binder binder, String name, Class<? extends Stage> stage) {
        MapBinder.newMapBinder(binder, TypeLiteral.get(String.class), STAGE_CLASS).addBinding(name).toInstance(stage);
    }

    /** Every contributed stage, by name. */
    public Map<String, Class<? extends Stage>> stages() {
        return byName;
    }

    /** What a pipeline entry names, or why it names nothing. */
    public sealed interface Resolution {
        record Found(Class<? extends Stage> stage) implements Resolution {
        }

        record NotFound(String reason) implements Resolution {
        }
    }

    public Resolution resolve(String entry, ClassLoader classLoader) {
        Class<? extends Stage> named = byName.get(entry);
        if (named != null) {
            return new Resolution.Found(named);
        }
        if (!entry.contains(".")) {
            return new Resolution.NotFound("no stage is called `" + entry + "`"
                    + SettingsBinder.didYouMean(entry, byName.keySet()) + " Known stages: "
                    + String.join(", ", byName.keySet())
                    + "; or give the fully qualified class name of your own Stage");
        }
        try {
            Class<?> type = Class.forName(entry, false, classLoader);
            if (!Stage.class.isAssignableFrom(type)) {
                return new Resolution.NotFound("class " + entry + " does not implement " + Stage.class.getName());
            }
            if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
                return new Resolution.NotFound("class " + entry + " is abstract; name a concrete Stage class");
            }
            return new Resolution.Found(type.asSubclass(Stage.class));
        } catch (ClassNotFoundException | LinkageError e) {
            return new Resolution.NotFound("no class " + entry + " on the classpath: name the jar or the folder of"
                    + " compiled classes that holds it in the experiment's `" + StageClasspath.KEY + " = [...]`"
                    + " (see docs/stages.md, \"Adding a stage of your own\")");
        }
    }

    /**
     * The settings records a stage's injectable constructor takes: parameters whose type is a record annotated
     * with {@link Settings}.
     */
    public static List<Class<? extends Record>> settingsTypes(Class<? extends Stage> stage) {
        Set<Class<? extends Record>> types = new LinkedHashSet<>();
        for (Class<?> parameter : injectableConstructor(stage).getParameterTypes()) {
            if (parameter.isRecord() && parameter.isAnnotationPresent(Settings.class)) {
                types.add(parameter.asSubclass(Record.class));
            }
        }
        return new ArrayList<>(types);
    }

    private static Constructor<?> injectableConstructor(Class<?> type) {
        Constructor<?>[] constructors = type.getDeclaredConstructors();
        return Arrays.stream(constructors)
                .filter(c -> c.isAnnotationPresent(Inject.class)
                        || c.isAnnotationPresent(com.google.inject.Inject.class))
                .findFirst()
                .or(() -> Arrays.stream(constructors).filter(c -> c.getParameterCount() == 0).findFirst())
                .orElseThrow(() -> new IllegalArgumentException(type.getName()
                        + " needs an @Inject constructor (or one without parameters)"));
    }
}
