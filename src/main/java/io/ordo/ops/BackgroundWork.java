package io.ordo.ops;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.ordo.common.duty.BackgroundDuty;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Every feature's {@link BackgroundDuty}, run as one round for an external tick. The duties run one after another in
 * stage order (a round uses one database connection at a time, besides what a duty takes itself); a failing duty
 * does not stop the others. Nothing here names a feature: the duties come from CDI.
 */
@ApplicationScoped
public class BackgroundWork {
    private static final Logger LOG = Logger.getLogger(BackgroundWork.class);

    private final List<BackgroundDuty> duties;
    private final MeterRegistry registry;
    private final Duration budget;

    public BackgroundWork(Instance<BackgroundDuty> duties, MeterRegistry registry, OpsConfig config) {
        this.duties = duties.stream().sorted(Comparator.comparingInt(BackgroundDuty::stage)
                .thenComparing(BackgroundDuty::name)).toList();
        this.registry = registry;
        this.budget = config.tickBudget();
    }

    /**
     * Runs every duty once, in stage order, none starting a batch once {@code ordo.ops.tick-budget} has passed (a duty
     * reached after that still runs its first batch).
     */
    public Uni<DutyRound> runRound() {
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        return Multi.createFrom().iterable(duties).onItem().transformToUniAndConcatenate(duty -> run(duty, deadline))
                .collect().asList()
                .map(outcomes -> new DutyRound(outcomes.stream().allMatch(o -> o.error() == null),
                        System.nanoTime() - deadline > 0, millisSince(start), outcomes));
    }

    /** The due counts of the duties that count theirs. */
    public Uni<DueWork> due() {
        return Multi.createFrom().iterable(duties).onItem()
                .transformToUniAndConcatenate(duty -> duty.dueCount().map(count -> Map.entry(duty.name(), count)))
                .filter(entry -> entry.getValue() >= 0).collect().asList().map(entries -> {
                    Map<String, Long> due = new LinkedHashMap<>();
                    entries.forEach(entry -> due.put(entry.getKey(), entry.getValue()));
                    return new DueWork(due, due.values().stream().mapToLong(Long::longValue).sum());
                });
    }

    private Uni<DutyRound.Outcome> run(BackgroundDuty duty, long deadline) {
        long start = System.nanoTime();
        return Uni.createFrom().deferred(() -> duty.runDue(deadline))
                .map(done -> {
                    registry.counter("ordo.ops.tick.done", "duty", duty.name()).increment(done);
                    return new DutyRound.Outcome(duty.name(), done, millisSince(start), null);
                })
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("tick: %s stopped early: %s (what it did not do stays due)", duty.name(),
                            failure.toString());
                    registry.counter("ordo.ops.tick.failed", "duty", duty.name()).increment();
                    return new DutyRound.Outcome(duty.name(), 0, millisSince(start), describe(failure));
                });
    }

    /** The failure's kind and message, without a stack trace. */
    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        String firstLine = message == null ? "" : ": " + message.lines().findFirst().orElse("");
        return failure.getClass().getSimpleName() + firstLine;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
