package org.joblib4j.examples.gridsearchcv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GridSearchCvMainTest {

  @Test
  void printsTheBestParametersTheirScoreTheRankingAndTheSpeedUp() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try {
      status =
          GridSearchCvMain.execute(
              new String[] {"--backend", "threading", "--small", "--progress", "off"},
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
    } finally {
      System.clearProperty("joblib4j.backend");
    }

    assertThat(status).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.subList(0, 9))
        .containsExactly(
            "== GridSearchCV(RandomForestClassifier(random_state=42), param_grid, cv=5) with Tribuo:"
                + " UCI breast cancer, 569 samples x 30 features, 2 candidates x 5 folds = 10 fits",
            "best_params_={'max_depth': None, 'max_features': 0.3, 'n_estimators': 8},"
                + " best_score_=0.9508 (backend=threading, n_jobs=-1, 2 workers); n_jobs=1 agrees: true",
            "",
            "rank_test_score  mean_test_score  std_test_score  params",
            "              1           0.9508          0.0163  {'max_depth': None, 'max_features': 0.3, 'n_estimators': 8}",
            "              2           0.9490          0.0151  {'max_depth': 4, 'max_features': 0.3, 'n_estimators': 8}",
            "",
            "== speed-up over n_jobs=1",
            "workload      tasks  n_jobs  wall time  sequential  speed-up");
    assertThat(lines.get(9)).matches("GridSearchCV     10      -1 +[0-9.]+ s +[0-9.]+ s +[0-9.]+x");
    assertThat(lines).hasSize(10);
  }

  @Test
  void aBackendThatIsNotInstalledIsOneLineAndExitStatusTwo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      int status =
          GridSearchCvMain.execute(
              new String[] {"--backend", "nosuch"},
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));

      assertThat(status).isEqualTo(2);
      assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
      assertThat(err.toString(StandardCharsets.UTF_8))
          .isEqualTo(
              "GridSearchCvMain: Invalid backend: nosuch, expected one of \"dask\", \"loky\","
                  + " \"multiprocessing\", \"ray\", \"sequential\", \"threading\" or \"verify\""
                  + System.lineSeparator());
    } finally {
      System.clearProperty("joblib4j.backend");
    }
  }

  @Test
  void helpListsTheBackendsThatRunHereAndWhatTheOthersNeed() {
    assertThat(GridSearchCvMain.usage())
        .startsWith(GridSearchCvMain.SYNOPSIS)
        .contains(
            "  --backend NAME   joblib4j.backend for the search (default threading)"
                + System.lineSeparator()
                + "                   installed: sequential, threading, loky, multiprocessing, dask, verify"
                + System.lineSeparator()
                + "                   missing: ray - needs Ray's runtime jar: RAY_DIST_JAR=");
  }
}
