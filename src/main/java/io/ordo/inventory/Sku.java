package io.ordo.inventory;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** A stock-keeping unit code: 1-100 letters, digits, '.', '_' or '-' (it travels in URL paths). */
@Documented
@NotNull
@Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
@Constraint(validatedBy = {})
@ReportAsSingleViolation
@Target({ FIELD, PARAMETER, RECORD_COMPONENT, TYPE_USE })
@Retention(RUNTIME)
public @interface Sku {
    String message() default "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
