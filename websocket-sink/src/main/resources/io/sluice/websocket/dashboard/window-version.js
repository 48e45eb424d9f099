/*
 * The dashboard's copy of io.sluice.update.WindowVersion, the rule of which emission of a tag's
 * window to keep: a later window, or the same window with a revision at least as high (an equal
 * one is the same window again). WindowVersionScriptTest runs it with node against the shared
 * vectors, conf/samples/updates/supersedes.tsv.
 */
(function (global) {
  'use strict';

  /** True when (s, r) supersedes the held (heldS, heldR). */
  function supersedes(s, r, heldS, heldR) {
    return s !== heldS ? s > heldS : r >= heldR;
  }

  global.WindowVersion = { supersedes: supersedes };
})(window);
