/** Reading and writing model weights in interchange formats; the central type is {@link org.egotune.model.io.Safetensors}. */
package org.egotune.model.io;
