package dev.layerscope.sweep.spark;

import dev.layerscope.kernel.Launcher;
import dev.layerscope.sweep.PointOutcome;
import dev.layerscope.sweep.PointRunner;
import dev.layerscope.sweep.SweepPoint;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Spark side of {@link SparkEngine}: one Spark job whose task {@code i} runs point {@code i}. */
final class SparkSweep {

    private static final Logger LOG = LoggerFactory.getLogger(SparkSweep.class);

    /**
     * How often Spark may start a point's task. A point's own failure never fails its task (see {@link RunPoint});
     * a task fails when its executor is lost, and one more try, on another executor, then resumes the point from
     * the store's finished stages instead of giving up on it. Applied unless the sweep's conf sets it. For
     * {@code local[N]} Spark ignores it and tries a task once ({@code local[N,F]} asks for F tries).
     */
    static final String TASK_TRIES = "2";

    private SparkSweep() {
    }

    static List<PointOutcome> run(List<SweepPoint> points, SparkSettings settings, PointRunner runner) {
        long calledAt = System.currentTimeMillis();
        SparkConf conf = conf(settings);
        // a context of its own, stopped at the end: Spark allows one per JVM, so a second sweep in this JVM (or a
        // context left running by its caller) makes this fail at once rather than run on someone else's settings
        SparkContext context = new SparkContext(conf);
        FirstTaskStart firstTask = new FirstTaskStart(calledAt, context.master());
        context.addSparkListener(firstTask);
        try {
            CollectionAccumulator<Finished> finished = context.collectionAccumulator("layerscope points finished");
            String jobFailure = null;
            try {
                new JavaSparkContext(context).parallelize(points, points.size())
                        .foreachPartition(new RunPoint(runner, finished));
            } catch (RuntimeException e) {
                // the job was aborted (an executor lost more often than spark.task.maxFailures allows, or the
                // cluster went away): the points that finished before keep their outcomes
                jobFailure = "Spark stopped the sweep before this point finished: " + e.getMessage();
                LOG.error("the Spark job of the sweep failed", e);
            }
            return inOrder(points, finished.value(), jobFailure);
        } finally {
            context.removeSparkListener(firstTask);
            context.stop();
        }
    }

    /** Spark's properties: {@code -Dspark.*} of this JVM first, then the sweep's conf, then our defaults. */
    static SparkConf conf(SparkSettings settings) {
        SparkConf conf = new SparkConf(true); // loads every spark.* system property
        conf.setIfMissing("spark.master", settings.master());
        conf.setIfMissing("spark.app.name", settings.appName());
        for (Map.Entry<String, String> entry : settings.conf().entrySet()) {
            conf.setIfMissing(entry.getKey(), entry.getValue());
        }
        conf.setIfMissing("spark.task.maxFailures", TASK_TRIES);
        if (inThisJvm(conf.get("spark.master"))) {
            // a try-out or a test on this machine: nothing to serve to other machines, so nothing on the network
            // and no web UI (a cluster's driver must be reachable by its executors: its conf decides)
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        return conf;
    }

    /** Whether the tasks run inside this JVM ({@code local}, {@code local[N]}, {@code local[N,F]}, {@code local[*]}). */
    static boolean inThisJvm(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    /** One outcome per point, in the points' order; a point without one failed with {@code jobFailure}. */
    static List<PointOutcome> inOrder(List<SweepPoint> points, List<Finished> finished, String jobFailure) {
        PointOutcome[] outcomes = new PointOutcome[points.size()];
        for (Finished one : finished) {
            outcomes[one.index()] = one.outcome();
        }
        List<PointOutcome> ordered = new ArrayList<>(Arrays.asList(outcomes));
        for (int i = 0; i < ordered.size(); i++) {
            if (ordered.get(i) == null) {
                ordered.set(i, new PointOutcome(points.get(i).name(), Launcher.STAGE_FAILED, null, 0,
                        jobFailure == null ? "Spark returned no outcome for this point" : jobFailure));
            }
        }
        return ordered;
    }

    /** What the task of point {@code index} sends back. */
    record Finished(int index, PointOutcome outcome) implements Serializable {
    }

    /**
     * The task: runs the partition's one point. A runner that throws (it should not: a failed run is an outcome)
     * makes a failed outcome rather than a failed task, so that Spark neither retries the point nor aborts the
     * others.
     */
    record RunPoint(PointRunner runner, CollectionAccumulator<Finished> finished)
            implements VoidFunction<Iterator<SweepPoint>> {

        @Override
        public void call(Iterator<SweepPoint> partition) {
            // parallelize(points, points.size()) puts point i alone in partition i
            int index = TaskContext.getPartitionId();
            while (partition.hasNext()) {
                SweepPoint point = partition.next();
                long start = System.nanoTime();
                PointOutcome outcome;
                try {
                    outcome = runner.run(point);
                } catch (RuntimeException | LinkageError e) {
                    outcome = new PointOutcome(point.name(), Launcher.STAGE_FAILED, null,
                            (System.nanoTime() - start) / 1e9, "the point's runner failed: " + e);
                }
                finished.add(new Finished(index, outcome));
            }
        }
    }

    /**
     * Logs Spark's start-up cost when the sweep's first task starts: from the engine's call to Spark's launch of that
     * task (context, scheduler and executors up, the job planned).
     */
    static final class FirstTaskStart extends SparkListener {

        private final long calledAt;
        private final String master;
        private final AtomicBoolean seen = new AtomicBoolean();

        FirstTaskStart(long calledAt, String master) {
            this.calledAt = calledAt;
            this.master = master;
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart taskStart) {
            if (seen.compareAndSet(false, true)) {
                LOG.info("Spark ({}) started the sweep's first task {} s after the sweep called it", master,
                        String.format(Locale.ROOT, "%.1f", (taskStart.taskInfo().launchTime() - calledAt) / 1000.0));
            }
        }
    }
}
