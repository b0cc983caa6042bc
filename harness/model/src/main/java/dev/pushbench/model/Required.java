package dev.pushbench.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component that every file written by this version has: the published schema lists
 * it as required. Readers stay lenient (a file without it still reads, with the value absent), which
 * Jackson's own {@code @JsonProperty(required = true)} would refuse.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Required {
}
