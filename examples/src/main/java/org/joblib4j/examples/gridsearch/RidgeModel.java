package org.joblib4j.examples.gridsearch;

import java.io.Serializable;

/**
 * A fitted linear model {@code y = x . coef + intercept}.
 *
 * @param coef the coefficients
 * @param intercept the intercept
 */
public record RidgeModel(double[] coef, double intercept) implements Serializable {

  /**
   * Predicts one row.
   *
   * @param row the features
   * @return the prediction
   */
  public double predict(double[] row) {
    double s = intercept;
    for (int j = 0; j < coef.length; j++) {
      s += row[j] * coef[j];
    }
    return s;
  }

  /**
   * Returns the mean squared error on some rows of a data set.
   *
   * @param data the data set
   * @param rows the rows to score
   * @return the mean squared error
   */
  public double meanSquaredError(SyntheticData data, int[] rows) {
    double sum = 0;
    for (int r : rows) {
      double e = predict(data.x()[r]) - data.y()[r];
      sum += e * e;
    }
    return sum / rows.length;
  }
}
