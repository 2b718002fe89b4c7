"""Writes the .npy fixtures DepthLabelsTest reads, with NumPy's own np.save (run with Debian's
/usr/bin/python3 from this folder). The values are the ones the test spells out."""
import numpy as np

# a 2 x 3 map, row-major: what a user's np.save(path, d.astype("<f4")) writes
d = np.array([[0.0, 0.25, 0.5], [0.75, 1.0, 0.125]], dtype="<f4")
np.save("map_2x3.npy", d)
# the mistakes a user makes: float64, Fortran order, raw disparity above 1
np.save("map_2x3_f8.npy", d.astype("<f8"))
np.save("map_2x3_fortran.npy", np.asfortranarray(d.T).T.copy(order="F"))
np.save("map_2x3_raw.npy", (d * 40).astype("<f4"))
print(np.__version__)
