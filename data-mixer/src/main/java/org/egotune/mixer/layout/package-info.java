/**
 * The registry of dataset layouts: for each layout name, its reader, its splits, its role
 * (training source or benchmark) and its synthetic generator.
 */
package org.egotune.mixer.layout;
