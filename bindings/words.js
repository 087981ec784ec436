// The C core speaks in C's own names (its dh_config and dh_list_options fields: base_url,
// page_size, max_response_bytes); a JS user set baseUrl, pageSize, maxResponseBytes. This table is
// the one place where a C sentence that reaches JS takes the JS user's words.
const JS_NAMES = {
  base_url: 'baseUrl',
  page_size: 'pageSize',
  max_response_bytes: 'maxResponseBytes',
};
const C_NAME = new RegExp(`\\b(?:${Object.keys(JS_NAMES).join('|')})\\b`, 'g');

/** A sentence of the C core in the JS user's words. @param {string} sentence */
export const inJsWords = (sentence) => sentence.replace(C_NAME, (name) => JS_NAMES[name]);
