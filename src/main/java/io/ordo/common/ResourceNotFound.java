package io.ordo.common;

/** The addressed resource does not exist, or the caller may not know that it does. */
public final class ResourceNotFound extends OrdoException {

    public ResourceNotFound(String what, String id) {
        super(what + " '" + id + "' was not found");
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.NOT_FOUND;
    }
}
