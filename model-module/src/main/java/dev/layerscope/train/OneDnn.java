package dev.layerscope.train;

import java.lang.reflect.Field;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Lets DL4J's convolution, pooling and batch-norm layers run on oneDNN.
 *
 * <p>DL4J 1.0.0-M2.1 ships oneDNN helpers for these layers but never uses them: it creates none unless
 * {@code org.eclipse.deeplearning4j.helpers.disable=false}, and even then each helper's {@code checkSupported()}
 * looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment}, a class this ND4J version no longer has, and the helper
 * is dropped. The layers then fall back to DL4J's own im2col code, which trained the reference CNN about 7x slower
 * than oneDNN on 2 cores. When the native library was built with oneDNN, this puts the helpers in place; the helpers
 * run libnd4j's {@code conv2d}, {@code maxpool2d} and {@code batchnorm} ops, which dispatch to oneDNN.
 * {@code OneDnnTest} checks that outputs and gradients agree with DL4J's own code.
 */
public final class OneDnn {

    private static final boolean AVAILABLE = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo()
            .contains("HAVE_ONEDNN");

    private OneDnn() {
    }

    /** Whether the loaded ND4J native library was built with oneDNN. */
    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * Gives every convolution, max-pooling and batch-norm layer of the network its oneDNN helper, when oneDNN is
     * available; a network restored from disk, or cloned ({@code MultiLayerNetwork.clone} makes new layers, without
     * helpers), needs this again. Public for the later stages that compute on a copy of the trained network.
     *
     * @return how many layers got one
     */
    public static int attach(MultiLayerNetwork network) {
        if (!AVAILABLE) {
            return 0;
        }
        DataType type = network.getLayerWiseConfigurations().getDataType();
        int attached = 0;
        for (Layer layer : network.getLayers()) {
            attached += switch (layer) {
                case ConvolutionLayer conv when conv.getClass() == ConvolutionLayer.class ->
                        set(ConvolutionLayer.class, conv, type, MKLDNNConvHelper::new);
                case SubsamplingLayer pool when pool.getClass() == SubsamplingLayer.class ->
                        set(SubsamplingLayer.class, pool, type, MKLDNNSubsamplingHelper::new);
                case BatchNormalization norm -> set(BatchNormalization.class, norm, type, MKLDNNBatchNormHelper::new);
                default -> 0;
            };
        }
        return attached;
    }

    private static int set(Class<?> owner, Layer layer, DataType type, Function<DataType, Object> helper) {
        try {
            Field field = owner.getDeclaredField("helper");
            field.setAccessible(true);
            field.set(layer, helper.apply(type));
            return 1;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DL4J's " + owner.getSimpleName() + " has no `helper` field to give a "
                    + "oneDNN helper: this code knows DL4J 1.0.0-M2.1's layers only", e);
        }
    }
}
