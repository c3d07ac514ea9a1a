package io.ordo.outbox;

import java.time.Duration;

/**
 * The relay's floor: an outbox id below which every event of this database is known to be published, so that a claim
 * can start its index scan there instead of walking the entries that published rows leave in
 * {@code outbox_unpublished} until VACUUM removes them (a claim over ~450,000 of them took 37 ms). Per relay instance
 * and in memory: a new instance starts at 0 and scans once.
 * <p>
 * How it moves (the proof is in {@code outbox_floor_candidate}, R__outbox_functions.sql): a round takes a
 * <em>candidate</em> (the highest id handed out, and an xid newer than every writer of those ids); a later round
 * whose snapshot's xmin has passed that xid, and whose claim covered every unpublished id up to the candidate's
 * (it claimed fewer than the limit, or up to that id), moves the floor past it once its transaction committed. Rows
 * are only ever marked published by the relay, and only the relay holding the advisory lock claims, so nothing
 * unpublished can lie below the floor. Candidates are taken at most once per {@link #CANDIDATE_EVERY} (each assigns
 * an xid, i.e. makes the relay's round a writing transaction).
 */
final class OutboxFloor {
    static final Duration CANDIDATE_EVERY = Duration.ofSeconds(1);

    /** A candidate: every id up to {@code lastId} is held by a transaction with an xid below {@code belowXid}. */
    record Candidate(long lastId, long belowXid) {
    }

    private long floor;
    private Candidate pending;
    private long lastCandidateNanos = System.nanoTime() - CANDIDATE_EVERY.toNanos();

    /** Every outbox id below this is published. */
    synchronized long value() {
        return floor;
    }

    /** Whether the round should take a new candidate (none pending, and none taken within the last second). */
    synchronized boolean wantsCandidate(long nowNanos) {
        return pending == null && nowNanos - lastCandidateNanos >= CANDIDATE_EVERY.toNanos();
    }

    synchronized void propose(Candidate candidate, long nowNanos) {
        if (pending == null) {
            pending = candidate;
            lastCandidateNanos = nowNanos;
        }
    }

    /** The pending candidate when a snapshot with this xmin shows all its writers ended, else null. */
    synchronized Candidate settledBy(long oldestRunningXid) {
        return pending != null && oldestRunningXid >= pending.belowXid() ? pending : null;
    }

    /**
     * After the round's commit: when it held a settled candidate and its claim covered every unpublished id up to the
     * candidate's ({@code claimed < limit}, or its highest claimed id reached the candidate's), the floor moves past
     * it.
     */
    synchronized void committed(Candidate settled, int claimed, int limit, long highestClaimed) {
        if (settled == null || (claimed >= limit && highestClaimed < settled.lastId())) {
            return;
        }
        floor = Math.max(floor, settled.lastId() + 1);
        if (pending == settled) {
            pending = null;
        }
    }
}
