package dev.layerscope.kernel;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The identity of the code that computes a stage, part of the fingerprint of everything the stage writes, so that
 * stored output is keyed by the code that made it and nobody has to remember to bump a version.
 *
 * <p>It covers, by content, every class folder and jar the stage's class reaches through the classes it refers to:
 * the stage's own folder or jar (all of it, resources included), then every folder or jar holding a class that one
 * names, and so on. For LayerScope's stages that is the stage's module and the modules below it that it calls, the
 * kernel in {@code data-module} among them, and the libraries they call (DL4J, ND4J, Smile...). A change in any of
 * them re-keys the stage; a change in a module or jar the stage never reaches (the report module, for the train
 * stage) does not. References are followed through folders and unreleased jars (no version, or a SNAPSHOT), not
 * through released libraries: their own dependencies are other released libraries, fixed by the build.
 *
 * <p>Not covered: the JDK, native libraries loaded by name, classes a stage loads by a name built at run time, and
 * a library that only a released library reaches. {@code run.json}'s {@code environment} records the JDK and the
 * native libraries. Where the code lives does not count, only its content: another checkout of the same commit
 * reuses the same stored output.
 */
public final class CodeIdentity {

    private static final ClassValue<Identity> IDENTITIES = new ClassValue<>() {
        @Override
        protected Identity computeValue(Class<?> type) {
            return compute(type);
        }
    };

    /**
     * The code a stage's output is keyed by.
     *
     * @param sha256    of the content hashes of every folder and jar reached, sorted
     * @param locations every folder and jar reached, with its content hash
     */
    record Identity(String sha256, Map<Path, String> locations) {
    }

    private CodeIdentity() {
    }

    /** The SHA-256 of the code {@code type} reaches; computed once per class and JVM. */
    public static String of(Class<?> type) {
        return IDENTITIES.get(type).sha256();
    }

    /** The folders and jars behind {@link #of}. */
    static Identity describe(Class<?> type) {
        return IDENTITIES.get(type);
    }

    private static Identity compute(Class<?> type) {
        Optional<Path> start = CodeLocation.of(type);
        if (start.isEmpty()) {
            // a class defined at run time, or by a loader that is not a folder or jar: its name is all there is
            return new Identity(Hashes.sha256("class without a code location: " + type.getName()), Map.of());
        }
        ClassLoader loader = type.getClassLoader();
        Map<Path, String> reached = new HashMap<>();
        Set<String> looked = new HashSet<>();
        Deque<Path> queue = new ArrayDeque<>(List.of(start.get()));
        while (!queue.isEmpty()) {
            Path path = queue.poll();
            if (reached.containsKey(path)) {
                continue;
            }
            CodeLocation location = CodeLocation.read(path);
            reached.put(path, location.sha256());
            for (String name : location.references()) {
                if (!name.startsWith("java/") && looked.add(name)) {
                    CodeLocation.locate(loader, name).filter(found -> !reached.containsKey(found))
                            .ifPresent(queue::add);
                }
            }
        }
        return new Identity(Hashes.sha256(String.join("\n", new TreeSet<>(reached.values()))), Map.copyOf(reached));
    }
}
