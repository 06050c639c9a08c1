package dev.layerscope.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.layerscope.kernel.InvalidSetting;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The sweep file's spark section, and the Spark properties the engine makes of it (no Spark is started). */
class SparkSettingsTest {

    private static SparkSettings settings(String hocon) {
        return SparkSettings.from(ConfigFactory.parseString(hocon), "smoke");
    }

    @Test
    void anEmptySectionRunsOnTwoLocalThreadsUnderTheSweepsName() {
        SparkSettings settings = settings("");

        assertEquals("local[2]", settings.master());
        assertEquals("layerscope-sweep-smoke", settings.appName());
        assertEquals(Map.of(), settings.conf());
    }

    @Test
    void sparkPropertiesPassThroughQuotedOrNot() {
        SparkSettings settings = settings("""
                master = "spark://head:7077"
                conf { "spark.executor.memory" = 4g, spark.task.cpus = 2 }
                """);

        assertEquals(Map.of("spark.executor.memory", "4g", "spark.task.cpus", "2"), settings.conf());
    }

    @Test
    void aMistakeNamesItsKey() {
        assertEquals("mastr", assertThrows(InvalidSetting.class, () -> settings("mastr = local")).key());
        assertEquals("conf.executor.memory",
                assertThrows(InvalidSetting.class, () -> settings("conf { \"executor.memory\" = 4g }")).key());
        assertEquals("conf.spark.jars",
                assertThrows(InvalidSetting.class, () -> settings("conf { \"spark.jars\" = [a, b] }")).key());
        assertEquals("master", assertThrows(InvalidSetting.class, () -> settings("master = \"\"")).key());
    }

    @Test
    void aSparkPropertyGivenWithMinusDIsSparksNotAMistake() {
        // the sweep puts -Dspark.executor.cores=3 into its spark section as executor.cores
        String before = System.getProperty("spark.executor.cores");
        System.setProperty("spark.executor.cores", "3");
        try {
            SparkSettings settings = settings("executor.cores = 3");

            assertEquals(Map.of(), settings.conf());
            assertEquals("3", SparkSweep.conf(settings).get("spark.executor.cores"));
            assertEquals("executor", assertThrows(InvalidSetting.class,
                    () -> settings("executor.memory = 3g")).key(), "not given with -D: a mistake");
        } finally {
            if (before == null) {
                System.clearProperty("spark.executor.cores");
            } else {
                System.setProperty("spark.executor.cores", before);
            }
        }
    }

    @Test
    void onThisMachineSparkListensOnLoopbackWithoutItsWebUi() {
        SparkConf conf = SparkSweep.conf(settings("conf { \"spark.executor.memory\" = 3g }"));

        assertEquals("local[2]", conf.get("spark.master"));
        assertEquals("layerscope-sweep-smoke", conf.get("spark.app.name"));
        assertEquals("127.0.0.1", conf.get("spark.driver.host"));
        assertEquals("127.0.0.1", conf.get("spark.driver.bindAddress"));
        assertEquals("false", conf.get("spark.ui.enabled"));
        assertEquals("3g", conf.get("spark.executor.memory"));
        assertEquals(SparkSweep.TASK_TRIES, conf.get("spark.task.maxFailures"));
    }

    @Test
    void onAClusterTheNetworkAndTheUiAreTheUsersConf() {
        SparkConf conf = SparkSweep.conf(settings("""
                master = "spark://head:7077"
                conf { "spark.task.maxFailures" = 1 }
                """));

        assertEquals("spark://head:7077", conf.get("spark.master"));
        assertFalse(conf.contains("spark.driver.host"));
        assertFalse(conf.contains("spark.driver.bindAddress"));
        assertFalse(conf.contains("spark.ui.enabled"));
        assertEquals("1", conf.get("spark.task.maxFailures"), "the sweep's conf wins over the engine's default");
    }

    @Test
    void aMasterGivenWithMinusDWinsOverTheSweepFiles() {
        String before = System.getProperty("spark.master");
        System.setProperty("spark.master", "local[1]");
        try {
            SparkConf conf = SparkSweep.conf(settings("master = \"spark://head:7077\""));

            assertEquals("local[1]", conf.get("spark.master"));
            assertTrue(SparkSweep.inThisJvm(conf.get("spark.master")));
            assertEquals("127.0.0.1", conf.get("spark.driver.host"), "loopback follows the master in force");
        } finally {
            if (before == null) {
                System.clearProperty("spark.master");
            } else {
                System.setProperty("spark.master", before);
            }
        }
    }
}
