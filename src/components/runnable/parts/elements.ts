/**
 * Defines the custom elements of the parts most runs use, in one module, so a page loads one small
 * script rather than a request per part. A part that only one lesson's demo uses (Measure,
 * SamplingStages, BatchChart, Schedule, KvCache, Rows, RunAll, …) defines its element in its own component's script
 * instead, so it ships only with the pages that use it. Each element's behaviour lives in the file
 * next to its markup (`Chips.astro` → `chips-element.ts`).
 */
import './run-element';
import './listing-element';
import './settings-element';
import './controls-element';
import './status-element';
import './backend-element';
import './chips-element';
import './event-element';
import './candidates-element';
import './chart-element';
import './stats-element';
import './output-element';
import './scrubber-element';
