package io.ordo.common;

/**
 * Something's status does not allow the requested move (an order, a return): a 409 {@code transition-not-allowed}
 * naming the current and the requested status. Each status machine has its own subclass.
 */
public abstract class StatusTransitionRefused extends OrdoException {
    private final Enum<?> from;
    private final Enum<?> to;

    /** {@code what} names the thing with its article: "An order", "A return". */
    protected StatusTransitionRefused(String what, Enum<?> from, Enum<?> to) {
        super(what + " that is " + from + " cannot become " + to);
        this.from = from;
        this.to = to;
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.TRANSITION_NOT_ALLOWED;
    }

    @Override
    public Problem toProblem() {
        return super.toProblem().with("currentStatus", from).with("requestedStatus", to);
    }
}
