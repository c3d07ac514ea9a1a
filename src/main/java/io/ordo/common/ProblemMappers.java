package io.ordo.common;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;

import io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * The one place where failures become RFC 9457 problem responses. Client mistakes never surface as a 500, and no
 * response ever carries a stack trace or an exception class name.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response domainFailure(OrdoException failure, UriInfo uri) {
        return respond(failure.toProblem(), uri);
    }

    @ServerExceptionMapper
    public Response invalidBody(ConstraintViolationException failure, UriInfo uri) {
        if (isReturnValueViolation(failure)) {
            return unexpected(failure, uri);
        }
        return respond(violationsProblem(failure.getConstraintViolations()), uri);
    }

    /** A 400 problem naming every invalid field. */
    public static Problem violationsProblem(java.util.Set<? extends jakarta.validation.ConstraintViolation<?>> violations) {
        List<Problem.FieldError> errors = violations.stream()
                .map(v -> new Problem.FieldError(fieldName(v.getPropertyPath()), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field).thenComparing(Problem.FieldError::message))
                .toList();
        String detail = errors.size() == 1 ? "The request has 1 invalid field"
                : "The request has " + errors.size() + " invalid fields";
        return Problem.of(ProblemType.VALIDATION, detail).withErrors(errors);
    }

    /** Quarkus registers its own mapper for this exact type; ours must name it to take precedence. */
    @ServerExceptionMapper
    public Response invalidParameters(ResteasyReactiveViolationException failure, UriInfo uri) {
        return invalidBody(failure, uri);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException failure, UriInfo uri) {
        return respond(jsonProblem(failure), uri);
    }

    /** Quarkus registers its own mapper for this exact type; ours must name it to take precedence. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException failure, UriInfo uri) {
        return respond(jsonProblem(failure), uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException failure, UriInfo uri) {
        return respond(OrdoException.problemOf(failure), uri);
    }

    /**
     * One {@code WWW-Authenticate: Bearer} challenge: quarkus-oidc puts its own on the response when it refuses a
     * token, so the header is added only when it is not there yet.
     */
    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthorized(RuntimeException failure, UriInfo uri, io.vertx.ext.web.RoutingContext request) {
        Response response = respond(Problem.of(ProblemType.UNAUTHORIZED, "A valid bearer token is required"), uri);
        if (request != null && request.response().headers().contains(HttpHeaders.WWW_AUTHENTICATE)) {
            return response;
        }
        return Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException failure, UriInfo uri) {
        Throwable cause = failure.getCause();
        if (cause instanceof JsonProcessingException json) {
            return respond(jsonProblem(json), uri);
        }
        if (cause instanceof OrdoException refusal) {
            // a parameter the framework could not convert, named by ParameterConversions
            return respond(refusal.toProblem(), uri);
        }
        int status = failure.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(failure, uri);
        }
        if (status == 413) {
            return respond(Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "The request body exceeds the allowed size"),
                    uri);
        }
        Response.StatusType statusType = Response.Status.fromStatusCode(status);
        String title = statusType == null ? "HTTP " + status : statusType.getReasonPhrase();
        Response response = respond(Problem.ofStatus(status, title, httpDetail(status)), uri);
        // keep headers such as Allow (405) that the framework put on its own response
        Response.ResponseBuilder builder = Response.fromResponse(response);
        failure.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE) && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        return builder.build();
    }

    /** Seconds a client is asked to wait (Retry-After) when the database cannot be reached. */
    static final int UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable failure, UriInfo uri) {
        if (PgErrors.isUnavailable(failure)) {
            return unavailable(failure, uri);
        }
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(failure, "Unexpected failure %s on %s", errorId, uri == null ? "?" : uri.getPath());
        return respond(Problem.of(ProblemType.INTERNAL, "An unexpected error occurred; reference " + errorId)
                .with("errorId", errorId), uri);
    }

    /** The database is unreachable or going away: not the client's fault, and worth retrying shortly. */
    static Response unavailable(Throwable failure, UriInfo uri) {
        LOG.warnf("Database unavailable on %s: %s", uri == null ? "?" : uri.getPath(), failure.toString());
        Response response = respond(Problem.of(ProblemType.SERVICE_UNAVAILABLE,
                "The database cannot be reached right now; retry after " + UNAVAILABLE_RETRY_AFTER_SECONDS + " s"), uri);
        return Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, UNAVAILABLE_RETRY_AFTER_SECONDS).build();
    }

    static Response respond(Problem problem, UriInfo uri) {
        Problem body = uri == null ? problem : problem.withInstance(uri.getPath());
        return Response.status(body.getStatus()).type(Problem.MEDIA_TYPE).entity(body).build();
    }

    private static String httpDetail(int status) {
        return switch (status) {
            case 404 -> "No resource at this path";
            case 405 -> "This method is not allowed on this resource";
            case 406 -> "This resource cannot produce the requested media type";
            case 415 -> "Send the body as application/json";
            default -> "The request could not be processed";
        };
    }

    public static Problem jsonProblem(JsonProcessingException failure) {
        if (failure instanceof JsonMappingException mapping && !(failure instanceof StreamReadException)) {
            String field = jsonPath(mapping.getPath());
            return Problem.of(ProblemType.VALIDATION, "The request has 1 invalid field")
                    .withErrors(List.of(new Problem.FieldError(field.isEmpty() ? "$" : field, mappingMessage(mapping))));
        }
        String location = failure.getLocation() == null ? ""
                : " at line " + failure.getLocation().getLineNr() + ", column " + failure.getLocation().getColumnNr();
        return Problem.of(ProblemType.MALFORMED_JSON, "The request body is not valid JSON" + location);
    }

    private static String mappingMessage(JsonMappingException mapping) {
        if (mapping instanceof StorableText.Refused refused) {
            return refused.reason();
        }
        if (mapping instanceof PropertyBindingException) {
            return "unknown field";
        }
        if (mapping instanceof MismatchedInputException mismatch) {
            Class<?> target = mismatch.getTargetType();
            if (target != null) {
                return "must be " + describe(target);
            }
        }
        return "has an invalid value";
    }

    private static String describe(Class<?> target) {
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class
                || target == Short.class || target == short.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(target) || target == double.class || target == float.class) {
            return "a number";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "true or false";
        }
        if (target == String.class) {
            return "a string";
        }
        if (target.isEnum()) {
            return "one of " + Arrays.stream(target.getEnumConstants()).map(Object::toString)
                    .collect(Collectors.joining(", "));
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(target) || target.isRecord()) {
            return "an object";
        }
        return "a valid value";
    }

    /** {@code lines[0].quantity} from Jackson's reference chain. */
    static String jsonPath(List<JsonMappingException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    /**
     * {@code lines[0].quantity} from a Bean Validation path such as {@code create.body.lines[0].quantity}: the method
     * and the body parameter are dropped; a path or query parameter keeps its own name.
     */
    static String fieldName(Path path) {
        String parameter = null;
        StringBuilder field = new StringBuilder();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.CONSTRUCTOR) {
                continue;
            }
            if (node.getKind() == ElementKind.PARAMETER) {
                parameter = node.getName();
                continue;
            }
            if (node.isInIterable()) {
                field.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
            }
            if (node.getName() != null && !node.getName().startsWith("<")) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(node.getName());
            }
        }
        if (field.isEmpty()) {
            return parameter == null ? "$" : parameter;
        }
        return field.toString();
    }

    /** A response that breaks its own constraints is our bug, not the client's. */
    private static boolean isReturnValueViolation(ConstraintViolationException failure) {
        return failure.getConstraintViolations().stream().anyMatch(v -> {
            for (Path.Node node : v.getPropertyPath()) {
                if (node.getKind() == ElementKind.RETURN_VALUE) {
                    return true;
                }
            }
            return false;
        });
    }
}
