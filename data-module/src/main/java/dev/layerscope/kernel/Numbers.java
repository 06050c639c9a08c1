package dev.layerscope.kernel;

import java.util.Locale;

/** Numbers in messages, as a person writes them: "1 byte", "2 bytes", "300 points" rather than "300.0 points". */
public final class Numbers {

    private Numbers() {
    }

    /** {@code n} and the unit, singular for 1: {@code count(1, "byte")} is "1 byte", {@code count(1200, "byte")}
     * "1,200 bytes". */
    public static String count(long n, String unit) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? unit : unit + "s");
    }

    /** A number without a needless ".0": 300.0 is "300", 0.5 stays "0.5". */
    public static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
