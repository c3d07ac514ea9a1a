package io.ordo.common;

/** Creating something whose natural key is already taken. */
public final class AlreadyExists extends OrdoException {

    public AlreadyExists(String what, String id) {
        super(what + " '" + id + "' already exists");
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.ALREADY_EXISTS;
    }
}
