package io.ordo.order;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.ordo.common.Problem;
import io.ordo.common.ProblemMappers;
import io.ordo.common.ProblemType;

/**
 * The one reader of an order body for every intake path that gets raw JSON (one element of
 * {@code POST /v1/orders/batch}, an AMQP message, an inbound webhook): strict JSON through the application's
 * {@link ObjectMapper} (so every Jackson-level rule applies), then the Bean Validation rules of {@link PlaceOrder}.
 * It answers a {@link PlaceOrder} or throws {@link OrderBodyRefused} with the same problem {@code POST /v1/orders}
 * gives for the same body. {@code POST /v1/orders} itself is read by Quarkus REST with the same mapper and validator.
 */
@ApplicationScoped
public class OrderBodyReader {
    private final ObjectMapper json;
    private final Validator validator;

    public OrderBodyReader(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /** Reads UTF-8 (or UTF-16/32, detected as JSON allows) bytes, such as an AMQP data section. */
    public PlaceOrder read(byte[] body) {
        if (body == null || body.length == 0) {
            throw notAnOrder();
        }
        try {
            return validated(json.readValue(body, PlaceOrder.class));
        } catch (JsonProcessingException e) {
            throw new OrderBodyRefused(ProblemMappers.jsonProblem(e));
        } catch (IOException e) {
            throw new OrderBodyRefused(Problem.of(ProblemType.MALFORMED_JSON, "The request body is not valid JSON"));
        }
    }

    public PlaceOrder read(String body) {
        if (body == null || body.isEmpty()) {
            throw notAnOrder();
        }
        try {
            return validated(json.readValue(body, PlaceOrder.class));
        } catch (JsonProcessingException e) {
            throw new OrderBodyRefused(ProblemMappers.jsonProblem(e));
        }
    }

    /** Reads one element of an already parsed document (a batch's {@code orders[i]}); field names are the element's. */
    public PlaceOrder read(JsonNode element) {
        if (element == null || element.isNull() || element.isMissingNode()) {
            throw notAnOrder();
        }
        try {
            return validated(json.treeToValue(element, PlaceOrder.class));
        } catch (JsonProcessingException e) {
            throw new OrderBodyRefused(ProblemMappers.jsonProblem(e));
        } catch (IllegalArgumentException e) {
            throw new OrderBodyRefused(Problem.of(ProblemType.VALIDATION, "The request has 1 invalid field")
                    .withErrors(List.of(new Problem.FieldError("$", "is not a valid order"))));
        }
    }

    private PlaceOrder validated(PlaceOrder order) {
        if (order == null) {
            throw notAnOrder();
        }
        Set<ConstraintViolation<PlaceOrder>> violations = validator.validate(order);
        if (!violations.isEmpty()) {
            throw new OrderBodyRefused(ProblemMappers.violationsProblem(violations));
        }
        return order;
    }

    private static OrderBodyRefused notAnOrder() {
        return new OrderBodyRefused(Problem.of(ProblemType.VALIDATION, "The body must be an order")
                .withErrors(List.of(new Problem.FieldError("$", "must be an order"))));
    }
}
