package io.ordo.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem details body ({@code application/problem+json}). Domain-specific members such as
 * {@code shortages} or {@code existingOrderId} go into {@link #extensions()} and are written at the top level.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "type", "title", "status", "detail", "instance", "errors" })
@Schema(name = "Problem", description = "RFC 9457 problem details")
public final class Problem {
    public static final String MEDIA_TYPE = "application/problem+json";

    @Schema(examples = "urn:ordo:problem:validation")
    private final String type;
    @Schema(examples = "Invalid request")
    private final String title;
    @Schema(examples = "400")
    private final int status;
    @Schema(examples = "The request body has 1 invalid field")
    private final String detail;
    private final String instance;
    private final List<FieldError> errors;
    private final Map<String, Object> extensions;

    private Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors,
            Map<String, Object> extensions) {
        this.type = type;
        this.title = title;
        this.status = status;
        this.detail = detail;
        this.instance = instance;
        this.errors = errors == null || errors.isEmpty() ? null : List.copyOf(errors);
        this.extensions = extensions;
    }

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.uri(), type.title(), type.status(), detail, null, null, new LinkedHashMap<>());
    }

    /** A problem for a plain HTTP status that has no Ordo-specific meaning (404 route, 405, 406, 415 ...). */
    public static Problem ofStatus(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, null, new LinkedHashMap<>());
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, fieldErrors, extensions);
    }

    public Problem withInstance(String requestPath) {
        return new Problem(type, title, status, detail, requestPath, errors, extensions);
    }

    public Problem with(String member, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(extensions);
        copy.put(member, value);
        return new Problem(type, title, status, detail, instance, errors, copy);
    }

    public String getType() {
        return type;
    }

    public String getTitle() {
        return title;
    }

    public int getStatus() {
        return status;
    }

    public String getDetail() {
        return detail;
    }

    public String getInstance() {
        return instance;
    }

    public List<FieldError> getErrors() {
        return errors;
    }

    @JsonAnyGetter
    @Schema(hidden = true)
    public Map<String, Object> extensions() {
        return extensions;
    }

    /** One invalid member of a request, named by its JSON path ({@code lines[0].quantity}). */
    @RegisterForReflection
    @Schema(name = "FieldError")
    public record FieldError(@Schema(examples = "lines[0].quantity") String field,
            @Schema(examples = "must be greater than 0") String message) {
    }
}
