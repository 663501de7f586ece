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
import org.joblib4j.process.TransferCounters;
import org.junit.jupiter.api.Test;

class GridSearchWorkloadTest {

  @Test
  void findsTheSamePenaltyAsAPlainLoopOverEveryFit() {
    GridSearchSize size = GridSearchSize.SMALL;
    GridSearchWorkload workload = new GridSearchWorkload(size, "threading");
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
        .isEqualTo(
            "grid search: ridge regression, 240 samples x 30 features, 3-fold CV, 4 penalties");
  }

  @Test
  void onWorkerJvmsXAndYAreScatteredOnceAsTheMissionPageDoes() {
    GridSearchWorkload workload = new GridSearchWorkload(GridSearchSize.SMALL, "loky");
    GridSearchResult plain;
    try (Parallel parallel = Parallel.builder().nJobs(1).build()) {
      plain = workload.run(parallel);
    }
    long serialized = TransferCounters.sharedValuesSerialized();
    long sent = TransferCounters.sharedValuesSent();
    GridSearchResult scattered;
    try (Parallel parallel = workload.configure(Parallel.builder().nJobs(2)).build()) {
      scattered = workload.run(parallel);
      assertThat(parallel.backendName()).isEqualTo("loky");
    }
    assertThat(scattered.sameScoresAs(plain)).isTrue();
    // X and y, once each, for 12 fits
    assertThat(TransferCounters.sharedValuesSerialized() - serialized).isEqualTo(2);
    // and sent to each of the two workers that ran a fit (inside the data set, as references)
    assertThat(TransferCounters.sharedValuesSent() - sent).isBetween(2L, 4L);
    assertThat(workload.title())
        .isEqualTo(
            "grid search: ridge regression, 240 samples x 30 features, 3-fold CV, 4 penalties, scatter=[X, y]");
  }
}
