package dev.layerscope.kernel;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Optional;

/**
 * The rules a settings record's components state by annotation: {@link Range} and {@link NonEmpty}. The binder
 * checks them against the experiment and reports every broken one with its file and line. A record that code builds
 * as well (an algorithm's options, which tests and benchmarks build) calls {@link #check} first thing in its compact
 * constructor, so the same rules, with the same messages, hold there too.
 */
public final class SettingRules {

    private SettingRules() {
    }

    /**
     * A broken rule.
     *
     * @param index   "[i]" for the element of a list that breaks it, else ""
     * @param message what is wrong and what is allowed
     */
    record Violation(String index, String message) {
    }

    /**
     * Throws {@link InvalidSetting}, naming the component's key, for the first component that breaks its rule.
     *
     * @param type   the record
     * @param values its components' values, in the order the record declares them
     */
    public static void check(Class<? extends Record> type, Object... values) {
        RecordComponent[] components = type.getRecordComponents();
        if (values.length != components.length) {
            throw new IllegalStateException(type.getName() + " has " + components.length + " components, "
                    + values.length + " values were given");
        }
        for (int i = 0; i < components.length; i++) {
            String key = SettingsBinder.keyOf(components[i].getName());
            violation(components[i], values[i]).ifPresent(broken -> {
                throw new InvalidSetting(key + broken.index(), broken.message());
            });
        }
    }

    /** What is wrong with {@code value} by {@code component}'s annotations, if anything. */
    static Optional<Violation> violation(RecordComponent component, Object value) {
        Range range = component.getAnnotation(Range.class);
        Object present = value instanceof Optional<?> optional ? optional.orElse(null) : value;
        if (range != null && present instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (outside(range, (Number) list.get(i))) {
                    return Optional.of(new Violation("[" + i + "]", outOfRange(range, (Number) list.get(i))));
                }
            }
        } else if (range != null && present != null && outside(range, (Number) present)) {
            return Optional.of(new Violation("", outOfRange(range, (Number) present)));
        }
        if (component.isAnnotationPresent(NonEmpty.class)) {
            boolean empty = value instanceof List<?> list ? list.isEmpty() : value instanceof String s && s.isBlank();
            if (empty) {
                return Optional.of(new Violation("", "must not be empty"));
            }
        }
        return Optional.empty();
    }

    /** Outside the range; a value that is not finite (NaN, infinity) is outside every range. */
    private static boolean outside(Range range, Number value) {
        double number = value.doubleValue();
        boolean low = range.minExclusive() ? number <= range.min() : number < range.min();
        boolean high = range.maxExclusive() ? number >= range.max() : number > range.max();
        return !Double.isFinite(number) || low || high;
    }

    private static String outOfRange(Range range, Number value) {
        return Numbers.number(value.doubleValue()) + " is out of range; allowed: " + describe(range);
    }

    static String describe(Range range) {
        String low = Double.isInfinite(range.min()) ? ""
                : Numbers.number(range.min()) + (range.minExclusive() ? " < " : " <= ");
        String high = Double.isInfinite(range.max()) ? ""
                : (range.maxExclusive() ? " < " : " <= ") + Numbers.number(range.max());
        return low + "value" + high;
    }
}
