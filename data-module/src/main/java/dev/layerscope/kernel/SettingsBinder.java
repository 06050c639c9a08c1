package dev.layerscope.kernel;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a HOCON subtree into a settings record, reporting every problem (missing, misspelled or unknown key, wrong
 * type, value out of range, a rule of the record's own constructor) instead of stopping at the first.
 *
 * <p>Component {@code limitPerClass} reads key {@code limit-per-class}. Supported component types: String, int,
 * long, double, boolean (and their boxes), Path, Duration, enums, nested records, {@code List<T>} and
 * {@code Optional<T>} of those (an Optional is empty when the key is absent or null), and sealed interfaces of
 * records chosen by a {@code type} key. A record's compact
 * constructor may reject a combination of values by throwing {@link IllegalArgumentException}; its message is
 * reported against the record's path.
 */
public final class SettingsBinder {

    /** The key that picks the variant of a sealed settings interface. */
    public static final String TYPE_KEY = "type";

    /** Marks a value that could not be bound; the reason is already among the problems. */
    private static final Object INVALID = new Object();

    private final List<ConfigProblem> problems;

    /** @param problems where every problem found is appended */
    public SettingsBinder(List<ConfigProblem> problems) {
        this.problems = problems;
    }

    /**
     * Binds {@code object} (found at {@code path}) to {@code type}.
     *
     * @param claimedKeys keys of {@code object} that other settings records bind (not reported as unknown)
     * @return the record, or empty when any problem was found
     */
    public <S extends Record> Optional<S> bind(ConfigObject object, String path, Class<S> type,
                                               Set<String> claimedKeys) {
        Object bound = bindRecord(object, path, type, claimedKeys);
        return bound == INVALID ? Optional.empty() : Optional.of(type.cast(bound));
    }

    /** The config key of a record component: camelCase becomes kebab-case. */
    public static String keyOf(String componentName) {
        StringBuilder key = new StringBuilder(componentName.length() + 4);
        for (char c : componentName.toCharArray()) {
            if (Character.isUpperCase(c)) {
                key.append('-').append(Character.toLowerCase(c));
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private Object bindRecord(ConfigObject object, String path, Class<?> type, Set<String> claimedKeys) {
        RecordComponent[] components = type.getRecordComponents();
        List<String> keys = Arrays.stream(components).map(c -> keyOf(c.getName())).toList();
        boolean valid = reportUnknownKeys(object, path, keys, claimedKeys);
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            String key = keys.get(i);
            String childPath = join(path, key);
            ConfigValue value = object.get(key);
            Default fallback = component.getAnnotation(Default.class);
            if (value == null && fallback != null) {
                value = ConfigFactory.parseString("value = " + fallback.value(), ConfigParseOptions.defaults()
                        .setOriginDescription("the default of " + childPath)).getValue("value");
            }
            if (value == null || value.valueType() == ConfigValueType.NULL) {
                if (component.getType() == Optional.class) {
                    values[i] = Optional.empty();
                    continue;
                }
                problem(object.origin(), childPath, "is missing; expected " + describe(component.getGenericType())
                        + " (add `" + (childPath.contains("[") ? key : childPath) + " = ...` to the experiment, or a"
                        + " default to the reference.conf"
                        + " beside the stage's classes)");
                valid = false;
                continue;
            }
            Object converted = convert(value, childPath, component.getGenericType());
            if (converted != INVALID) {
                converted = check(component, value, childPath, converted);
            }
            valid &= converted != INVALID;
            values[i] = converted;
        }
        if (!valid) {
            return INVALID;
        }
        try {
            var constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InvalidSetting rule && object.get(rule.key()) != null) {
                problem(object.get(rule.key()).origin(), join(path, rule.key()), rule.getMessage());
                return INVALID;
            }
            if (e.getCause() instanceof IllegalArgumentException rule) {
                problem(object.origin(), path, rule.getMessage());
                return INVALID;
            }
            throw new IllegalStateException("cannot create " + type.getName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + type.getName(), e);
        }
    }

    /** @return whether every key of {@code object} is known */
    private boolean reportUnknownKeys(ConfigObject object, String path, List<String> keys, Set<String> claimedKeys) {
        Set<String> allowed = new TreeSet<>(keys);
        allowed.addAll(claimedKeys);
        boolean allKnown = true;
        for (String present : object.keySet()) {
            if (!allowed.contains(present)) {
                problem(object.get(present).origin(), join(path, present), unknownKeyMessage(present, allowed));
                allKnown = false;
            }
        }
        return allKnown;
    }

    /** "is not a known key; did you mean `x`? Allowed here: ..." with the nearest allowed key when one is close. */
    public static String unknownKeyMessage(String present, Set<String> allowed) {
        return "is not a known key" + didYouMean(present, allowed) + " Allowed here: " + String.join(", ", allowed);
    }

    /**
     * "; did you mean `x`?" when a candidate is close to {@code word}, else "."; what follows starts a sentence.
     */
    public static String didYouMean(String word, Iterable<String> candidates) {
        return nearest(word, candidates).map(n -> "; did you mean `" + n + "`?").orElse(".");
    }

    /** The candidate within a small edit distance of {@code word}, if any. */
    public static Optional<String> nearest(String word, Iterable<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = editDistance(word.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int tolerance = Math.max(2, word.length() / 3);
        return best != null && bestDistance <= tolerance ? Optional.of(best) : Optional.empty();
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private Object convert(ConfigValue value, String path, Type type) {
        Class<?> raw = rawClass(type);
        if (raw == Optional.class) {
            if (value.valueType() == ConfigValueType.NULL) {
                return Optional.empty();
            }
            Object inner = convert(value, path, typeArgument(type));
            return inner == INVALID ? INVALID : Optional.of(inner);
        }
        if (raw == List.class) {
            if (value.valueType() != ConfigValueType.LIST) {
                return wrongType(value, path, type);
            }
            List<Object> list = new ArrayList<>();
            boolean valid = true;
            int index = 0;
            for (ConfigValue element : (ConfigList) value) {
                Object converted = convert(element, path + "[" + index++ + "]", typeArgument(type));
                valid &= converted != INVALID;
                list.add(converted);
            }
            return valid ? List.copyOf(list) : INVALID;
        }
        if (raw.isRecord()) {
            if (value.valueType() != ConfigValueType.OBJECT) {
                return wrongType(value, path, type);
            }
            return bindRecord((ConfigObject) value, path, raw, Set.of());
        }
        if (raw.isSealed() && raw.isInterface()) {
            return bindVariant(value, path, raw);
        }
        if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
            return wrongType(value, path, type);
        }
        Object unwrapped = value.unwrapped();
        String text = String.valueOf(unwrapped).trim();
        try {
            if (raw == String.class) {
                return String.valueOf(unwrapped);
            }
            if (raw == int.class || raw == Integer.class) {
                long whole = wholeNumber(unwrapped, text);
                if (whole < Integer.MIN_VALUE || whole > Integer.MAX_VALUE) {
                    return wrongType(value, path, type);
                }
                return (int) whole;
            }
            if (raw == long.class || raw == Long.class) {
                return wholeNumber(unwrapped, text);
            }
            if (raw == double.class || raw == Double.class) {
                double number = unwrapped instanceof Number n ? n.doubleValue() : Double.parseDouble(text);
                return Double.isFinite(number) ? number : wrongType(value, path, type);
            }
            if (raw == boolean.class || raw == Boolean.class) {
                if (unwrapped instanceof Boolean b) {
                    return b;
                }
                return switch (text.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "on" -> true;
                    case "false", "no", "off" -> false;
                    default -> wrongType(value, path, type);
                };
            }
            if (raw == Path.class) {
                return Path.of(text);
            }
            if (raw == Duration.class) {
                return ConfigValueFactory.fromMap(Map.of("d", unwrapped)).toConfig().getDuration("d");
            }
            if (raw.isEnum()) {
                for (Object constant : raw.getEnumConstants()) {
                    if (enumKey(constant).equals(text.toLowerCase(Locale.ROOT).replace('_', '-'))) {
                        return constant;
                    }
                }
                List<String> names = Arrays.stream(raw.getEnumConstants()).map(SettingsBinder::enumKey).toList();
                return wrongType(value, path, type, nearest(text, names).map(n -> " (did you mean `" + n + "`?)")
                        .orElse(""));
            }
        } catch (NumberFormatException | InvalidPathException | ConfigException e) {
            return wrongType(value, path, type);
        }
        throw new IllegalStateException("settings component type " + type + " at " + path + " is not supported");
    }

    /**
     * A sealed interface of records is a choice among variants, told apart by the object's {@code type} key:
     * {@code { type = conv2d, filters = 32 }} binds the permitted record {@code Conv2d}.
     */
    private Object bindVariant(ConfigValue value, String path, Class<?> sealed) {
        if (value.valueType() != ConfigValueType.OBJECT) {
            return wrongType(value, path, sealed);
        }
        ConfigObject object = (ConfigObject) value;
        Map<String, Class<?>> variants = variants(sealed);
        ConfigValue typeValue = object.get(TYPE_KEY);
        String typeName = typeValue == null ? null : String.valueOf(typeValue.unwrapped());
        Class<?> variant = typeName == null ? null : variants.get(typeName);
        if (variant == null) {
            String message = (typeName == null ? "needs a `type`" : "has an unknown type `" + typeName + "`")
                    + "; one of " + String.join(", ", variants.keySet());
            if (typeName != null) {
                message += nearest(typeName, variants.keySet()).map(n -> " (did you mean `" + n + "`?)").orElse("");
            }
            problem(typeValue == null ? object.origin() : typeValue.origin(), path, message);
            return INVALID;
        }
        return bindRecord(object, path, variant, Set.of(TYPE_KEY));
    }

    /** The permitted records of a sealed interface, by type name (kebab-case of the simple name). */
    private static Map<String, Class<?>> variants(Class<?> sealed) {
        Map<String, Class<?>> variants = new LinkedHashMap<>();
        for (Class<?> permitted : sealed.getPermittedSubclasses()) {
            variants.put(keyOf(Character.toLowerCase(permitted.getSimpleName().charAt(0))
                    + permitted.getSimpleName().substring(1)), permitted);
        }
        return variants;
    }

    private static long wholeNumber(Object unwrapped, String text) {
        if (unwrapped instanceof Integer || unwrapped instanceof Long) {
            return ((Number) unwrapped).longValue();
        }
        if (unwrapped instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d)) {
                throw new NumberFormatException(text);
            }
            return (long) d;
        }
        return Long.parseLong(text);
    }

    private Object check(RecordComponent component, ConfigValue value, String path, Object converted) {
        Optional<SettingRules.Violation> broken = SettingRules.violation(component, converted);
        if (broken.isPresent()) {
            problem(value.origin(), path + broken.get().index(), broken.get().message());
            return INVALID;
        }
        return converted;
    }

    private Object wrongType(ConfigValue value, String path, Type type) {
        return wrongType(value, path, type, "");
    }

    private Object wrongType(ConfigValue value, String path, Type type, String suggestion) {
        problem(value.origin(), path, "expected " + describe(type) + ", got " + render(value) + suggestion);
        return INVALID;
    }

    private static String render(ConfigValue value) {
        return value.render(ConfigRenderOptions.concise());
    }

    /** A person's description of what a component type accepts. */
    static String describe(Type type) {
        Class<?> raw = rawClass(type);
        if (raw == Optional.class) {
            return describe(typeArgument(type)) + " (or null)";
        }
        if (raw == List.class) {
            return "a list of " + plural(describe(typeArgument(type)));
        }
        if (raw.isRecord()) {
            return "an object with keys " + Arrays.stream(raw.getRecordComponents())
                    .map(c -> keyOf(c.getName())).collect(Collectors.joining(", "));
        }
        if (raw.isSealed() && raw.isInterface()) {
            return "an object with a `type`, one of " + String.join(", ", variants(raw).keySet());
        }
        if (raw.isEnum()) {
            return "one of " + Arrays.stream(raw.getEnumConstants()).map(SettingsBinder::enumKey)
                    .collect(Collectors.joining(", "));
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return "a whole number";
        }
        if (raw == double.class || raw == Double.class) {
            return "a number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true or false";
        }
        if (raw == Path.class) {
            return "a path";
        }
        if (raw == Duration.class) {
            return "a duration such as 30s or 5m";
        }
        return "a string";
    }

    private static String plural(String description) {
        return description.replaceFirst("^an? ", "") + "s";
    }

    static String enumKey(Object constant) {
        return ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported settings type " + type);
    }

    private static Type typeArgument(Type type) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[0];
        }
        throw new IllegalStateException(type + " needs a type argument");
    }

    private void problem(ConfigOrigin origin, String path, String message) {
        problems.add(new ConfigProblem(ConfigProblem.describe(origin), path, message));
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
