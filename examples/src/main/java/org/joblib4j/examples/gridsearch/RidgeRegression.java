package org.joblib4j.examples.gridsearch;

/**
 * Ridge regression fitted by its normal equations: {@code (Xc'Xc + alpha I) w = Xc'yc} on centred
 * data, solved by Cholesky decomposition. Plain Java, CPU-bound, deterministic.
 */
public final class RidgeRegression {
  private RidgeRegression() {}

  /**
   * Fits a model on some rows of a data set.
   *
   * @param data the data set
   * @param rows the training rows
   * @param alpha the L2 penalty, &gt;= 0 (0 is ordinary least squares)
   * @return the fitted model
   * @throws IllegalArgumentException if alpha is negative or the system is not positive definite
   */
  public static RidgeModel fit(SyntheticData data, int[] rows, double alpha) {
    if (!(alpha >= 0)) {
      throw new IllegalArgumentException("alpha must be >= 0, got: " + alpha);
    }
    int d = data.nFeatures();
    double[][] x = data.x();
    double[] y = data.y();

    double[] xMean = new double[d];
    double yMean = 0;
    for (int r : rows) {
      double[] row = x[r];
      for (int j = 0; j < d; j++) {
        xMean[j] += row[j];
      }
      yMean += y[r];
    }
    for (int j = 0; j < d; j++) {
      xMean[j] /= rows.length;
    }
    yMean /= rows.length;

    // lower triangle of Xc'Xc, and Xc'yc
    double[][] gram = new double[d][];
    for (int i = 0; i < d; i++) {
      gram[i] = new double[i + 1];
    }
    double[] rhs = new double[d];
    double[] centred = new double[d];
    for (int r : rows) {
      double[] row = x[r];
      for (int j = 0; j < d; j++) {
        centred[j] = row[j] - xMean[j];
      }
      double yc = y[r] - yMean;
      for (int i = 0; i < d; i++) {
        double ci = centred[i];
        double[] g = gram[i];
        for (int j = 0; j <= i; j++) {
          g[j] += ci * centred[j];
        }
        rhs[i] += ci * yc;
      }
    }
    for (int i = 0; i < d; i++) {
      gram[i][i] += alpha;
    }

    double[] coef = solveCholesky(gram, rhs);
    double intercept = yMean;
    for (int j = 0; j < d; j++) {
      intercept -= xMean[j] * coef[j];
    }
    return new RidgeModel(coef, intercept);
  }

  /**
   * Solves {@code A w = b} for a symmetric positive definite {@code A} given by its lower triangle
   * (overwritten by its Cholesky factor).
   */
  static double[] solveCholesky(double[][] lower, double[] b) {
    int d = b.length;
    for (int i = 0; i < d; i++) {
      double[] li = lower[i];
      for (int j = 0; j <= i; j++) {
        double[] lj = lower[j];
        double s = li[j];
        for (int k = 0; k < j; k++) {
          s -= li[k] * lj[k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalArgumentException(
                "the normal equations are not positive definite (pivot " + i + " = " + s + ")");
          }
          li[i] = Math.sqrt(s);
        } else {
          li[j] = s / lj[j];
        }
      }
    }
    double[] z = new double[d];
    for (int i = 0; i < d; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= lower[i][k] * z[k];
      }
      z[i] = s / lower[i][i];
    }
    double[] w = new double[d];
    for (int i = d - 1; i >= 0; i--) {
      double s = z[i];
      for (int k = i + 1; k < d; k++) {
        s -= lower[k][i] * w[k];
      }
      w[i] = s / lower[i][i];
    }
    return w;
  }
}
