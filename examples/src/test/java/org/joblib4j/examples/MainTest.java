package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.joblib4j.Parallel;
import org.joblib4j.examples.gridsearch.GridSearch;
import org.joblib4j.examples.gridsearch.GridSearchSize;
import org.joblib4j.examples.gridsearch.KFold;
import org.joblib4j.examples.gridsearch.Split;
import org.joblib4j.examples.gridsearch.SyntheticData;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void runsEveryExampleAndAGridSearchThatAgreesWithAPlainLoop() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    GridSearchSize size = GridSearchSize.SMALL;

    GridSearchOutcome outcome =
        Main.run(new PrintStream(buffer, true, StandardCharsets.UTF_8), size);

    // the same best penalty as a plain loop over every fit
    SyntheticData data =
        SyntheticData.generate(size.nSamples(), size.nFeatures(), size.noise(), size.seed());
    List<Split> splits = KFold.split(size.nSamples(), size.nFolds(), size.seed());
    double bestAlpha = Double.NaN;
    double bestMse = Double.POSITIVE_INFINITY;
    for (double alpha : size.alphas()) {
      double mse = 0;
      for (Split split : splits) {
        mse += GridSearch.fitAndScore(data, split, alpha).mse() / splits.size();
      }
      if (mse < bestMse) {
        bestMse = mse;
        bestAlpha = alpha;
      }
    }
    assertThat(outcome.sequential().bestAlpha()).isEqualTo(bestAlpha);
    assertThat(outcome.sequential().bestMse()).isEqualTo(bestMse);
    assertThat(outcome.sequential().scores()).hasSize(size.fits());
    assertThat(outcome.parallel().sameScoresAs(outcome.sequential())).isTrue();

    assertThat(outcome.sequential().nJobs()).isEqualTo(1);
    assertThat(outcome.parallel().nJobs()).isEqualTo(-1);
    // no backend named in code: whatever configuration resolves (threading unless overridden)
    try (Parallel plain = Parallel.builder().build()) {
      assertThat(outcome.parallel().backend()).isEqualTo(plain.backendName());
    }
    assertThat(outcome.sequentialNanos()).isPositive();
    assertThat(outcome.parallelNanos()).isPositive();

    assertThat(buffer.toString(StandardCharsets.UTF_8))
        .contains("[-1, -2, -3, -4, -5]")
        .contains("speed-up")
        .contains("same scores in every run: true")
        .contains("best alpha=");
  }
}
