package io.ordo.fulfillment;

import java.util.List;

import io.ordo.common.OrdoException;
import io.ordo.common.Problem;
import io.vertx.core.json.JsonArray;

/** A refusal that names each offending line (as the SQL functions report them): {@code lines: [{sku, ...}]}. */
abstract class LineRefusal extends OrdoException {
    private final List<Object> lines;

    LineRefusal(String message, JsonArray lines) {
        super(message);
        this.lines = lines.getList().stream().map(l -> l instanceof io.vertx.core.json.JsonObject o
                ? (Object) o.getMap() : l).toList();
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().with("lines", lines);
    }
}
