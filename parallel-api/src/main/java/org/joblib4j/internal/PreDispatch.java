package org.joblib4j.internal;

/**
 * joblib's safe evaluation of {@code pre_dispatch}: {@code n_jobs} is replaced by the worker count,
 * then the text is evaluated by a small parser that knows numbers, {@code + - * / // % **}, unary
 * {@code -} and parentheses, and nothing else (never a script engine). At most 30 characters; no
 * value may exceed 1e6 in absolute value.
 */
public final class PreDispatch {
  static final int MAX_LENGTH = 30;
  static final double MAX_VALUE = 1e6;

  private final String text;
  private int pos;

  private PreDispatch(String text) {
    this.text = text;
  }

  /**
   * Resolves a pre-dispatch setting to a number of tasks.
   *
   * @param preDispatch {@code "all"}, a number or an expression of {@code n_jobs}
   * @param nJobs the effective number of workers
   * @return the number of tasks, or -1 for {@code "all"}
   * @throws IllegalArgumentException with joblib's messages for an invalid expression
   */
  public static long evaluate(String preDispatch, int nJobs) {
    String p = preDispatch.trim();
    if (p.equals("all")) {
      return -1;
    }
    String expr = p.replace("n_jobs", Integer.toString(nJobs));
    double value = evaluateExpression(expr);
    return (long) value;
  }

  /**
   * Evaluates an arithmetic expression.
   *
   * @param expr the expression
   * @return its value
   * @throws IllegalArgumentException if it is too long, too large, or not valid arithmetic
   */
  public static double evaluateExpression(String expr) {
    if (expr.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "Expression '"
              + expr
              + "' is too long ("
              + expr.length()
              + " characters, at most "
              + MAX_LENGTH
              + " are allowed).");
    }
    PreDispatch parser = new PreDispatch(expr);
    try {
      double v = parser.sum();
      parser.skipSpaces();
      if (parser.pos != expr.length()) {
        throw parser.invalid();
      }
      return v;
    } catch (ArithmeticException e) {
      throw parser.invalid();
    }
  }

  private IllegalArgumentException invalid() {
    return new IllegalArgumentException(
        "'" + text + "' is not a valid or supported arithmetic expression.");
  }

  private double sum() {
    double v = product();
    for (; ; ) {
      skipSpaces();
      if (eat("+")) {
        v = check(v + product());
      } else if (eat("-")) {
        v = check(v - product());
      } else {
        return v;
      }
    }
  }

  private double product() {
    double v = unary();
    for (; ; ) {
      skipSpaces();
      if (eat("//")) {
        double d = unary();
        if (d == 0) {
          throw new ArithmeticException();
        }
        v = check(Math.floor(v / d));
      } else if (eat("*")) {
        v = check(v * unary());
      } else if (eat("/")) {
        double d = unary();
        if (d == 0) {
          throw new ArithmeticException();
        }
        v = check(v / d);
      } else if (eat("%")) {
        double d = unary();
        if (d == 0) {
          throw new ArithmeticException();
        }
        v = check(v - d * Math.floor(v / d));
      } else {
        return v;
      }
    }
  }

  private double unary() {
    skipSpaces();
    if (eat("-")) {
      return check(-unary());
    }
    if (eat("+")) {
      return unary();
    }
    return power();
  }

  private double power() {
    double base = atom();
    skipSpaces();
    if (eat("**")) {
      // right-associative, and binds tighter than unary minus on its left (as in Python)
      double exponent = unary();
      return check(Math.pow(base, exponent));
    }
    return base;
  }

  private double atom() {
    skipSpaces();
    if (eat("(")) {
      double v = sum();
      skipSpaces();
      if (!eat(")")) {
        throw invalid();
      }
      return v;
    }
    int start = pos;
    while (pos < text.length()
        && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
      pos++;
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
        pos++;
      }
      while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    if (start == pos) {
      throw invalid();
    }
    String literal = text.substring(start, pos);
    double v;
    try {
      v = Double.parseDouble(literal);
    } catch (NumberFormatException e) {
      throw invalid();
    }
    if (Math.abs(v) > MAX_VALUE) {
      throw new IllegalArgumentException(
          "Numeric literal " + literal + " is too large, max allowed is " + (long) MAX_VALUE + ".");
    }
    return v;
  }

  private double check(double v) {
    if (Double.isNaN(v) || Math.abs(v) > MAX_VALUE) {
      throw new IllegalArgumentException(
          "Numeric literal "
              + format(v)
              + " is too large, max allowed is "
              + (long) MAX_VALUE
              + ".");
    }
    return v;
  }

  private static String format(double v) {
    return v == Math.rint(v) && !Double.isInfinite(v)
        ? Long.toString((long) v)
        : Double.toString(v);
  }

  private boolean eat(String token) {
    if (text.startsWith(token, pos)) {
      pos += token.length();
      return true;
    }
    return false;
  }

  private void skipSpaces() {
    while (pos < text.length() && text.charAt(pos) == ' ') {
      pos++;
    }
  }
}
