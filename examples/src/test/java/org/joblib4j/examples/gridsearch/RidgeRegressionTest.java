package org.joblib4j.examples.gridsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RidgeRegressionTest {

  @Test
  void withoutPenaltyRecoversTheCoefficientsOfNoiselessData() {
    SyntheticData data = SyntheticData.generate(200, 6, 0.0, 1L);
    int[] all = IntStream.range(0, 200).toArray();

    RidgeModel model = RidgeRegression.fit(data, all, 0.0);

    for (int j = 0; j < 6; j++) {
      assertThat(model.coef()[j]).isCloseTo(data.trueCoef()[j], within(1e-9));
    }
    assertThat(model.intercept()).isCloseTo(0.0, within(1e-9));
    assertThat(model.meanSquaredError(data, all)).isLessThan(1e-18);
  }

  @Test
  void solvesThePenalisedNormalEquations() {
    SyntheticData data = SyntheticData.generate(120, 10, 2.0, 3L);
    int[] rows = IntStream.range(0, 100).toArray();
    double alpha = 5.0;

    RidgeModel model = RidgeRegression.fit(data, rows, alpha);

    // gradient of |y - Xw - b|^2 / 2 + alpha |w|^2 / 2 is zero at the solution
    double[] grad = new double[10];
    double residualSum = 0;
    for (int r : rows) {
      double e = model.predict(data.x()[r]) - data.y()[r];
      residualSum += e;
      for (int j = 0; j < 10; j++) {
        grad[j] += e * data.x()[r][j];
      }
    }
    for (int j = 0; j < 10; j++) {
      assertThat(grad[j] + alpha * model.coef()[j]).isCloseTo(0.0, within(1e-8));
    }
    assertThat(residualSum).isCloseTo(0.0, within(1e-8));
  }

  @Test
  void rejectsANegativePenalty() {
    SyntheticData data = SyntheticData.generate(10, 2, 1.0, 1L);
    assertThatThrownBy(() -> RidgeRegression.fit(data, new int[] {0, 1, 2}, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alpha must be >= 0");
  }
}
