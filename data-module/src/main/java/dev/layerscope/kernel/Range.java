package dev.layerscope.kernel;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The allowed interval of a numeric settings component, checked when the experiment is validated. On a list
 * component it applies to every element.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Range {
    double min() default Double.NEGATIVE_INFINITY;

    double max() default Double.POSITIVE_INFINITY;

    /** Whether {@link #max()} itself is excluded, as for a fraction that must stay below 1. */
    boolean maxExclusive() default false;

    /** Whether {@link #min()} itself is excluded, as for a rate that must stay above 0. */
    boolean minExclusive() default false;
}
