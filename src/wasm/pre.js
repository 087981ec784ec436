// The Fetch API uses XMLHttpRequest. The bindings hand the factory one built on fetch() wherever
// the host has fetch (bindings/xhr.js): it never follows a redirect, where a browser's own XHR
// follows one before anyone can look. It stays in the module's scope, never on globalThis; a host
// with XHR and no fetch keeps its XHR.
var XMLHttpRequest = Module['xhrImpl'] || globalThis.XMLHttpRequest;
