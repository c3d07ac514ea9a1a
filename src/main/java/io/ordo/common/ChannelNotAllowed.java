package io.ordo.common;

/** A channel token acting for another channel. */
public final class ChannelNotAllowed extends OrdoException {

    public ChannelNotAllowed(String tokenChannel, String requested) {
        super("This token acts for channel '" + tokenChannel + "', not '" + requested + "'");
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.FORBIDDEN;
    }
}
