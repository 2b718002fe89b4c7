/**
 * EPIC-KITCHENS VISOR: its polygon rasterisation (bit-exact with the official tools' OpenCV
 * {@code fillPoly}) and its annotation JSON, as a small public API that the {@code visor} reader
 * and layers built on it (narrations) share.
 */
package org.egotune.mixer.visor;
