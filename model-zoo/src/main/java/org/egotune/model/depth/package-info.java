/**
 * EgoDTM's adaptive-bin depth decoder (patch tokens to low-resolution inverse depth), its loss, and
 * its release state-dict names.
 */
package org.egotune.model.depth;
