package org.joblib4j.examples.cpubudget;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.joblib4j.ConfigKeys;
import org.joblib4j.Parallel;
import org.joblib4j.examples.gridsearch.FoldScore;
import org.joblib4j.examples.gridsearch.GridSearchSize;
import org.joblib4j.examples.gridsearch.KFold;
import org.joblib4j.examples.gridsearch.Split;
import org.joblib4j.examples.gridsearch.SyntheticData;
import org.junit.jupiter.api.Test;

class CpuBudgetDemoTest {
  private static final GridSearchSize SIZE = GridSearchSize.SMALL;

  @Test
  void withTheBudgetNoMoreFitsRunAtOnceThanThereAreCpusAndTheScoresStayTheSame() {
    SyntheticData data =
        SyntheticData.generate(SIZE.nSamples(), SIZE.nFeatures(), SIZE.noise(), SIZE.seed());
    List<Split> outer = KFold.split(SIZE.nSamples(), CpuBudgetDemo.OUTER_FOLDS, SIZE.seed());

    CpuBudgetDemo.Measured off = CpuBudgetDemo.measure("off", data, outer, SIZE.alphas());
    CpuBudgetDemo.Measured shared = CpuBudgetDemo.measure("shared", data, outer, SIZE.alphas());

    assertThat(shared.scores()).isEqualTo(off.scores()).hasSize(CpuBudgetDemo.OUTER_FOLDS);
    assertThat(shared.scores()).extracting(FoldScore::fold).containsExactly(0, 1, 2, 3);
    assertThat(shared.run().peakFits()).isBetween(1, Parallel.cpuCount());
    assertThat(System.getProperty(ConfigKeys.CPU_BUDGET)).as("the setting is put back").isNull();
  }

  @Test
  void theDemonstrationPrintsEachRunAndTheMedians() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CpuBudgetDemo.run(
        new PrintStream(bytes, true, StandardCharsets.UTF_8), SIZE, 1, CpuBudgetDemo.OUTER_FOLDS);
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

    assertThat(lines.get(0))
        .startsWith(
            "nested grid search: 4 outer folds x (4 penalties x 3 inner folds + 1 refit) ridge"
                + " fits, 240 x 30, n_jobs=-1 at both levels, backend threading, ");
    assertThat(lines.get(1))
        .isEqualTo(
            "run  cpu-budget  wall time  CPU time  peak running fits  peak runnable threads  mean");
    assertThat(lines.subList(2, 6))
        .extracting(l -> l.substring(0, 16))
        .containsExactly(
            "1      off      ", "1      shared   ", "median off      ", "median shared   ");
    assertThat(lines).last().isEqualTo("same scores with and without the budget: true");
  }

  @Test
  void theMedianOfEachFigureIsTakenOnItsOwn() {
    CpuBudgetDemo.Run median =
        CpuBudgetDemo.median(
            "off",
            List.of(
                new CpuBudgetDemo.Run("off", 3.0, 5.0, 4, 5, 3.5),
                new CpuBudgetDemo.Run("off", 1.0, 6.0, 2, 6, 3.9),
                new CpuBudgetDemo.Run("off", 2.0, 4.0, 3, 4, 3.7)));

    assertThat(median).isEqualTo(new CpuBudgetDemo.Run("off", 2.0, 5.0, 3, 5, 3.7));
  }
}
