/**
 * Defines lesson 3's parts. The runnable parts (`<rc-run>` above all) are imported first, so that a
 * run is defined and registered before these panels look for it, whatever order the page's
 * scripts load in; the bundler shares that module with `<Run>`'s script rather than loading it twice.
 */
import '../runnable/parts/elements';
import './latency-settings-element';
import './latency-result-element';
import './streamed-buffered-element';
import './latency-sweep-element';
