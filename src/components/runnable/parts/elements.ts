/**
 * Defines every runnable part's custom element. One module for all of them: the page then loads
 * one small script (plus what it shares with others) rather than a request per part. Each
 * element's behaviour lives in the file next to its markup (`Chips.astro` → `chips-element.ts`).
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
import './rows-element';
import './kv-element';
import './compare-element';
import './run-all-element';
import './measure-element';
import './sampling-settings-element';
import './stages-element';
import './choose-time-element';
import './repeats-element';
import './batch-size-element';
import './row-check-element';
import './batch-chart-element';
import './schedule-element';
import './blocks-element';
import './serve-summary-element';
