package org.egotune.mixer.visor;

import java.util.List;

/**
 * One VISOR mask annotation (an {@code annotations} entry): an entity in one frame.
 *
 * @param id {@code id}, the unique mask id (null when absent)
 * @param name {@code name}, the open-vocabulary entity name
 * @param classId {@code class_id} (EPIC-100 noun class; null when absent)
 * @param exhaustive {@code exhaustive}: {@code y}, {@code n} or {@code inconclusive} (null when
 *     absent)
 * @param segments the polygons, each {@code [x0, y0, x1, y1, ...]} in float pixels (an empty
 *     array for an empty polygon); rasterise with {@link VisorRaster}
 * @param inContactObject {@code in_contact_object} (hands and gloves; null when absent)
 */
public record VisorObject(
    String id, String name, Integer classId, String exhaustive, List<double[]> segments,
    String inContactObject) {
  public VisorObject {
    segments = List.copyOf(segments);
  }
}
