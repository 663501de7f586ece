package org.joblib4j.examples.gridsearch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * K-fold cross-validation splits over a seeded shuffle of the rows (scikit-learn's {@code
 * KFold(shuffle=True)}).
 */
public final class KFold {
  private KFold() {}

  /**
   * Splits {@code nSamples} rows into {@code nFolds} folds; fold {@code f} is the test set of split
   * {@code f} and the other folds are its training set.
   *
   * @param nSamples the number of rows
   * @param nFolds the number of folds, at least 2
   * @param seed the shuffle's seed
   * @return one split per fold, in fold order
   */
  public static List<Split> split(int nSamples, int nFolds, long seed) {
    if (nFolds < 2 || nFolds > nSamples) {
      throw new IllegalArgumentException(
          "nFolds must be between 2 and nSamples (" + nSamples + "), got: " + nFolds);
    }
    int[] order = new int[nSamples];
    for (int i = 0; i < nSamples; i++) {
      order[i] = i;
    }
    Random rnd = new Random(seed);
    for (int i = nSamples - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    List<Split> splits = new ArrayList<>(nFolds);
    int start = 0;
    for (int f = 0; f < nFolds; f++) {
      int size = nSamples / nFolds + (f < nSamples % nFolds ? 1 : 0);
      int[] test = Arrays.copyOfRange(order, start, start + size);
      int[] train = new int[nSamples - size];
      System.arraycopy(order, 0, train, 0, start);
      System.arraycopy(order, start + size, train, start, nSamples - start - size);
      Arrays.sort(test);
      Arrays.sort(train);
      splits.add(new Split(f, train, test));
      start += size;
    }
    return splits;
  }
}
