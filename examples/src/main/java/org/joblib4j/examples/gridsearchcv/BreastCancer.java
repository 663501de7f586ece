package org.joblib4j.examples.gridsearchcv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The UCI Breast Cancer Wisconsin (Diagnostic) data set as a Tribuo data set: 569 samples, 30
 * features, labels {@code malignant} and {@code benign}. The CSV ships in this package's resources
 * (source and licence: the README next to it).
 */
public final class BreastCancer {
  /** The resource, in scikit-learn's format. */
  static final String RESOURCE = "breast_cancer.csv";

  /** The features, in the file's order ({@code load_breast_cancer().feature_names}). */
  static final List<String> FEATURES = featureNames();

  private BreastCancer() {}

  /**
   * Reads the data set from the classpath.
   *
   * @return the 569 examples, in the file's order
   */
  public static MutableDataset<Label> load() {
    LabelFactory labels = new LabelFactory();
    String[] names = FEATURES.toArray(String[]::new);
    List<Example<Label>> examples = new ArrayList<>();
    try (InputStream in = BreastCancer.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      // the header: row count, feature count, then the class names by their code
      String[] header = reader.readLine().split(",");
      int rows = Integer.parseInt(header[0]);
      int features = Integer.parseInt(header[1]);
      if (features != names.length) {
        throw new IllegalStateException(
            RESOURCE + " has " + features + " features, not " + names.length);
      }
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String[] cells = line.split(",");
        double[] values = new double[features];
        for (int j = 0; j < features; j++) {
          values[j] = Double.parseDouble(cells[j]);
        }
        Label label = new Label(header[2 + Integer.parseInt(cells[features])]);
        examples.add(new ArrayExample<>(label, names, values));
      }
      if (examples.size() != rows) {
        throw new IllegalStateException(
            RESOURCE + " has " + examples.size() + " rows, not " + rows);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SimpleDataSourceProvenance provenance =
        new SimpleDataSourceProvenance("UCI Breast Cancer Wisconsin (Diagnostic)", labels);
    return new MutableDataset<>(new ListDataSource<>(examples, labels, provenance));
  }

  private static List<String> featureNames() {
    List<String> measurements =
        List.of(
            "radius",
            "texture",
            "perimeter",
            "area",
            "smoothness",
            "compactness",
            "concavity",
            "concave points",
            "symmetry",
            "fractal dimension");
    List<String> names = new ArrayList<>();
    for (String kind : List.of("mean %s", "%s error", "worst %s")) {
      for (String m : measurements) {
        names.add(String.format(kind, m));
      }
    }
    return List.copyOf(names);
  }
}
