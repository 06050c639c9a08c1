package dev.layerscope.kernel;

/**
 * An artifact that knows what made it better than the settings of the stage that wrote it (a trained model reused
 * from an earlier run, say): its fingerprint stands for it in the fingerprints of the stages that read it.
 */
public interface Fingerprinted {
    String fingerprint();
}
