package org.joblib4j.examples.gridsearchcv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.examples.gridsearch.Split;
import org.joblib4j.process.TransferCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

class GridSearchCvTest {
  private static final GridSearchCvSize SIZE = GridSearchCvSize.SMALL;

  /**
   * Every fit of the small grid, one after the other in this JVM: what every backend must match.
   */
  private static List<FoldAccuracy> plainLoop() {
    MutableDataset<Label> data = BreastCancer.load();
    List<Split> splits = GridSearchCv.folds(data, SIZE.nFolds(), SIZE.seed());
    List<FoldAccuracy> scores = new ArrayList<>();
    for (ForestParams params : SIZE.grid()) {
      for (Split split : splits) {
        scores.add(GridSearchCv.fitAndScore(data, split, params));
      }
    }
    return scores;
  }

  @ParameterizedTest
  @ValueSource(strings = {"threading", "loky", "multiprocessing", "dask"})
  void everyBackendScoresEveryFitAsAPlainLoopDoesBitForBit(String backend) {
    GridSearchCvWorkload workload = new GridSearchCvWorkload(SIZE, backend);
    GridSearchCvResult result;
    try (Parallel parallel =
        workload.configure(Parallel.builder().backend(backend).nJobs(2)).build()) {
      result = workload.run(parallel);
      assertThat(parallel.backendName()).isEqualTo(backend);
    }

    assertThat(result.scores()).isEqualTo(plainLoop());
    assertThat(workload.describe(result))
        .isEqualTo(
            "best_params_={'max_depth': None, 'max_features': 0.3, 'n_estimators': 8},"
                + " best_score_=0.9508");
  }

  @Test
  void onWorkerJvmsTheDataSetIsScatteredOnceForEveryFit() {
    GridSearchCvWorkload workload = new GridSearchCvWorkload(SIZE, "loky");
    long serialized = TransferCounters.sharedValuesSerialized();
    try (Parallel parallel = workload.configure(Parallel.builder().nJobs(2)).build()) {
      workload.run(parallel);
    }
    // the data set, once, for 10 fits
    assertThat(TransferCounters.sharedValuesSerialized() - serialized).isEqualTo(1);
    assertThat(workload.title())
        .isEqualTo(
            "GridSearchCV(RandomForestClassifier(random_state=42), param_grid, cv=5) with Tribuo:"
                + " UCI breast cancer, 569 samples x 30 features, 2 candidates x 5 folds = 10 fits,"
                + " scatter=[data]");
  }

  @Test
  void theDataSetIsUciBreastCancerWisconsinDiagnostic() {
    MutableDataset<Label> data = BreastCancer.load();

    assertThat(data.size()).isEqualTo(569);
    assertThat(data.getFeatureMap().size()).isEqualTo(30);
    assertThat(data.getOutputInfo().outputCountsIterable())
        .extracting(p -> p.getA() + "=" + p.getB())
        .containsExactlyInAnyOrder("malignant=212", "benign=357");
    assertThat(data.getExample(0).getOutput().getLabel()).isEqualTo("malignant");
    assertThat(data.getExample(0).lookup("mean radius").getValue()).isEqualTo(17.99);
    assertThat(data.getExample(0).lookup("worst fractal dimension").getValue()).isEqualTo(0.1189);
  }

  @Test
  void theGridIsInParameterGridOrderAndFoldsCoverEveryRowOnce() {
    List<ForestParams> grid = GridSearchCvSize.DEMO.grid();
    assertThat(grid).hasSize(12);
    assertThat(grid.get(0))
        .hasToString("{'max_depth': 4, 'max_features': 0.2, 'n_estimators': 20}");
    assertThat(grid.get(1))
        .hasToString("{'max_depth': 4, 'max_features': 0.2, 'n_estimators': 40}");
    assertThat(grid.get(11))
        .hasToString("{'max_depth': None, 'max_features': 0.5, 'n_estimators': 40}");

    List<Split> splits = GridSearchCv.folds(BreastCancer.load(), 5, 42L);
    assertThat(splits).hasSize(5);
    assertThat(splits.stream().flatMapToInt(s -> Arrays.stream(s.test())).sorted().toArray())
        .isEqualTo(IntStream.range(0, 569).toArray());
    assertThat(splits).allMatch(s -> s.train().length + s.test().length == 569);
  }

  @Test
  void theBestIsTheFirstOfTheHighestMeansAndRanksShareTies() {
    ForestParams a = new ForestParams(1, 1, 0.1f);
    ForestParams b = new ForestParams(2, 1, 0.1f);
    ForestParams c = new ForestParams(3, 1, 0.1f);
    GridSearchCvResult result =
        GridSearchCvResult.of(
            List.of(a, b, c),
            List.of(
                new FoldAccuracy(a, 0, 0.25), new FoldAccuracy(a, 1, 0.75),
                new FoldAccuracy(b, 0, 1.0), new FoldAccuracy(b, 1, 0.5),
                new FoldAccuracy(c, 0, 0.75), new FoldAccuracy(c, 1, 0.75)),
            2);

    assertThat(result.bestParams()).isEqualTo(b);
    assertThat(result.bestScore()).isEqualTo(0.75);
    assertThat(result.stdScores()).containsExactly(0.25, 0.25, 0.0);
    assertThat(GridSearchCvMain.ranking(result))
        .containsExactly(
            "rank_test_score  mean_test_score  std_test_score  params",
            "              1           0.7500          0.2500  {'max_depth': 1, 'max_features': 0.1, 'n_estimators': 2}",
            "              1           0.7500          0.0000  {'max_depth': 1, 'max_features': 0.1, 'n_estimators': 3}",
            "              3           0.5000          0.2500  {'max_depth': 1, 'max_features': 0.1, 'n_estimators': 1}");
  }
}
