package org.joblib4j.examples.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.joblib4j.Parallel;
import org.joblib4j.examples.gridsearch.GridSearch;
import org.joblib4j.examples.gridsearch.GridSearchResult;
import org.joblib4j.examples.gridsearch.GridSearchSize;
import org.joblib4j.examples.gridsearch.KFold;
import org.joblib4j.examples.gridsearch.Split;
import org.joblib4j.examples.gridsearch.SyntheticData;
import org.junit.jupiter.api.Test;

class GridSearchWorkloadTest {

  @Test
  void findsTheSamePenaltyAsAPlainLoopOverEveryFit() {
    GridSearchSize size = GridSearchSize.SMALL;
    GridSearchWorkload workload = new GridSearchWorkload(size);
    GridSearchResult result;
    try (Parallel parallel = Parallel.builder().nJobs(2).build()) {
      result = workload.run(parallel);
    }

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
    assertThat(result.bestAlpha()).isEqualTo(bestAlpha);
    assertThat(result.bestMse()).isEqualTo(bestMse);
    assertThat(result.scores()).hasSize(workload.tasks());
    assertThat(workload.describe(result)).isEqualTo("best alpha=100, mean CV MSE=70.3513");
    assertThat(workload.title())
        .isEqualTo("grid search: ridge regression, 240 samples x 30 features, 3-fold CV, 4 penalties");
  }
}
