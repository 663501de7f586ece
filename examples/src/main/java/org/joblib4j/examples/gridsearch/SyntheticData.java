package org.joblib4j.examples.gridsearch;

import java.io.Serializable;
import java.util.Random;

/**
 * A synthetic regression data set, generated from a fixed seed so every run sees the same numbers.
 *
 * <p>The features share a few latent factors (so they are correlated, which is where ridge
 * regularisation pays off), a tenth of the true coefficients are large and the rest small, and the
 * target carries Gaussian noise.
 *
 * @param x the feature matrix, one row per sample
 * @param y the targets
 * @param trueCoef the coefficients the targets were generated from
 */
public record SyntheticData(double[][] x, double[] y, double[] trueCoef) implements Serializable {

  /**
   * Generates a data set.
   *
   * @param nSamples the number of rows
   * @param nFeatures the number of columns
   * @param noise the standard deviation of the target noise
   * @param seed the random seed
   * @return the data set
   */
  public static SyntheticData generate(int nSamples, int nFeatures, double noise, long seed) {
    if (nSamples < 2 || nFeatures < 1) {
      throw new IllegalArgumentException(
          "need at least 2 samples and 1 feature, got " + nSamples + "x" + nFeatures);
    }
    Random rnd = new Random(seed);
    int strong = Math.max(1, nFeatures / 10);
    double[] coef = new double[nFeatures];
    for (int j = 0; j < nFeatures; j++) {
      coef[j] = rnd.nextGaussian() * (j < strong ? 3.0 : 0.1);
    }
    int factors = Math.min(8, nFeatures);
    double[][] x = new double[nSamples][nFeatures];
    double[] y = new double[nSamples];
    double[] latent = new double[factors];
    for (int i = 0; i < nSamples; i++) {
      for (int k = 0; k < factors; k++) {
        latent[k] = rnd.nextGaussian();
      }
      double target = 0;
      for (int j = 0; j < nFeatures; j++) {
        double v = 0.8 * latent[j % factors] + rnd.nextGaussian();
        x[i][j] = v;
        target += v * coef[j];
      }
      y[i] = target + noise * rnd.nextGaussian();
    }
    return new SyntheticData(x, y, coef);
  }

  /**
   * Returns the number of samples.
   *
   * @return the row count
   */
  public int nSamples() {
    return y.length;
  }

  /**
   * Returns the number of features.
   *
   * @return the column count
   */
  public int nFeatures() {
    return trueCoef.length;
  }
}
