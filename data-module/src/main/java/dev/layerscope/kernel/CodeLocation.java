package dev.layerscope.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A class folder or jar that classes are loaded from (a class's code source): the SHA-256 of its content, the classes
 * its own classes refer to, and for a jar the version it declares. Read once per JVM and path.
 *
 * @param path       the folder or jar
 * @param sha256     a folder: of every file's path and bytes, in path order; a jar: of its bytes
 * @param references binary names ({@code a/b/C}) of the classes outside it that its classes refer to; empty for a
 *                   released library, whose references are not followed
 * @param name       a jar's file name without {@code .jar} and version; a folder's path
 * @param version    the version a jar declares (its {@code pom.properties}, else its manifest), if any
 */
record CodeLocation(Path path, String sha256, Set<String> references, String name, Optional<String> version) {

    private static final ConcurrentMap<Path, CodeLocation> READ = new ConcurrentHashMap<>();
    /** A class type in a descriptor or signature: {@code Lpkg/Name;} or {@code Lpkg/Name<}. */
    private static final Pattern CLASS_IN_DESCRIPTOR = Pattern.compile("L([^;<>:()\\[\\s.]+)[;<]");

    /**
     * A jar that declares a version without {@code SNAPSHOT}: a library from a Maven repository, whose content a
     * version names for good, and whose own references lead only to other libraries.
     */
    boolean released() {
        return version.filter(v -> !v.contains("SNAPSHOT")).isPresent() && Files.isRegularFile(path);
    }

    /** The folder or jar {@code type} was loaded from, if it was loaded from one (not for the JDK's classes). */
    static Optional<Path> of(Class<?> type) {
        return locate(type.getClassLoader(), type.getName().replace('.', '/'));
    }

    /** Where {@code loader} finds the class of binary name {@code a/b/C}, if in a folder or jar. */
    static Optional<Path> locate(ClassLoader loader, String binaryName) {
        String resource = binaryName + ".class";
        URL url = loader == null ? ClassLoader.getSystemResource(resource) : loader.getResource(resource);
        if (url == null) {
            return Optional.empty();
        }
        try {
            switch (url.getProtocol()) {
                case "file" -> {
                    Path root = Path.of(url.toURI());
                    for (int i = binaryName.split("/").length; i > 0; i--) {
                        root = root.getParent();
                    }
                    return Optional.of(root.toAbsolutePath().normalize());
                }
                case "jar" -> {
                    String spec = url.getFile();
                    int separator = spec.indexOf("!/");
                    return Optional.of(Path.of(new URI(separator < 0 ? spec : spec.substring(0, separator)))
                            .toAbsolutePath().normalize());
                }
                default -> {
                    return Optional.empty(); // jrt: (the JDK), or a loader of another kind
                }
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The folder or jar at {@code path}, read the first time it is asked for. */
    static CodeLocation read(Path path) {
        return READ.computeIfAbsent(path.toAbsolutePath().normalize(), p -> {
            try {
                return Files.isDirectory(p) ? folder(p) : jar(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the code at " + p, e);
            }
        });
    }

    private static CodeLocation folder(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        MessageDigest digest = newDigest();
        Set<String> own = new TreeSet<>();
        Set<String> references = new TreeSet<>();
        for (Path file : files) {
            String relative = folder.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            byte[] bytes = Files.readAllBytes(file);
            digest.update(relative.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Long.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(bytes);
            if (relative.endsWith(".class")) {
                own.add(relative.substring(0, relative.length() - ".class".length()));
                references(bytes, references);
            }
        }
        references.removeAll(own);
        return new CodeLocation(folder, HexFormat.of().formatHex(digest.digest()),
                Collections.unmodifiableSet(references), folder.toString(), Optional.empty());
    }

    private static CodeLocation jar(Path jar) throws IOException {
        String sha256 = Hashes.sha256(jar);
        Optional<String> version;
        Set<String> own = new TreeSet<>();
        Set<String> references = new TreeSet<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            version = version(file);
            boolean released = version.filter(v -> !v.contains("SNAPSHOT")).isPresent();
            for (JarEntry entry : Collections.list(file.entries())) {
                if (!released && entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
                    own.add(entry.getName().substring(0, entry.getName().length() - ".class".length()));
                    try (InputStream in = file.getInputStream(entry)) {
                        references(in.readAllBytes(), references);
                    }
                }
            }
        }
        references.removeAll(own);
        String fileName = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        String name = version.map(v -> fileName.endsWith("-" + v)
                ? fileName.substring(0, fileName.length() - v.length() - 1) : fileName).orElse(fileName);
        return new CodeLocation(jar, sha256, Collections.unmodifiableSet(references), name, version);
    }

    /** The version in the jar's Maven {@code pom.properties}, else its manifest's implementation or bundle version. */
    private static Optional<String> version(JarFile jar) throws IOException {
        List<String> versions = new ArrayList<>();
        for (JarEntry entry : Collections.list(jar.entries())) {
            if (entry.getName().startsWith("META-INF/maven/") && entry.getName().endsWith("/pom.properties")) {
                Properties properties = new Properties();
                try (InputStream in = jar.getInputStream(entry)) {
                    properties.load(in);
                }
                Optional.ofNullable(properties.getProperty("version")).ifPresent(versions::add);
            }
        }
        if (versions.isEmpty()) {
            Manifest manifest = jar.getManifest();
            if (manifest != null) {
                Attributes main = manifest.getMainAttributes();
                Optional.ofNullable(main.getValue(Attributes.Name.IMPLEMENTATION_VERSION))
                        .or(() -> Optional.ofNullable(main.getValue("Bundle-Version"))).ifPresent(versions::add);
            }
        }
        // a jar that shades others holds several: a snapshot among them makes the whole a snapshot
        return versions.stream().filter(v -> v.contains("SNAPSHOT")).findFirst()
                .or(() -> versions.stream().findFirst());
    }

    /** Adds the binary names of the classes a class file's constant pool names, in class entries and descriptors. */
    private static void references(byte[] classFile, Set<String> into) {
        try {
            for (PoolEntry entry : ClassFile.of().parse(classFile).constantPool()) {
                if (entry instanceof ClassEntry type && !type.asInternalName().startsWith("[")) {
                    into.add(type.asInternalName());
                } else if (entry instanceof Utf8Entry text) {
                    Matcher matcher = CLASS_IN_DESCRIPTOR.matcher(text.stringValue());
                    while (matcher.find()) {
                        into.add(matcher.group(1));
                    }
                }
            }
        } catch (IllegalArgumentException unreadable) {
            // a class file of a format this JDK cannot parse: hashed with the rest, its references not followed
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
