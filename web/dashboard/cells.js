// Small pieces of the list and the details dialog: a status badge and dates shown relative to now
// (with the exact time beside or on hover), kept fresh by refreshRelativeTimes().

import { h } from './dom.js';
import { relativeTime, exactTime } from './format.js';

const BADGE = { Active: 'ok', Inactive: 'off', Expired: 'bad', 'Expires soon': 'warn' };

/** The badge of a status from statusWords(). */
export const badge = (status) => h('span', { class: `badge badge-${BADGE[status]}`, text: status });

/** A table cell's date: relative, the exact time as its title; `none` when there is no date. */
export function timeCell(iso, none) {
  const rel = relativeTime(iso);
  if (!rel) return h('span', { class: 'muted', text: none });
  return h('time', { datetime: iso, title: exactTime(iso), dataset: { rel: '1' }, text: rel });
}

/** A details fact's date: relative, then the exact time; `none` when there is no date. */
export function fullTime(iso, none) {
  const rel = relativeTime(iso);
  if (!rel) return h('span', { class: 'muted', text: none });
  return h(
    'span',
    {},
    h('time', { datetime: iso, dataset: { rel: '1' }, text: rel }),
    h('span', { class: 'muted', text: ` · ${exactTime(iso)}` }),
  );
}

/** Relative dates drift: rewords every one on the page. */
export function refreshRelativeTimes() {
  for (const t of document.querySelectorAll('time[data-rel]')) {
    const rel = relativeTime(t.dateTime);
    if (rel) t.textContent = rel;
  }
}
