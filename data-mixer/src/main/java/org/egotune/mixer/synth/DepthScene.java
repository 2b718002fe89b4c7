package org.egotune.mixer.synth;

import java.util.List;

/**
 * A ray-cast tabletop scene for the {@code depth} layout: an infinite table plane {@code y = 0}, a
 * back wall {@code z = wallZ}, and boxes and vertical cylinders standing on the table, seen by a
 * pinhole camera. World axes: x right, y up, z forward (metres).
 *
 * <p>A pixel's depth is the z-depth of the nearest hit (its distance along the optical axis, as
 * monocular depth models predict), which is exactly the ray parameter because the ray direction's
 * component along the optical axis is 1.
 */
final class DepthScene {

  /** Hit id of the table; solids are {@link #FIRST_SOLID} + their index. */
  static final int TABLE = 0;
  static final int WALL = 1;
  static final int FIRST_SOLID = 2;
  /** No surface along the ray (cannot happen with the wall in view; the label is then 0). */
  static final int NONE = -1;

  private static final double EPS = 1e-9;

  /**
   * A camera pose: position, yaw (about y, positive turns right towards +x) and pitch (positive
   * looks down), no roll.
   */
  record Pose(double x, double y, double z, double yaw, double pitch) {
    /** Optical axis (unit). */
    double[] forward() {
      return new double[] {Math.sin(yaw) * Math.cos(pitch), -Math.sin(pitch),
          Math.cos(yaw) * Math.cos(pitch)};
    }

    double[] right() {
      return new double[] {Math.cos(yaw), 0, -Math.sin(yaw)};
    }

    double[] up() {
      return new double[] {Math.sin(yaw) * Math.sin(pitch), Math.cos(pitch),
          Math.cos(yaw) * Math.sin(pitch)};
    }
  }

  /** A solid standing on the table. */
  sealed interface Solid permits Box, Cylinder {
    /** The nearest ray parameter t &gt; 0 of a hit, or +inf; fills {@code normal} for that hit. */
    double intersect(double[] o, double[] d, double[] normal);

    Colour colour();

    /** The noun in the object's expression. */
    String word();
  }

  /** An axis-aligned box on the table: x in [x0, x1], y in [0, height], z in [z0, z1]. */
  record Box(double x0, double x1, double z0, double z1, double height, Colour colour)
      implements Solid {
    @Override
    public double intersect(double[] o, double[] d, double[] normal) {
      double[] lo = {x0, 0, z0};
      double[] hi = {x1, height, z1};
      double near = Double.NEGATIVE_INFINITY;
      double far = Double.POSITIVE_INFINITY;
      int axis = -1;
      for (int a = 0; a < 3; a++) {
        if (Math.abs(d[a]) < EPS) {
          if (o[a] < lo[a] || o[a] > hi[a]) {
            return Double.POSITIVE_INFINITY;
          }
          continue;
        }
        double t1 = (lo[a] - o[a]) / d[a];
        double t2 = (hi[a] - o[a]) / d[a];
        double tn = Math.min(t1, t2);
        if (tn > near) {
          near = tn;
          axis = a;
        }
        far = Math.min(far, Math.max(t1, t2));
      }
      if (near > far || near <= EPS) {
        return Double.POSITIVE_INFINITY;
      }
      normal[0] = 0;
      normal[1] = 0;
      normal[2] = 0;
      normal[axis] = d[axis] > 0 ? -1 : 1;
      return near;
    }

    @Override
    public String word() {
      return "box";
    }
  }

  /** A vertical cylinder on the table: axis through (cx, cz), y in [0, height]. */
  record Cylinder(double cx, double cz, double radius, double height, Colour colour)
      implements Solid {
    @Override
    public double intersect(double[] o, double[] d, double[] normal) {
      double best = Double.POSITIVE_INFINITY;
      double ox = o[0] - cx;
      double oz = o[2] - cz;
      double a = d[0] * d[0] + d[2] * d[2];
      double b = 2 * (ox * d[0] + oz * d[2]);
      double c = ox * ox + oz * oz - radius * radius;
      double disc = b * b - 4 * a * c;
      if (a > EPS && disc >= 0) {
        double t = (-b - Math.sqrt(disc)) / (2 * a);
        double y = o[1] + t * d[1];
        if (t > EPS && y >= 0 && y <= height) {
          best = t;
          normal[0] = (ox + t * d[0]) / radius;
          normal[1] = 0;
          normal[2] = (oz + t * d[2]) / radius;
        }
      }
      if (Math.abs(d[1]) > EPS) {
        double t = (height - o[1]) / d[1];
        double px = ox + t * d[0];
        double pz = oz + t * d[2];
        if (t > EPS && t < best && px * px + pz * pz <= radius * radius) {
          best = t;
          normal[0] = 0;
          normal[1] = 1;
          normal[2] = 0;
        }
      }
      return best;
    }

    @Override
    public String word() {
      return "cylinder";
    }
  }

  /** What a ray met: z-depth, hit id, unit normal and the world point (for texture). */
  static final class Hit {
    double depth = Double.POSITIVE_INFINITY;
    int id = NONE;
    final double[] normal = new double[3];
    final double[] point = new double[3];
  }

  final double wallZ;
  final List<Solid> solids;

  DepthScene(double wallZ, List<Solid> solids) {
    this.wallZ = wallZ;
    this.solids = List.copyOf(solids);
  }

  /**
   * The ray through pixel centre ({@code px}, {@code py}) (column, row; pixel (0, 0)'s centre is
   * (0.5, 0.5)) of a {@code height x width} image with focal length {@code focal} pixels and the
   * principal point at the image centre; its component along the optical axis is 1.
   */
  static double[] ray(Pose cam, double focal, int height, int width, double px, double py) {
    double xc = (px - width / 2.0) / focal;
    double yc = -(py - height / 2.0) / focal;
    double[] f = cam.forward();
    double[] r = cam.right();
    double[] u = cam.up();
    return new double[] {xc * r[0] + yc * u[0] + f[0], xc * r[1] + yc * u[1] + f[1],
        xc * r[2] + yc * u[2] + f[2]};
  }

  /** The nearest surface along {@code d} from the camera. */
  Hit cast(Pose cam, double[] d) {
    double[] o = {cam.x(), cam.y(), cam.z()};
    Hit h = new Hit();
    double[] n = new double[3];
    if (d[1] < -EPS) {
      consider(h, -o[1] / d[1], TABLE, 0, 1, 0);
    }
    if (d[2] > EPS) {
      consider(h, (wallZ - o[2]) / d[2], WALL, 0, 0, -1);
    }
    for (int k = 0; k < solids.size(); k++) {
      double t = solids.get(k).intersect(o, d, n);
      consider(h, t, FIRST_SOLID + k, n[0], n[1], n[2]);
    }
    if (h.id != NONE) {
      for (int a = 0; a < 3; a++) {
        h.point[a] = o[a] + h.depth * d[a];
      }
    }
    return h;
  }

  private static void consider(Hit h, double t, int id, double nx, double ny, double nz) {
    if (t > EPS && t < h.depth) {
      h.depth = t;
      h.id = id;
      h.normal[0] = nx;
      h.normal[1] = ny;
      h.normal[2] = nz;
    }
  }
}
