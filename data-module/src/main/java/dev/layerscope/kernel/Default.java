package dev.layerscope.kernel;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value (HOCON) a settings component takes when its key is absent. Defaults belong in reference.conf; this is
 * for what reference.conf cannot reach, such as the keys of list elements ({@code { type = dense, units = 64 }}
 * leaving out {@code activation}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Default {
    String value();
}
