package dev.layerscope.kernel;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record as the typed view of one subtree of the experiment file: {@code @Settings("data")} binds the
 * {@code data { ... }} block. Component {@code validationFraction} reads key {@code validation-fraction}.
 * A stage receives the record by constructor injection; defaults belong in the module's {@code reference.conf}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Settings {
    /** The config path of the subtree, e.g. {@code "data"} or {@code "reduce.tsne"}. */
    String value();
}
