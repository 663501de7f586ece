package org.joblib4j.examples.gridsearch;

import java.io.Serializable;

/**
 * One cross-validation split: the row indices to fit on and the row indices to score on.
 *
 * @param fold the fold's number, from 0
 * @param train the training rows
 * @param test the test rows
 */
public record Split(int fold, int[] train, int[] test) implements Serializable {}
