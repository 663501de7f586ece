package org.joblib4j.examples.gridsearchcv;

import java.io.Serializable;

/**
 * The score of one fit: one point of the grid on one cross-validation fold.
 *
 * @param params the parameters fitted
 * @param fold the fold scored, from 0
 * @param accuracy the fraction of the fold's test rows predicted right
 */
public record FoldAccuracy(ForestParams params, int fold, double accuracy)
    implements Serializable {}
