package org.joblib4j.examples.gridsearch;

import java.io.Serializable;

/**
 * The score of one fit: one penalty on one cross-validation fold.
 *
 * @param alpha the penalty
 * @param fold the fold scored
 * @param mse the mean squared error on the fold's test rows
 */
public record FoldScore(double alpha, int fold, double mse) implements Serializable {}
